"""One mail queue: order outbox and account mail become the table mail_queue

Every row of both old tables moves (queued ones and the record of sent ones), oldest first, so
`flask mail send` delivers what was waiting in the same order. Order e-mails keep what they are
about (order, part, status) in `context` and are still rendered when sent; account e-mails were
rendered when queued and keep their subject and body.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# Frozen shapes of the tables this revision reads and writes (a migration must not import models).
_meta = sa.MetaData()
mail_queue = sa.Table(
    "mail_queue", _meta,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("kind", sa.String(32)),
    sa.Column("to_address", sa.String(255)),
    sa.Column("locale", sa.String(8)),
    sa.Column("subject", sa.String(255)),
    sa.Column("body_text", sa.Text),
    sa.Column("context", sa.JSON),
    sa.Column("created_at", sa.DateTime(timezone=True)),
    sa.Column("sent_at", sa.DateTime(timezone=True)),
    sa.Column("attempt_count", sa.Integer),
    sa.Column("last_error", sa.Text),
)
mail_message = sa.Table(
    "mail_message", _meta,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("kind", sa.String(32)),
    sa.Column("to_address", sa.String(255)),
    sa.Column("subject", sa.String(255)),
    sa.Column("body_text", sa.Text),
    sa.Column("created_at", sa.DateTime(timezone=True)),
    sa.Column("sent_at", sa.DateTime(timezone=True)),
    sa.Column("attempt_count", sa.Integer),
    sa.Column("last_error", sa.Text),
)
outbox_message = sa.Table(
    "outbox_message", _meta,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("kind", sa.String(32)),
    sa.Column("order_id", sa.Integer),
    sa.Column("part_id", sa.Integer),
    sa.Column("status", sa.String(24)),
    sa.Column("to_address", sa.String(255)),
    sa.Column("locale", sa.String(8)),
    sa.Column("created_at", sa.DateTime(timezone=True)),
    sa.Column("sent_at", sa.DateTime(timezone=True)),
    sa.Column("attempt_count", sa.Integer),
    sa.Column("last_error", sa.Text),
)
_DELIVERY = ("created_at", "sent_at", "attempt_count", "last_error")


def _create_mail_message():
    op.create_table('mail_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('to_address', sa.String(length=255), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempt_count', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_message'))
    )
    with op.batch_alter_table('mail_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mail_message_sent_at'), ['sent_at'], unique=False)


def _create_outbox_message():
    op.create_table('outbox_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('part_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=24), nullable=False),
    sa.Column('to_address', sa.String(length=255), nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempt_count', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['shop_order.id'], name=op.f('fk_outbox_message_order_id_shop_order')),
    sa.ForeignKeyConstraint(['part_id'], ['order_part.id'], name=op.f('fk_outbox_message_part_id_order_part')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_message'))
    )
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_message_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_message_sent_at'), ['sent_at'], unique=False)


def _drop_mail_message():
    with op.batch_alter_table('mail_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mail_message_sent_at'))
    op.drop_table('mail_message')


def _drop_outbox_message():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_message_sent_at'))
        batch_op.drop_index(batch_op.f('ix_outbox_message_order_id'))
    op.drop_table('outbox_message')


def upgrade():
    op.create_table('mail_queue',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('to_address', sa.String(length=255), nullable=False),
    sa.Column('locale', sa.String(length=8), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('context', sa.JSON(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempt_count', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_queue'))
    )
    with op.batch_alter_table('mail_queue', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mail_queue_sent_at'), ['sent_at'], unique=False)

    conn = op.get_bind()
    moved = []
    for row in conn.execute(sa.select(mail_message).order_by(mail_message.c.id)).mappings():
        moved.append({
            "kind": row["kind"], "to_address": row["to_address"], "locale": "vi",
            "subject": row["subject"], "body_text": row["body_text"], "context": None,
            **{key: row[key] for key in _DELIVERY},
        })
    for row in conn.execute(sa.select(outbox_message).order_by(outbox_message.c.id)).mappings():
        moved.append({
            "kind": row["kind"], "to_address": row["to_address"], "locale": row["locale"],
            "subject": "", "body_text": "",
            "context": {"order_id": row["order_id"], "part_id": row["part_id"], "status": row["status"]},
            **{key: row[key] for key in _DELIVERY},
        })
    # Oldest first, so ids (the delivery order) follow the order the messages were queued in.
    moved.sort(key=lambda message: message["created_at"])
    if moved:
        conn.execute(mail_queue.insert(), moved)

    _drop_outbox_message()
    _drop_mail_message()


def downgrade():
    _create_mail_message()
    _create_outbox_message()
    conn = op.get_bind()
    rows = conn.execute(sa.select(mail_queue).order_by(mail_queue.c.id)).mappings().all()
    for row in rows:
        delivery = {key: row[key] for key in _DELIVERY}
        context = row["context"] or {}
        if context.get("order_id") is not None:
            conn.execute(outbox_message.insert().values(
                kind=row["kind"], order_id=context["order_id"], part_id=context.get("part_id"),
                status=context.get("status") or "", to_address=row["to_address"],
                locale=row["locale"], **delivery,
            ))
        else:
            conn.execute(mail_message.insert().values(
                kind=row["kind"], to_address=row["to_address"], subject=row["subject"],
                body_text=row["body_text"], **delivery,
            ))
    with op.batch_alter_table('mail_queue', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mail_queue_sent_at'))
    op.drop_table('mail_queue')
