"""attendee token salt: tokens derive from a per-attendee salt, not the row id

A new attendee's tokens can then be computed before the row exists, so a registration
writes the attendee with one INSERT. Existing attendees get their id as salt, which
derives exactly the tokens they hold already.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 21:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('attendee', schema=None) as batch_op:
        batch_op.add_column(sa.Column('token_salt', sa.String(length=32), nullable=True))
    op.execute("UPDATE attendee SET token_salt = CAST(id AS VARCHAR(32))")
    with op.batch_alter_table('attendee', schema=None) as batch_op:
        batch_op.alter_column('token_salt', existing_type=sa.String(length=32), nullable=False)
        # The unique (mission_id, email_key) constraint already serves lookups by mission.
        batch_op.drop_index('ix_attendee_mission_id')


def downgrade() -> None:
    with op.batch_alter_table('attendee', schema=None) as batch_op:
        batch_op.create_index('ix_attendee_mission_id', ['mission_id'], unique=False)
        batch_op.drop_column('token_salt')
