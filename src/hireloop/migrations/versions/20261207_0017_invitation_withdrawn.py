"""invitations.withdrawn_at: a recruiter can withdraw an invitation that was not used

Revision ID: 0017_invitation_withdrawn
Revises: 0016_voice
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from hireloop.db import UTCDateTime

revision: str = "0017_invitation_withdrawn"
down_revision: str | None = "0016_voice"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("invitations", sa.Column("withdrawn_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    op.drop_column("invitations", "withdrawn_at")
