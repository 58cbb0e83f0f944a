"""backup retention policies

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 09:00:00.000000
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

# Microsecond timestamps on every back end, as in 0001.
DT = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), 'mysql', 'mariadb')


def upgrade():
    op.create_table(
        'backup_retention_policies',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('share_id', sa.String(length=36), nullable=False),
        sa.Column('project_id', sa.String(length=255), nullable=True),
        sa.Column('keep_last', sa.Integer(), nullable=False),
        sa.Column('keep_daily', sa.Integer(), nullable=False),
        sa.Column('keep_weekly', sa.Integer(), nullable=False),
        sa.Column('backup_interval', sa.Integer(), nullable=True),
        sa.Column('incremental', sa.Boolean(), nullable=False),
        sa.Column('last_scheduled_at', DT, nullable=True),
        sa.Column('last_scheduled_backup_id', sa.String(length=36),
                  nullable=True),
        sa.Column('last_applied_at', DT, nullable=True),
        sa.Column('last_error', sa.String(length=1023), nullable=True),
        sa.Column('claimed_by', sa.String(length=255), nullable=True),
        sa.Column('claimed_until', DT, nullable=True),
        sa.Column('created_at', DT, nullable=False),
        sa.Column('updated_at', DT, nullable=True),
        sa.Column('deleted_at', DT, nullable=True),
        sa.Column('deleted', sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('share_id', 'deleted',
                            name='uniq_backup_retention_policies_share'),
    )


def downgrade():
    op.drop_table('backup_retention_policies')
