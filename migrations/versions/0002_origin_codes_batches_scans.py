"""origin codes, batches and scan counts

Every product gets a short origin code (backfilled here for existing rows), batches (lots) get
their own codes, and scans are counted per code per Vietnamese day.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 11:07:05.849245

"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

# Frozen copy of catalog.origin (Crockford base32, 8 characters): a migration must not change
# when the application code does.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_LENGTH = 8


def _backfill_product_codes() -> None:
    product = sa.table('product', sa.column('id', sa.Integer), sa.column('origin_code', sa.String))
    connection = op.get_bind()
    ids = [row.id for row in connection.execute(sa.select(product.c.id).order_by(product.c.id))]
    used: set[str] = set()
    for product_id in ids:
        code = ''.join(secrets.choice(_ALPHABET) for _ in range(_LENGTH))
        while code in used:
            code = ''.join(secrets.choice(_ALPHABET) for _ in range(_LENGTH))
        used.add(code)
        connection.execute(
            product.update().where(product.c.id == product_id).values(origin_code=code)
        )


def upgrade():
    op.create_table('scan_count',
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('scanned_on', sa.Date(), nullable=False),
    sa.Column('scan_count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('code', 'scanned_on', name=op.f('pk_scan_count'))
    )
    op.create_table('batch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('lot_no', sa.String(length=64), nullable=False),
    sa.Column('produced_on', sa.Date(), nullable=False),
    sa.Column('best_before_on', sa.Date(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('safety_warnings', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('best_before_on >= produced_on', name=op.f('ck_batch_best_before_after_production')),
    sa.CheckConstraint('quantity >= 0', name=op.f('ck_batch_quantity_not_negative')),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], name=op.f('fk_batch_product_id_product')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_batch')),
    sa.UniqueConstraint('code', name=op.f('uq_batch_code')),
    sa.UniqueConstraint('product_id', 'lot_no', name='uq_batch_product_lot')
    )
    with op.batch_alter_table('batch', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_batch_product_id'), ['product_id'], unique=False)

    # Nullable first, backfill, then NOT NULL + unique: existing products get a code too.
    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.add_column(sa.Column('origin_code', sa.String(length=8), nullable=True))
    _backfill_product_codes()
    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.alter_column('origin_code', existing_type=sa.String(length=8), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_product_origin_code'), ['origin_code'])


def downgrade():
    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_product_origin_code'), type_='unique')
        batch_op.drop_column('origin_code')

    with op.batch_alter_table('batch', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_batch_product_id'))

    op.drop_table('batch')
    op.drop_table('scan_count')
