"""Case copies: the department a head's copy is for, and to whom it was handed over (人事異動).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("case_copies") as batch:
        batch.add_column(sa.Column("department_id", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("handed_to", sa.String(length=120), nullable=True))
    # A head's copy went to the head of the case's department, or of a reporter's (a widened case): the
    # case's department is the best the existing rows tell.
    op.execute(
        "UPDATE case_copies SET department_id = "
        "(SELECT cases.department_id FROM cases WHERE cases.id = case_copies.case_id) WHERE audience = 'head'"
    )


def downgrade() -> None:
    with op.batch_alter_table("case_copies") as batch:
        batch.drop_column("handed_to")
        batch.drop_column("department_id")
