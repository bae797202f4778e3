"""organiser accounts: sign-in, roles per mission, browser sessions, links, history

Accounts (an Argon2id hash, never the password), their memberships (a role per
mission), server-side browser sessions and single-use mailed links (both kept only as
digests), the history of organiser writes, and organiser tokens that may belong to an
account, carry a role, and be revoked.

Revision ID: 0013_accounts
Revises: 0009_translations
Create Date: 2026-12-01 22:39:26.791375
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
import advanced_alchemy.types
from sqlalchemy.dialects import postgresql

revision = '0013_accounts'
down_revision = '0009_translations'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('account',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('email_key', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('all_missions', sa.Boolean(), nullable=False),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account')),
    sa.UniqueConstraint('email_key', name=op.f('uq_account_email_key'))
    )
    op.create_table('account_link',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('purpose', sa.String(length=16), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('account_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('mission_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('role', sa.Enum('owner', 'editor', 'viewer', name='link_role', native_enum=False, create_constraint=True, length=16), nullable=True),
    sa.Column('invited_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('expires_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('used_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_account_link_account_id_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['mission_id'], ['mission.id'], name=op.f('fk_account_link_mission_id_mission'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_link')),
    sa.UniqueConstraint('digest', name=op.f('uq_account_link_digest'))
    )
    with op.batch_alter_table('account_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_link_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_account_link_mission_id'), ['mission_id'], unique=False)

    op.create_table('membership',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('account_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('mission_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('role', sa.Enum('owner', 'editor', 'viewer', name='membership_role', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_membership_account_id_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['mission_id'], ['mission.id'], name=op.f('fk_membership_mission_id_mission'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_membership')),
    sa.UniqueConstraint('account_id', 'mission_id', name='uq_membership_account_mission')
    )
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_membership_mission_id'), ['mission_id'], unique=False)

    op.create_table('web_session',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('account_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('created_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('expires_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('revoked_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_web_session_account_id_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_web_session')),
    sa.UniqueConstraint('digest', name=op.f('uq_web_session_digest'))
    )
    with op.batch_alter_table('web_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_web_session_account_id'), ['account_id'], unique=False)

    op.create_table('history_entry',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('mission_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('account_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('token_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('subject', sa.String(length=32), nullable=False),
    sa.Column('subject_id', sa.BigInteger(), nullable=True),
    sa.Column('session_id', sa.BigInteger(), nullable=True),
    sa.Column('change', sa.String(length=32), nullable=False),
    sa.Column('fields', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('about_attendees', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_history_entry_account_id_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['mission_id'], ['mission.id'], name=op.f('fk_history_entry_mission_id_mission'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['token_id'], ['organiser_token.id'], name=op.f('fk_history_entry_token_id_organiser_token'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_history_entry'))
    )
    with op.batch_alter_table('history_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_history_entry_session_id'), ['session_id'], unique=False)
        batch_op.create_index('ix_history_mission_id', ['mission_id', 'id'], unique=False)

    with op.batch_alter_table('organiser_token', schema=None) as batch_op:
        batch_op.add_column(sa.Column('account_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
        batch_op.add_column(sa.Column('role', sa.Enum('owner', 'editor', 'viewer', name='token_role', native_enum=False, create_constraint=True, length=16), nullable=True))
        batch_op.add_column(sa.Column('last_used_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('revoked_at', advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_organiser_token_account_id'), ['account_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_organiser_token_account_id_account'), 'account', ['account_id'], ['id'], ondelete='CASCADE')



def downgrade() -> None:
    with op.batch_alter_table('organiser_token', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_organiser_token_account_id_account'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_organiser_token_account_id'))
        # SQLite's batch copy would keep the role's CHECK, which names the dropped column.
        batch_op.drop_constraint(op.f('ck_organiser_token_token_role'), type_='check')
        batch_op.drop_column('revoked_at')
        batch_op.drop_column('last_used_at')
        batch_op.drop_column('role')
        batch_op.drop_column('account_id')

    with op.batch_alter_table('history_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_history_mission_id')
        batch_op.drop_index(batch_op.f('ix_history_entry_session_id'))

    op.drop_table('history_entry')
    with op.batch_alter_table('web_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_web_session_account_id'))

    op.drop_table('web_session')
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_membership_mission_id'))

    op.drop_table('membership')
    with op.batch_alter_table('account_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_link_mission_id'))
        batch_op.drop_index(batch_op.f('ix_account_link_account_id'))

    op.drop_table('account_link')
    op.drop_table('account')
