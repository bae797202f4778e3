"""feed stamps: each calendar entry's and each feed's content digest, SEQUENCE and time

A feed entry (a session in a public feed, a session or meeting in a personal feed, per
language) and a whole feed keep the digest of the content they were last rendered with;
SEQUENCE and DTSTAMP/LAST-MODIFIED (Last-Modified for a feed) move when it changes
(eventhub.domain.stamps). Rows are created as feeds are rendered; none is needed at start.

Revision ID: 0018_feed_stamps
Revises: 0017_reminders
Create Date: 2026-12-02 03:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
import advanced_alchemy.types

revision = '0018_feed_stamps'
down_revision = '0017_reminders'
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
_UTC = advanced_alchemy.types.datetime.DateTimeUTC(timezone=True)


def upgrade() -> None:
    op.create_table(
        'feed_stamp',
        sa.Column('id', _ID, autoincrement=True, nullable=False),
        sa.Column('key', sa.String(length=160), nullable=False),
        sa.Column('mission_id', _ID, nullable=False),
        sa.Column('digest', sa.String(length=64), nullable=False),
        sa.Column('sequence', sa.Integer(), nullable=False),
        sa.Column('stamped_at', _UTC, nullable=False),
        sa.ForeignKeyConstraint(['mission_id'], ['mission.id'], name=op.f('fk_feed_stamp_mission_id_mission'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_feed_stamp')),
        sa.UniqueConstraint('key', name=op.f('uq_feed_stamp_key')),
    )
    op.create_index(op.f('ix_feed_stamp_mission_id'), 'feed_stamp', ['mission_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_feed_stamp_mission_id'), table_name='feed_stamp')
    op.drop_table('feed_stamp')
