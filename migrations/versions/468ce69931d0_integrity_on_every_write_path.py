"""integrity on every write path: one open pairing per household, one open helper row per person

Revision ID: 468ce69931d0
Revises: a533728259a7
Create Date: 2026-12-04 20:38:30.871146

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '468ce69931d0'
down_revision = 'a533728259a7'
branch_labels = None
depends_on = None

OPEN = sa.text('ends_on IS NULL')

# Races before this revision could leave copies (the same household paired several times at once, the
# same helper added twice). Each later copy ends on the day it started, so the oldest row, which covers
# the same days, is the open one the new indexes allow; nothing is deleted.
END_EXTRA_HELPER_ROWS = """
UPDATE pairing_helpers SET ends_on = starts_on
WHERE ends_on IS NULL AND EXISTS (
    SELECT 1 FROM pairing_helpers AS kept
    WHERE kept.pairing_id = pairing_helpers.pairing_id AND kept.user_id = pairing_helpers.user_id
      AND kept.ends_on IS NULL AND kept.id < pairing_helpers.id)
"""
END_EXTRA_PAIRINGS = """
UPDATE pairings SET ends_on = starts_on
WHERE ends_on IS NULL AND EXISTS (
    SELECT 1 FROM pairings AS kept
    WHERE kept.household_id = pairings.household_id AND kept.ends_on IS NULL AND kept.id < pairings.id)
"""


def upgrade():
    op.execute(END_EXTRA_HELPER_ROWS)
    op.execute(END_EXTRA_PAIRINGS)
    op.create_index('uq_pairing_helpers_open_pairing_id', 'pairing_helpers', ['pairing_id', 'user_id'], unique=True,
                    sqlite_where=OPEN, postgresql_where=OPEN)
    op.create_index('uq_pairings_open_household_id', 'pairings', ['household_id'], unique=True,
                    sqlite_where=OPEN, postgresql_where=OPEN)


def downgrade():
    op.drop_index('uq_pairings_open_household_id', table_name='pairings')
    op.drop_index('uq_pairing_helpers_open_pairing_id', table_name='pairing_helpers')
