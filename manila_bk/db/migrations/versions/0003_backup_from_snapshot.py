"""backups read from temporary snapshots

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 12:00:00.000000

``share_backups.temp_snapshot_host``: the share host holding the
temporary snapshot a backup reads (``backup_from_snapshot``), kept until
the snapshot is deleted so that a crash cannot lose it.
``share_backups.from_snapshot``: the snapshot was taken and the share
freed; the backup no longer holds its share.
"""

from alembic import op
import sqlalchemy as sa

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('share_backups', schema=None) as batch_op:
        batch_op.add_column(sa.Column('temp_snapshot_host',
                                      sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('from_snapshot', sa.Boolean(),
                                      nullable=True))


def downgrade():
    with op.batch_alter_table('share_backups', schema=None) as batch_op:
        batch_op.drop_column('from_snapshot')
        batch_op.drop_column('temp_snapshot_host')
