"""Speed: a covering index for the for-sale rule's certificate lookup; statistics refreshed

The for-sale rule asks, for each product, whether it holds a verified certificate with 3–5 stars
valid on the day, and its best stars. With only `ix_certificate_product_id` and
`ix_certificate_status`, PostgreSQL without statistics combined both (a BitmapAnd reading the
whole status index per product); this index answers the lookup from the index alone
(docs/performance.md). ANALYZE afterwards, so the planner knows the tables' real sizes.

Revision ID: 0011
Revises: 0008
Create Date: 2026-12-02 02:30:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0008"  # assigned: "0006"; chained after main's head here, the lead re-chains
branch_labels = None
depends_on = None

TABLES = ("producer", "product", "certificate")


def upgrade():
    op.create_index(
        "ix_certificate_product_validity",
        "certificate",
        ["product_id", "status", "expires_on", "issued_on", "stars"],
    )
    for table in TABLES:
        op.execute(f"ANALYZE {table}")


def downgrade():
    op.drop_index("ix_certificate_product_validity", table_name="certificate")
