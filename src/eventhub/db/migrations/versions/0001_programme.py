"""programme: missions, venues, people, sessions, travel times, organiser tokens

Revision ID: 0001
Revises: 
Create Date: 2026-11-27 17:12:29.097242
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
import advanced_alchemy.types

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('mission',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('host_city', sa.String(length=120), nullable=False),
    sa.Column('host_country', sa.String(length=2), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('organiser_name', sa.String(length=200), nullable=False),
    sa.Column('contact_email', sa.String(length=254), nullable=False),
    sa.Column('funding_note', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'published', 'archived', name='mission_status', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mission')),
    sa.UniqueConstraint('slug', name=op.f('uq_mission_slug'))
    )
    op.create_table('organiser_token',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('mission_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['mission_id'], ['mission.id'], name=op.f('fk_organiser_token_mission_id_mission'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organiser_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_organiser_token_token_hash'))
    )
    op.create_table('person',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('mission_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('affiliation', sa.String(length=200), nullable=False),
    sa.Column('role_title', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.ForeignKeyConstraint(['mission_id'], ['mission.id'], name=op.f('fk_person_mission_id_mission'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person'))
    )
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_mission_id'), ['mission_id'], unique=False)

    op.create_table('venue',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('mission_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('address', sa.Text(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.Column('timezone', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['mission_id'], ['mission.id'], name=op.f('fk_venue_mission_id_mission'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_venue')),
    sa.UniqueConstraint('mission_id', 'name', name='uq_venue_mission_name')
    )
    with op.batch_alter_table('venue', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_venue_mission_id'), ['mission_id'], unique=False)

    op.create_table('programme_session',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('mission_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('uid', sa.String(length=36), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.Enum('workshop', 'seminar', 'presentation', 'interactive', 'meeting', 'site_visit', 'networking', 'other', name='session_kind', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('starts_local', sa.DateTime(), nullable=False),
    sa.Column('ends_local', sa.DateTime(), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('starts_at_utc', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('ends_at_utc', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('venue_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('online_url', sa.String(length=500), nullable=True),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('registration', sa.Enum('open', 'closed', 'none', name='registration_mode', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('registration_opens_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
    sa.Column('registration_closes_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
    sa.Column('language', sa.String(length=35), nullable=True),
    sa.Column('status', sa.Enum('draft', 'published', 'cancelled', name='session_status', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('updated_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.CheckConstraint('capacity IS NULL OR capacity >= 0', name=op.f('ck_programme_session_capacity_not_negative')),
    sa.CheckConstraint('sequence >= 0', name=op.f('ck_programme_session_sequence_not_negative')),
    sa.ForeignKeyConstraint(['mission_id'], ['mission.id'], name=op.f('fk_programme_session_mission_id_mission'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['venue_id'], ['venue.id'], name=op.f('fk_programme_session_venue_id_venue'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programme_session')),
    sa.UniqueConstraint('uid', name=op.f('uq_programme_session_uid'))
    )
    with op.batch_alter_table('programme_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programme_session_mission_id'), ['mission_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_programme_session_starts_at_utc'), ['starts_at_utc'], unique=False)
        batch_op.create_index(batch_op.f('ix_programme_session_venue_id'), ['venue_id'], unique=False)

    op.create_table('travel_time',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('mission_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('from_venue_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('to_venue_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.CheckConstraint('minutes >= 0', name=op.f('ck_travel_time_minutes_not_negative')),
    sa.ForeignKeyConstraint(['from_venue_id'], ['venue.id'], name=op.f('fk_travel_time_from_venue_id_venue'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['mission_id'], ['mission.id'], name=op.f('fk_travel_time_mission_id_mission'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['to_venue_id'], ['venue.id'], name=op.f('fk_travel_time_to_venue_id_venue'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_travel_time')),
    sa.UniqueConstraint('from_venue_id', 'to_venue_id', name='uq_travel_time_pair')
    )
    with op.batch_alter_table('travel_time', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_travel_time_mission_id'), ['mission_id'], unique=False)

    op.create_table('session_speaker',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('session_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('person_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('role', sa.Enum('speaker', 'host', 'moderator', name='speaker_role', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_session_speaker_person_id_person'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['session_id'], ['programme_session.id'], name=op.f('fk_session_speaker_session_id_programme_session'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_speaker')),
    sa.UniqueConstraint('session_id', 'person_id', name='uq_session_speaker')
    )
    with op.batch_alter_table('session_speaker', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_speaker_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_session_speaker_session_id'), ['session_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('session_speaker', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_speaker_session_id'))
        batch_op.drop_index(batch_op.f('ix_session_speaker_person_id'))

    op.drop_table('session_speaker')
    with op.batch_alter_table('travel_time', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_travel_time_mission_id'))

    op.drop_table('travel_time')
    with op.batch_alter_table('programme_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_programme_session_venue_id'))
        batch_op.drop_index(batch_op.f('ix_programme_session_starts_at_utc'))
        batch_op.drop_index(batch_op.f('ix_programme_session_mission_id'))

    op.drop_table('programme_session')
    with op.batch_alter_table('venue', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_venue_mission_id'))

    op.drop_table('venue')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_mission_id'))

    op.drop_table('person')
    op.drop_table('organiser_token')
    op.drop_table('mission')
