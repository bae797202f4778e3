"""account mail: the mail of a reset or invitation link, sent and retried like the outbox's

The link row carries its own delivery state; its secret is derived from the server key
and the row's random message key, so neither the link nor its mail stores it. (No row
exists before this revision: the table is new in 0013 and nothing wrote it.)

Revision ID: 0014_account_mail
Revises: 0013_accounts
Create Date: 2026-12-01 23:21:03.027615
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
import advanced_alchemy.types


revision = '0014_account_mail'
down_revision = '0013_accounts'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('account_link', schema=None) as batch_op:
        batch_op.add_column(sa.Column('message_key', sa.String(length=36), nullable=False))
        batch_op.add_column(sa.Column('language', sa.String(length=8), server_default=sa.text("'en'"), nullable=False))
        batch_op.add_column(sa.Column('mail_status', sa.Enum('pending', 'sending', 'sent', 'failed', name='link_mail_status', native_enum=False, create_constraint=True, length=16), server_default=sa.text("'pending'"), nullable=False))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), server_default=sa.text('0'), nullable=False))
        batch_op.add_column(sa.Column('next_attempt_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('lease_until', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('last_error', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('sent_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_account_link_message_key'), ['message_key'])



def downgrade() -> None:
    with op.batch_alter_table('account_link', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_account_link_message_key'), type_='unique')
        batch_op.drop_column('sent_at')
        batch_op.drop_column('last_error')
        batch_op.drop_column('lease_until')
        batch_op.drop_column('next_attempt_at')
        batch_op.drop_column('attempts')
        batch_op.drop_constraint(op.f('ck_account_link_link_mail_status'), type_='check')
        batch_op.drop_column('mail_status')
        batch_op.drop_column('language')
        batch_op.drop_column('message_key')

