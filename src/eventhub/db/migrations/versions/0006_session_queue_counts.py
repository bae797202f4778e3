"""session queue counts: confirmed and waitlisted registrations per session, kept by triggers

The seat lock (`SELECT ... FOR UPDATE` of the session row) then reads the counts with the
row itself: on PostgreSQL a lock wait ends by reading the newest version of the row, so
the counts are current without a second query inside the lock. Triggers keep them, so
every write of a registration (and every cascade) counts, whatever code makes it.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 22:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

_BACKFILL = """
UPDATE programme_session SET
  confirmed_count = (SELECT count(*) FROM registration r
                     WHERE r.session_id = programme_session.id AND r.status = 'confirmed'),
  waitlisted_count = (SELECT count(*) FROM registration r
                      WHERE r.session_id = programme_session.id AND r.status = 'waitlisted')
"""


def _change(sign: str, row: str, as_int: str) -> str:
    """Add (sign '+') or take away ('-') one registration row (NEW or OLD) from its session."""
    confirmed = as_int.format(f"{row}.status = 'confirmed'")
    waitlisted = as_int.format(f"{row}.status = 'waitlisted'")
    return (
        f"UPDATE programme_session SET confirmed_count = confirmed_count {sign} {confirmed},"
        f" waitlisted_count = waitlisted_count {sign} {waitlisted} WHERE id = {row}.session_id;"
    )


_POSTGRES_FUNCTION = f"""
CREATE FUNCTION registration_queue_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.status = NEW.status AND OLD.session_id = NEW.session_id THEN
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    {_change('-', 'OLD', '({})::int')}
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    {_change('+', 'NEW', '({})::int')}
  END IF;
  RETURN NULL;
END $$
"""
_POSTGRES_TRIGGER = """
CREATE TRIGGER registration_queue_counts
AFTER INSERT OR DELETE OR UPDATE OF status, session_id ON registration
FOR EACH ROW EXECUTE FUNCTION registration_queue_counts()
"""
_SQLITE_TRIGGERS = [
    f"CREATE TRIGGER registration_counted_insert AFTER INSERT ON registration BEGIN"
    f" {_change('+', 'NEW', '({})')} END",
    f"CREATE TRIGGER registration_counted_delete AFTER DELETE ON registration BEGIN"
    f" {_change('-', 'OLD', '({})')} END",
    f"CREATE TRIGGER registration_counted_update AFTER UPDATE OF status, session_id ON registration"
    f" WHEN OLD.status IS NOT NEW.status OR OLD.session_id IS NOT NEW.session_id BEGIN"
    f" {_change('-', 'OLD', '({})')} {_change('+', 'NEW', '({})')} END",
]


def upgrade() -> None:
    with op.batch_alter_table('programme_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('confirmed_count', sa.Integer(), server_default=sa.text('0'), nullable=False))
        batch_op.add_column(sa.Column('waitlisted_count', sa.Integer(), server_default=sa.text('0'), nullable=False))
    op.execute(_BACKFILL)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_POSTGRES_FUNCTION)
        op.execute(_POSTGRES_TRIGGER)
    else:
        for trigger in _SQLITE_TRIGGERS:
            op.execute(trigger)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER registration_queue_counts ON registration")
        op.execute("DROP FUNCTION registration_queue_counts()")
    else:
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER registration_counted_{name}")
    with op.batch_alter_table('programme_session', schema=None) as batch_op:
        batch_op.drop_column('waitlisted_count')
        batch_op.drop_column('confirmed_count')
