"""Kiosks at OCOP display points: points, shelf stock, counter staff, pickups, language counts

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 02:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "display_point",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("address", sa.String(length=400), nullable=False),
        sa.Column("province_code", sa.String(length=2), nullable=False),
        sa.Column("languages", sa.String(length=80), nullable=False),
        sa.Column("idle_seconds", sa.Integer(), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_display_point")),
        sa.UniqueConstraint("code", name=op.f("uq_display_point_code")),
    )
    op.create_table(
        "point_stock",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("point_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("quantity >= 0", name=op.f("ck_point_stock_quantity_not_negative")),
        sa.ForeignKeyConstraint(
            ["point_id"], ["display_point.id"],
            name=op.f("fk_point_stock_point_id_display_point"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["product.id"], name=op.f("fk_point_stock_product_id_product")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_point_stock")),
        sa.UniqueConstraint("point_id", "product_id", name="uq_point_stock_point_product"),
    )
    op.create_index(op.f("ix_point_stock_point_id"), "point_stock", ["point_id"])
    op.create_index(op.f("ix_point_stock_product_id"), "point_stock", ["product_id"])
    op.create_table(
        "kiosk_staff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("point_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["point_id"], ["display_point.id"],
            name=op.f("fk_kiosk_staff_point_id_display_point"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_kiosk_staff_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kiosk_staff")),
        sa.UniqueConstraint("user_id", "point_id", name="uq_kiosk_staff_user_point"),
    )
    op.create_index(op.f("ix_kiosk_staff_point_id"), "kiosk_staff", ["point_id"])
    op.create_index(op.f("ix_kiosk_staff_user_id"), "kiosk_staff", ["user_id"])
    op.create_table(
        "kiosk_pickup",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("point_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("number", sa.String(length=8), nullable=False),
        sa.Column("handed_over_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["shop_order.id"], name=op.f("fk_kiosk_pickup_order_id_shop_order")
        ),
        sa.ForeignKeyConstraint(
            ["point_id"], ["display_point.id"], name=op.f("fk_kiosk_pickup_point_id_display_point")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kiosk_pickup")),
        sa.UniqueConstraint("order_id", name=op.f("uq_kiosk_pickup_order_id")),
        sa.UniqueConstraint("point_id", "day", "number", name="uq_kiosk_pickup_point_day_number"),
    )
    op.create_index(op.f("ix_kiosk_pickup_point_id"), "kiosk_pickup", ["point_id"])
    op.create_table(
        "kiosk_pickup_counter",
        sa.Column("point_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("last_value", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["point_id"], ["display_point.id"],
            name=op.f("fk_kiosk_pickup_counter_point_id_display_point"),
        ),
        sa.PrimaryKeyConstraint("point_id", "day", name=op.f("pk_kiosk_pickup_counter")),
    )
    op.create_table(
        "kiosk_language_count",
        sa.Column("point_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("choices", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["point_id"], ["display_point.id"],
            name=op.f("fk_kiosk_language_count_point_id_display_point"),
        ),
        sa.PrimaryKeyConstraint("point_id", "day", "locale", name=op.f("pk_kiosk_language_count")),
    )


def downgrade():
    op.drop_table("kiosk_language_count")
    op.drop_table("kiosk_pickup_counter")
    op.drop_index(op.f("ix_kiosk_pickup_point_id"), table_name="kiosk_pickup")
    op.drop_table("kiosk_pickup")
    op.drop_index(op.f("ix_kiosk_staff_user_id"), table_name="kiosk_staff")
    op.drop_index(op.f("ix_kiosk_staff_point_id"), table_name="kiosk_staff")
    op.drop_table("kiosk_staff")
    op.drop_index(op.f("ix_point_stock_product_id"), table_name="point_stock")
    op.drop_index(op.f("ix_point_stock_point_id"), table_name="point_stock")
    op.drop_table("point_stock")
    op.drop_table("display_point")
