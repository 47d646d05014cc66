"""Settlement: the double-entry ledger (journals, lines), payout runs and lines, producers'
bank accounts held for approval (docs/settlement.md)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 02:14:48.549229

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('payout_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reference', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['user_account.id'], name=op.f('fk_payout_run_created_by_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payout_run')),
    sa.UniqueConstraint('reference', name=op.f('uq_payout_run_reference'))
    )
    op.create_table('producer_bank_account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('producer_id', sa.Integer(), nullable=False),
    sa.Column('bank_bin', sa.String(length=8), nullable=False),
    sa.Column('account_no', sa.String(length=32), nullable=False),
    sa.Column('account_name', sa.String(length=120), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('requested_by', sa.Integer(), nullable=True),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['decided_by'], ['user_account.id'], name=op.f('fk_producer_bank_account_decided_by_user_account')),
    sa.ForeignKeyConstraint(['producer_id'], ['producer.id'], name=op.f('fk_producer_bank_account_producer_id_producer')),
    sa.ForeignKeyConstraint(['requested_by'], ['user_account.id'], name=op.f('fk_producer_bank_account_requested_by_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_producer_bank_account'))
    )
    with op.batch_alter_table('producer_bank_account', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_producer_bank_account_producer_id'), ['producer_id'], unique=False)

    op.create_table('payout_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('producer_id', sa.Integer(), nullable=False),
    sa.Column('amount_vnd', sa.BigInteger(), nullable=False),
    sa.Column('bank_bin', sa.String(length=8), nullable=False),
    sa.Column('account_no', sa.String(length=32), nullable=False),
    sa.Column('account_name', sa.String(length=120), nullable=False),
    sa.Column('reference', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('amount_vnd > 0', name=op.f('ck_payout_line_amount_positive')),
    sa.ForeignKeyConstraint(['producer_id'], ['producer.id'], name=op.f('fk_payout_line_producer_id_producer')),
    sa.ForeignKeyConstraint(['run_id'], ['payout_run.id'], name=op.f('fk_payout_line_run_id_payout_run')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payout_line')),
    sa.UniqueConstraint('reference', name=op.f('uq_payout_line_reference'))
    )
    with op.batch_alter_table('payout_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payout_line_producer_id'), ['producer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payout_line_run_id'), ['run_id'], unique=False)

    op.create_table('ledger_journal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('producer_id', sa.Integer(), nullable=True),
    sa.Column('part_id', sa.Integer(), nullable=True),
    sa.Column('payout_line_id', sa.Integer(), nullable=True),
    sa.Column('once_key', sa.String(length=64), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('memo', sa.String(length=255), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_ledger_journal_actor_id_user_account')),
    sa.ForeignKeyConstraint(['part_id'], ['order_part.id'], name=op.f('fk_ledger_journal_part_id_order_part')),
    sa.ForeignKeyConstraint(['payout_line_id'], ['payout_line.id'], name=op.f('fk_ledger_journal_payout_line_id_payout_line')),
    sa.ForeignKeyConstraint(['producer_id'], ['producer.id'], name=op.f('fk_ledger_journal_producer_id_producer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_journal')),
    sa.UniqueConstraint('once_key', name=op.f('uq_ledger_journal_once_key'))
    )
    with op.batch_alter_table('ledger_journal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ledger_journal_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_ledger_journal_occurred_at'), ['occurred_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_ledger_journal_part_id'), ['part_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ledger_journal_payout_line_id'), ['payout_line_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ledger_journal_producer_id'), ['producer_id'], unique=False)

    op.create_table('ledger_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('journal_id', sa.Integer(), nullable=False),
    sa.Column('account', sa.String(length=24), nullable=False),
    sa.Column('producer_id', sa.Integer(), nullable=True),
    sa.Column('part_id', sa.Integer(), nullable=True),
    sa.Column('amount_vnd', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('amount_vnd <> 0', name=op.f('ck_ledger_line_amount_not_zero')),
    sa.ForeignKeyConstraint(['journal_id'], ['ledger_journal.id'], name=op.f('fk_ledger_line_journal_id_ledger_journal')),
    sa.ForeignKeyConstraint(['part_id'], ['order_part.id'], name=op.f('fk_ledger_line_part_id_order_part')),
    sa.ForeignKeyConstraint(['producer_id'], ['producer.id'], name=op.f('fk_ledger_line_producer_id_producer')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_line'))
    )
    with op.batch_alter_table('ledger_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ledger_line_account'), ['account'], unique=False)
        batch_op.create_index(batch_op.f('ix_ledger_line_journal_id'), ['journal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ledger_line_part_id'), ['part_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ledger_line_producer_id'), ['producer_id'], unique=False)



def downgrade():
    with op.batch_alter_table('ledger_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ledger_line_producer_id'))
        batch_op.drop_index(batch_op.f('ix_ledger_line_part_id'))
        batch_op.drop_index(batch_op.f('ix_ledger_line_journal_id'))
        batch_op.drop_index(batch_op.f('ix_ledger_line_account'))

    op.drop_table('ledger_line')
    with op.batch_alter_table('ledger_journal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ledger_journal_producer_id'))
        batch_op.drop_index(batch_op.f('ix_ledger_journal_payout_line_id'))
        batch_op.drop_index(batch_op.f('ix_ledger_journal_part_id'))
        batch_op.drop_index(batch_op.f('ix_ledger_journal_occurred_at'))
        batch_op.drop_index(batch_op.f('ix_ledger_journal_kind'))

    op.drop_table('ledger_journal')
    with op.batch_alter_table('payout_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payout_line_run_id'))
        batch_op.drop_index(batch_op.f('ix_payout_line_producer_id'))

    op.drop_table('payout_line')
    with op.batch_alter_table('producer_bank_account', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_producer_bank_account_producer_id'))

    op.drop_table('producer_bank_account')
    op.drop_table('payout_run')
