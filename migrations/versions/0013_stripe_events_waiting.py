"""Stripe events that wait: an event about a payment not known yet is kept and applied later

A `charge.refunded` that arrives before the payment it refunds used to be recorded as
`unknown_payment` and never applied. Such an event is now stored with its body and the Stripe id
it waits for (`waiting_for`, the PaymentIntent), and applied when that payment appears.

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-02 02:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0011"  # re-chained onto main (assigned base "0006")
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("stripe_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("waiting_for", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("payload", sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f("ix_stripe_event_waiting_for"), ["waiting_for"], unique=False)


def downgrade():
    with op.batch_alter_table("stripe_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stripe_event_waiting_for"))
        batch_op.drop_column("payload")
        batch_op.drop_column("waiting_for")
