"""One-off activities leave the one-item series the new-activity form used to give them

Revision ID: a3c5e8d1f207
Revises: b7d41e9c2a63
Create Date: 2026-12-05 12:40:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a3c5e8d1f207'
down_revision = 'b7d41e9c2a63'
branch_labels = None
depends_on = None

# recurrence.describe's words for an activity that does not repeat. A one-off activity's page said 重复 一次，共1次
# and its edit form asked 只改这一次 / 这一次及以后各次; from now on it has no series at all.
ONE_OFF = "rule_text = '一次，共1次'"


def upgrade():
    op.execute("UPDATE activities SET series_id = NULL "
               f"WHERE series_id IN (SELECT id FROM activity_series WHERE {ONE_OFF})")
    op.execute(f"DELETE FROM activity_series WHERE {ONE_OFF}")


def downgrade():
    pass  # nothing to restore: a one-item series said no more than the activity itself
