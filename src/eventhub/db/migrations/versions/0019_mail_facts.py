"""mail facts: each outbox row keeps what its mail says, as it was when it happened

A seat or session mail is composed when it is sent, from facts written with the change
(status, waitlist place, the session's time and place, and what a change changed), so a
mail sent late still reads true. Rows written before keep NULL and are composed from the
state at send time, as they were.

Revision ID: 0019_mail_facts
Revises: 0018_feed_stamps
Create Date: 2026-12-02 03:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0019_mail_facts'
down_revision = '0018_feed_stamps'
branch_labels = None
depends_on = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')


def upgrade() -> None:
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('facts', _JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_column('facts')
