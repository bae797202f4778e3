"""bilateral meetings: profiles, requests, the plan (windows, tables) and its meetings

Meeting mail goes through the outbox like all mail: its rows name the request they are
about, and the mail kinds gain the meeting ones.

Revision ID: 0016_meetings
Revises: 0015_delegations
Create Date: 2026-12-01 23:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
import advanced_alchemy.types

revision = '0016_meetings'
down_revision = '0015_delegations'
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
_UTC = advanced_alchemy.types.datetime.DateTimeUTC(timezone=True)
_JSON = sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), 'postgresql')
# The kinds at the head this migration follows, and the ones it adds.
_KINDS = ['registered', 'promoted', 'registration_cancelled', 'session_changed', 'session_cancelled',
          'manage_link', 'feed_rotated', 'organiser_message']
_MEETING_KINDS = ['meeting_requested', 'meeting_accepted', 'meeting_declined', 'meeting_request_expired',
                  'meeting_request_cancelled', 'meeting_scheduled', 'meeting_moved', 'meeting_cancelled']
_KIND_CHECK = 'ck_outbox_message_mail_kind'
_STATUSES = ['pending', 'accepted', 'declined', 'expired', 'cancelled']


def _kind_check(kinds: list[str]) -> str:
    return "kind IN (" + ", ".join(f"'{k}'" for k in kinds) + ")"


def _timestamps() -> list[sa.Column]:
    return [sa.Column('created_at', _UTC, nullable=False), sa.Column('updated_at', _UTC, nullable=False)]


def upgrade() -> None:
    op.create_table('meeting_profile',
    sa.Column('id', _ID, nullable=False),
    sa.Column('mission_id', _ID, nullable=False),
    sa.Column('attendee_id', _ID, nullable=False),
    sa.Column('organisation', sa.String(length=200), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('sector', sa.String(length=200), nullable=False),
    sa.Column('offer', sa.Text(), nullable=False),
    sa.Column('seek', sa.Text(), nullable=False),
    sa.Column('withdrawn_at', _UTC, nullable=True),
    *_timestamps(),
    sa.ForeignKeyConstraint(['attendee_id'], ['attendee.id'], name=op.f('fk_meeting_profile_attendee_id_attendee'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['mission_id'], ['mission.id'], name=op.f('fk_meeting_profile_mission_id_mission'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_profile')),
    sa.UniqueConstraint('attendee_id', name=op.f('uq_meeting_profile_attendee_id'))
    )
    with op.batch_alter_table('meeting_profile', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_profile_mission_id'), ['mission_id'], unique=False)

    op.create_table('meeting_request',
    sa.Column('id', _ID, nullable=False),
    sa.Column('mission_id', _ID, nullable=False),
    sa.Column('from_profile_id', _ID, nullable=False),
    sa.Column('to_profile_id', _ID, nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum(*_STATUSES, name='meeting_request_status', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('expires_at', _UTC, nullable=False),
    sa.Column('answered_at', _UTC, nullable=True),
    *_timestamps(),
    sa.CheckConstraint('from_profile_id <> to_profile_id', name=op.f('ck_meeting_request_not_to_self')),
    sa.ForeignKeyConstraint(['from_profile_id'], ['meeting_profile.id'], name=op.f('fk_meeting_request_from_profile_id_meeting_profile'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['mission_id'], ['mission.id'], name=op.f('fk_meeting_request_mission_id_mission'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['to_profile_id'], ['meeting_profile.id'], name=op.f('fk_meeting_request_to_profile_id_meeting_profile'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_request'))
    )
    with op.batch_alter_table('meeting_request', schema=None) as batch_op:
        batch_op.create_index('ix_meeting_request_from_status', ['from_profile_id', 'status'], unique=False)
        batch_op.create_index('ix_meeting_request_to_status', ['to_profile_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_request_mission_id'), ['mission_id'], unique=False)

    op.create_table('meeting_plan',
    sa.Column('id', _ID, nullable=False),
    sa.Column('mission_id', _ID, nullable=False),
    sa.Column('slot_minutes', sa.Integer(), nullable=False),
    sa.Column('request_expiry_hours', sa.Integer(), nullable=False),
    sa.Column('max_open_requests', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('published_at', _UTC, nullable=True),
    sa.Column('solve_id', sa.String(length=36), nullable=True),
    sa.Column('solving_until', _UTC, nullable=True),
    sa.Column('last_run', _JSON, nullable=False),
    *_timestamps(),
    sa.ForeignKeyConstraint(['mission_id'], ['mission.id'], name=op.f('fk_meeting_plan_mission_id_mission'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_plan')),
    sa.UniqueConstraint('mission_id', name=op.f('uq_meeting_plan_mission_id'))
    )

    op.create_table('meeting_window',
    sa.Column('id', _ID, nullable=False),
    sa.Column('plan_id', _ID, nullable=False),
    sa.Column('starts_at', _UTC, nullable=False),
    sa.Column('ends_at', _UTC, nullable=False),
    sa.Column('venue_id', _ID, nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['meeting_plan.id'], name=op.f('fk_meeting_window_plan_id_meeting_plan'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['venue_id'], ['venue.id'], name=op.f('fk_meeting_window_venue_id_venue'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_window'))
    )
    with op.batch_alter_table('meeting_window', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_window_plan_id'), ['plan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_window_venue_id'), ['venue_id'], unique=False)

    op.create_table('meeting_table',
    sa.Column('id', _ID, nullable=False),
    sa.Column('plan_id', _ID, nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('venue_id', _ID, nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['meeting_plan.id'], name=op.f('fk_meeting_table_plan_id_meeting_plan'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['venue_id'], ['venue.id'], name=op.f('fk_meeting_table_venue_id_venue'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_table')),
    sa.UniqueConstraint('plan_id', 'name', name='uq_meeting_table_plan_name')
    )
    with op.batch_alter_table('meeting_table', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_table_venue_id'), ['venue_id'], unique=False)

    op.create_table('meeting',
    sa.Column('id', _ID, nullable=False),
    sa.Column('mission_id', _ID, nullable=False),
    sa.Column('request_id', _ID, nullable=False),
    sa.Column('uid', sa.String(length=36), nullable=False),
    sa.Column('starts_at', _UTC, nullable=True),
    sa.Column('ends_at', _UTC, nullable=True),
    sa.Column('table_id', _ID, nullable=True),
    sa.Column('locked', sa.Boolean(), nullable=False),
    sa.Column('published_starts_at', _UTC, nullable=True),
    sa.Column('published_ends_at', _UTC, nullable=True),
    sa.Column('published_table_id', _ID, nullable=True),
    sa.Column('published_table_name', sa.String(length=100), nullable=False),
    sa.Column('published_venue_id', _ID, nullable=True),
    sa.Column('published_cancelled', sa.Boolean(), nullable=False),
    sa.Column('published_at', _UTC, nullable=True),
    sa.Column('sequence', sa.Integer(), nullable=False),
    *_timestamps(),
    sa.ForeignKeyConstraint(['mission_id'], ['mission.id'], name=op.f('fk_meeting_mission_id_mission'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['published_table_id'], ['meeting_table.id'], name=op.f('fk_meeting_published_table_id_meeting_table'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['published_venue_id'], ['venue.id'], name=op.f('fk_meeting_published_venue_id_venue'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['request_id'], ['meeting_request.id'], name=op.f('fk_meeting_request_id_meeting_request'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['table_id'], ['meeting_table.id'], name=op.f('fk_meeting_table_id_meeting_table'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting')),
    sa.UniqueConstraint('request_id', name=op.f('uq_meeting_request_id')),
    sa.UniqueConstraint('uid', name=op.f('uq_meeting_uid'))
    )
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_mission_id'), ['mission_id'], unique=False)

    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('meeting_request_id', _ID, nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_outbox_message_meeting_request_id_meeting_request'), 'meeting_request', ['meeting_request_id'], ['id'], ondelete='CASCADE')
        batch_op.drop_constraint(op.f(_KIND_CHECK), type_='check')
        batch_op.create_check_constraint(op.f(_KIND_CHECK), _kind_check([*_KINDS, *_MEETING_KINDS]))


def downgrade() -> None:
    op.execute("DELETE FROM outbox_message WHERE meeting_request_id IS NOT NULL")
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_constraint(op.f(_KIND_CHECK), type_='check')
        batch_op.create_check_constraint(op.f(_KIND_CHECK), _kind_check(_KINDS))
        batch_op.drop_constraint(batch_op.f('fk_outbox_message_meeting_request_id_meeting_request'), type_='foreignkey')
        batch_op.drop_column('meeting_request_id')
    for table in ('meeting', 'meeting_table', 'meeting_window', 'meeting_plan', 'meeting_request', 'meeting_profile'):
        op.drop_table(table)
