"""reminders: an attendee's reminder before each of their sessions (personal feed VALARM)

Revision ID: 0017_reminders
Revises: 0016_meetings
Create Date: 2026-12-02 03:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0017_reminders'
down_revision = '0016_meetings'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('attendee', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reminder', sa.String(length=8), server_default=sa.text("'none'"), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('attendee', schema=None) as batch_op:
        batch_op.drop_column('reminder')
