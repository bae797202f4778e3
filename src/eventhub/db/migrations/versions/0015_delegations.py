"""delegations: a head of delegation registers named members, some without an address

A member is an attendee of their own (own tokens, own registrations) whose
`delegation_head_id` names the attendee who registered them. A member without an
e-mail address has an empty `email` and no `email_key` (NULL: the unique
(mission_id, email_key) constraint leaves such rows alone); the head's manage page
shows their links, and their mail goes to the head.

Revision ID: 0015_delegations
Revises: 0009_translations
Create Date: 2026-12-01 23:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0015_delegations'
down_revision = '0014_account_mail'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('attendee', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'delegation_head_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True
        ))
        batch_op.alter_column('email_key', existing_type=sa.String(length=254), nullable=True)
        batch_op.create_foreign_key(
            'fk_attendee_delegation_head_id_attendee', 'attendee', ['delegation_head_id'], ['id'], ondelete='SET NULL'
        )
        batch_op.create_index('ix_attendee_delegation_head_id', ['delegation_head_id'], unique=False)


def downgrade() -> None:
    # Members without an address cannot keep a NOT NULL address key: they go, with their registrations.
    op.execute("DELETE FROM attendee WHERE email_key IS NULL")
    with op.batch_alter_table('attendee', schema=None) as batch_op:
        batch_op.drop_index('ix_attendee_delegation_head_id')
        batch_op.drop_constraint('fk_attendee_delegation_head_id_attendee', type_='foreignkey')
        batch_op.alter_column('email_key', existing_type=sa.String(length=254), nullable=False)
        batch_op.drop_column('delegation_head_id')
