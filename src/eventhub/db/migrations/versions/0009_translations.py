"""translations: content in several languages, a mission's default language, an attendee's language

Missions, venues and sessions carry `translations` ({"ru": {"title": ...}}) for the
mission's `content_languages`; `default_language` is the language the mission's own texts
are written in and its pages fall back to. An attendee keeps the language they
registered in, for their mail and their personal feed.

Revision ID: 0009_translations
Revises: 0011_checkins
Create Date: 2026-12-01 20:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0009_translations"
down_revision = "0011_checkins"
branch_labels = None
depends_on = None

_EMPTY_OBJECT = sa.text("'{}'")
Json = sa.JSON().with_variant(JSONB(), "postgresql")
_EMPTY_LIST = sa.text("'[]'")
_ENGLISH = sa.text("'en'")


# Plain ADD/DROP COLUMN, not batch mode: rebuilding programme_session on SQLite would break
# the registration triggers of 0006 that name it.
def upgrade() -> None:
    op.add_column("mission", sa.Column("default_language", sa.String(8), nullable=False, server_default=_ENGLISH))
    op.add_column("mission", sa.Column("content_languages", Json, nullable=False, server_default=_EMPTY_LIST))
    for table in ("mission", "venue", "programme_session"):
        op.add_column(table, sa.Column("translations", Json, nullable=False, server_default=_EMPTY_OBJECT))
    op.add_column("attendee", sa.Column("language", sa.String(8), nullable=False, server_default=_ENGLISH))


def downgrade() -> None:
    op.drop_column("attendee", "language")
    for table in ("programme_session", "venue", "mission"):
        op.drop_column(table, "translations")
    op.drop_column("mission", "content_languages")
    op.drop_column("mission", "default_language")
