"""check-ins and organisers' messages

A check-in per registration (unique: a second scan finds the first), the messages
organisers write to attendees, and the outbox rows that carry them: one per recipient,
which a unique key on (message, attendee) makes impossible to double. The outbox's
mail kinds gain `organiser_message`.

Revision ID: 0011_checkins
Revises: 0012_programme_office
Create Date: 2026-12-01 20:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
import advanced_alchemy.types


revision = '0011_checkins'
down_revision = '0012_programme_office'
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
_KINDS = ['registered', 'promoted', 'registration_cancelled', 'session_changed', 'session_cancelled',
          'manage_link', 'feed_rotated']
_KIND_CHECK = 'ck_outbox_message_mail_kind'


def _kind_check(kinds: list[str]) -> str:
    return "kind IN (" + ", ".join(f"'{k}'" for k in kinds) + ")"


def upgrade() -> None:
    op.create_table('check_in',
    sa.Column('id', _ID, nullable=False),
    sa.Column('registration_id', _ID, nullable=False),
    sa.Column('session_id', _ID, nullable=False),
    sa.Column('checked_in_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('checked_in_by', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_check_in_registration_id_registration'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['programme_session.id'], name=op.f('fk_check_in_session_id_programme_session'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_check_in')),
    sa.UniqueConstraint('registration_id', name=op.f('uq_check_in_registration_id'))
    )
    with op.batch_alter_table('check_in', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_check_in_session_id'), ['session_id'], unique=False)

    op.create_table('organiser_message',
    sa.Column('id', _ID, nullable=False),
    sa.Column('mission_id', _ID, nullable=False),
    sa.Column('session_id', _ID, nullable=True),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('include_waitlisted', sa.Boolean(), nullable=False),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.Column('sent_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['mission_id'], ['mission.id'], name=op.f('fk_organiser_message_mission_id_mission'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['programme_session.id'], name=op.f('fk_organiser_message_session_id_programme_session'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organiser_message'))
    )
    with op.batch_alter_table('organiser_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organiser_message_mission_id'), ['mission_id'], unique=False)

    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organiser_message_id', _ID, nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_outbox_message_organiser_message_id_organiser_message'), 'organiser_message', ['organiser_message_id'], ['id'], ondelete='CASCADE')
        batch_op.create_unique_constraint('uq_outbox_organiser_message_attendee', ['organiser_message_id', 'attendee_id'])
        batch_op.drop_constraint(op.f(_KIND_CHECK), type_='check')
        batch_op.create_check_constraint(op.f(_KIND_CHECK), _kind_check([*_KINDS, 'organiser_message']))


def downgrade() -> None:
    op.execute("DELETE FROM outbox_message WHERE kind = 'organiser_message'")
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_constraint(op.f(_KIND_CHECK), type_='check')
        batch_op.create_check_constraint(op.f(_KIND_CHECK), _kind_check(_KINDS))
        batch_op.drop_constraint('uq_outbox_organiser_message_attendee', type_='unique')
        batch_op.drop_constraint(batch_op.f('fk_outbox_message_organiser_message_id_organiser_message'), type_='foreignkey')
        batch_op.drop_column('organiser_message_id')

    with op.batch_alter_table('organiser_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organiser_message_mission_id'))
    op.drop_table('organiser_message')

    with op.batch_alter_table('check_in', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_check_in_session_id'))
    op.drop_table('check_in')
