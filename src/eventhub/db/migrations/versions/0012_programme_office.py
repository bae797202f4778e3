"""programme office: a cancelled session keeps the reason its organisers gave

The reason is shown on the session's page, in the feeds' DESCRIPTION and in the
cancellation mail; it is cleared when the session is reinstated.

Revision ID: 0012_programme_office
Revises: 0006
Create Date: 2026-12-01 20:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0012_programme_office'
down_revision = '0006'
branch_labels = None
depends_on = None


# Plain ALTER TABLE, not a batch: rebuilding programme_session on SQLite would break the
# registration triggers of 0006, which name it.
def upgrade() -> None:
    op.add_column('programme_session', sa.Column('cancel_reason', sa.Text(), nullable=True))


def downgrade() -> None:
    op.execute("ALTER TABLE programme_session DROP COLUMN cancel_reason")
