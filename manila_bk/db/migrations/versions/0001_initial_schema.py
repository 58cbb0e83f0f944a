"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-22 00:51:53.176168
"""

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None

# Microsecond timestamps on every back end (snapshot order relies on them).
DT = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), 'mysql', 'mariadb')


def _create_messages():
    op.create_table('messages',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('project_id', sa.String(length=255), nullable=False),
        sa.Column('request_id', sa.String(length=255), nullable=True),
        sa.Column('resource_type', sa.String(length=255), nullable=True),
        sa.Column('resource_id', sa.String(length=36), nullable=True),
        sa.Column('action_id', sa.String(length=10), nullable=False),
        sa.Column('detail_id', sa.String(length=10), nullable=True),
        sa.Column('message_level', sa.String(length=255), nullable=False),
        sa.Column('expires_at', DT, nullable=True),
        sa.Column('created_at', DT, nullable=False),
        sa.Column('updated_at', DT, nullable=True),
        sa.Column('deleted_at', DT, nullable=True),
        sa.Column('deleted', sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.create_index('messages_project_id_idx', ['project_id'], unique=False)


def _create_quota_classes():
    op.create_table('quota_classes',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('class_name', sa.String(length=255), nullable=False),
        sa.Column('resource', sa.String(length=255), nullable=False),
        sa.Column('hard_limit', sa.Integer(), nullable=False),
        sa.Column('created_at', DT, nullable=False),
        sa.Column('updated_at', DT, nullable=True),
        sa.Column('deleted_at', DT, nullable=True),
        sa.Column('deleted', sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('class_name', 'resource', 'deleted', name='uniq_quota_classes_class')
    )


def _create_quota_usages():
    op.create_table('quota_usages',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('project_id', sa.String(length=255), nullable=False),
        sa.Column('resource', sa.String(length=255), nullable=False),
        sa.Column('in_use', sa.Integer(), nullable=False),
        sa.Column('reserved', sa.Integer(), nullable=False),
        sa.Column('created_at', DT, nullable=False),
        sa.Column('updated_at', DT, nullable=True),
        sa.Column('deleted_at', DT, nullable=True),
        sa.Column('deleted', sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('project_id', 'resource', 'deleted', name='uniq_quota_usages_project')
    )


def _create_quotas():
    op.create_table('quotas',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('project_id', sa.String(length=255), nullable=False),
        sa.Column('resource', sa.String(length=255), nullable=False),
        sa.Column('hard_limit', sa.Integer(), nullable=False),
        sa.Column('created_at', DT, nullable=False),
        sa.Column('updated_at', DT, nullable=True),
        sa.Column('deleted_at', DT, nullable=True),
        sa.Column('deleted', sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('project_id', 'resource', 'deleted', name='uniq_quotas_project')
    )


def _create_services():
    op.create_table('services',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('host', sa.String(length=255), nullable=False),
        sa.Column('binary', sa.String(length=255), nullable=False),
        sa.Column('topic', sa.String(length=255), nullable=True),
        sa.Column('report_count', sa.Integer(), nullable=False),
        sa.Column('disabled', sa.Boolean(), nullable=False),
        sa.Column('disabled_reason', sa.String(length=255), nullable=True),
        sa.Column('availability_zone', sa.String(length=255), nullable=True),
        sa.Column('capabilities', sa.Text(), nullable=True),
        sa.Column('capabilities_updated_at', DT, nullable=True),
        sa.Column('created_at', DT, nullable=False),
        sa.Column('updated_at', DT, nullable=True),
        sa.Column('deleted_at', DT, nullable=True),
        sa.Column('deleted', sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('services', schema=None) as batch_op:
        batch_op.create_index('services_host_binary_idx', ['host', 'binary'], unique=False)


def _create_share_backups():
    op.create_table('share_backups',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('share_id', sa.String(length=36), nullable=False),
        sa.Column('user_id', sa.String(length=255), nullable=True),
        sa.Column('project_id', sa.String(length=255), nullable=True),
        sa.Column('host', sa.String(length=255), nullable=True),
        sa.Column('topic', sa.String(length=255), nullable=True),
        sa.Column('availability_zone', sa.String(length=255), nullable=True),
        sa.Column('display_name', sa.String(length=255), nullable=True),
        sa.Column('display_description', sa.String(length=255), nullable=True),
        sa.Column('status', sa.String(length=255), nullable=False),
        sa.Column('size', sa.Integer(), nullable=True),
        sa.Column('progress', sa.String(length=32), nullable=True),
        sa.Column('restore_progress', sa.String(length=32), nullable=True),
        sa.Column('backup_type', sa.String(length=32), nullable=True),
        sa.Column('fail_reason', sa.String(length=1023), nullable=True),
        sa.Column('parent_id', sa.String(length=36), nullable=True),
        sa.Column('restore_share_id', sa.String(length=36), nullable=True),
        sa.Column('created_at', DT, nullable=False),
        sa.Column('updated_at', DT, nullable=True),
        sa.Column('deleted_at', DT, nullable=True),
        sa.Column('deleted', sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('share_backups', schema=None) as batch_op:
        batch_op.create_index('share_backups_project_id_idx', ['project_id', 'deleted'], unique=False)
        batch_op.create_index('share_backups_share_id_idx', ['share_id'], unique=False)


def _create_share_types():
    op.create_table('share_types',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('name', sa.String(length=255), nullable=False),
        sa.Column('description', sa.String(length=255), nullable=True),
        sa.Column('is_public', sa.Boolean(), nullable=False),
        sa.Column('created_at', DT, nullable=False),
        sa.Column('updated_at', DT, nullable=True),
        sa.Column('deleted_at', DT, nullable=True),
        sa.Column('deleted', sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('name', 'deleted', name='uniq_share_types_name')
    )


def _create_share_type_extra_specs():
    op.create_table('share_type_extra_specs',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('share_type_id', sa.String(length=36), nullable=False),
        sa.Column('spec_key', sa.String(length=255), nullable=False),
        sa.Column('spec_value', sa.String(length=255), nullable=True),
        sa.Column('created_at', DT, nullable=False),
        sa.Column('updated_at', DT, nullable=True),
        sa.Column('deleted_at', DT, nullable=True),
        sa.Column('deleted', sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(['share_type_id'], ['share_types.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('share_type_id', 'spec_key', 'deleted', name='uniq_share_type_extra_specs_key')
    )


def _create_share_type_projects():
    op.create_table('share_type_projects',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('share_type_id', sa.String(length=36), nullable=False),
        sa.Column('project_id', sa.String(length=255), nullable=False),
        sa.Column('created_at', DT, nullable=False),
        sa.Column('updated_at', DT, nullable=True),
        sa.Column('deleted_at', DT, nullable=True),
        sa.Column('deleted', sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(['share_type_id'], ['share_types.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('share_type_id', 'project_id', 'deleted', name='uniq_share_type_projects_project')
    )


def _create_shares():
    op.create_table('shares',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('user_id', sa.String(length=255), nullable=True),
        sa.Column('project_id', sa.String(length=255), nullable=True),
        sa.Column('display_name', sa.String(length=255), nullable=True),
        sa.Column('display_description', sa.String(length=255), nullable=True),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('share_proto', sa.String(length=255), nullable=False),
        sa.Column('share_type_id', sa.String(length=36), nullable=True),
        sa.Column('status', sa.String(length=255), nullable=False),
        sa.Column('task_state', sa.String(length=255), nullable=True),
        sa.Column('progress', sa.String(length=32), nullable=True),
        sa.Column('host', sa.String(length=255), nullable=True),
        sa.Column('availability_zone', sa.String(length=255), nullable=True),
        sa.Column('is_public', sa.Boolean(), nullable=False),
        sa.Column('snapshot_id', sa.String(length=36), nullable=True),
        sa.Column('source_backup_id', sa.String(length=36), nullable=True),
        sa.Column('snapshot_support', sa.Boolean(), nullable=False),
        sa.Column('create_share_from_snapshot_support', sa.Boolean(), nullable=False),
        sa.Column('revert_to_snapshot_support', sa.Boolean(), nullable=False),
        sa.Column('mount_snapshot_support', sa.Boolean(), nullable=False),
        sa.Column('is_soft_deleted', sa.Boolean(), nullable=False),
        sa.Column('scheduled_to_be_deleted_at', DT, nullable=True),
        sa.Column('launched_at', DT, nullable=True),
        sa.Column('terminated_at', DT, nullable=True),
        sa.Column('created_at', DT, nullable=False),
        sa.Column('updated_at', DT, nullable=True),
        sa.Column('deleted_at', DT, nullable=True),
        sa.Column('deleted', sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(['share_type_id'], ['share_types.id'], ),
        sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('shares', schema=None) as batch_op:
        batch_op.create_index('shares_host_idx', ['host'], unique=False)
        batch_op.create_index('shares_project_id_idx', ['project_id', 'deleted'], unique=False)


def _create_share_access_rules():
    op.create_table('share_access_rules',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('share_id', sa.String(length=36), nullable=False),
        sa.Column('access_type', sa.String(length=255), nullable=False),
        sa.Column('access_to', sa.String(length=255), nullable=False),
        sa.Column('access_level', sa.String(length=2), nullable=False),
        sa.Column('access_key', sa.String(length=255), nullable=True),
        sa.Column('state', sa.String(length=255), nullable=False),
        sa.Column('created_at', DT, nullable=False),
        sa.Column('updated_at', DT, nullable=True),
        sa.Column('deleted_at', DT, nullable=True),
        sa.Column('deleted', sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(['share_id'], ['shares.id'], ),
        sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('share_access_rules', schema=None) as batch_op:
        batch_op.create_index('share_access_rules_share_id_idx', ['share_id'], unique=False)


def _create_share_export_locations():
    op.create_table('share_export_locations',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('uuid', sa.String(length=36), nullable=False),
        sa.Column('share_id', sa.String(length=36), nullable=False),
        sa.Column('path', sa.String(length=2000), nullable=False),
        sa.Column('is_admin_only', sa.Boolean(), nullable=False),
        sa.Column('preferred', sa.Boolean(), nullable=False),
        sa.Column('created_at', DT, nullable=False),
        sa.Column('updated_at', DT, nullable=True),
        sa.Column('deleted_at', DT, nullable=True),
        sa.Column('deleted', sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(['share_id'], ['shares.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('uuid')
    )


def _create_share_metadata():
    op.create_table('share_metadata',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('share_id', sa.String(length=36), nullable=False),
        sa.Column('key', sa.String(length=255), nullable=False),
        sa.Column('value', sa.String(length=1023), nullable=False),
        sa.Column('created_at', DT, nullable=False),
        sa.Column('updated_at', DT, nullable=True),
        sa.Column('deleted_at', DT, nullable=True),
        sa.Column('deleted', sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(['share_id'], ['shares.id'], ),
        sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('share_metadata', schema=None) as batch_op:
        batch_op.create_index('share_metadata_share_id_idx', ['share_id'], unique=False)


def _create_share_snapshots():
    op.create_table('share_snapshots',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('share_id', sa.String(length=36), nullable=False),
        sa.Column('user_id', sa.String(length=255), nullable=True),
        sa.Column('project_id', sa.String(length=255), nullable=True),
        sa.Column('display_name', sa.String(length=255), nullable=True),
        sa.Column('display_description', sa.String(length=255), nullable=True),
        sa.Column('status', sa.String(length=255), nullable=False),
        sa.Column('progress', sa.String(length=32), nullable=True),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('share_size', sa.Integer(), nullable=False),
        sa.Column('share_proto', sa.String(length=255), nullable=True),
        sa.Column('provider_location', sa.String(length=2000), nullable=True),
        sa.Column('created_at', DT, nullable=False),
        sa.Column('updated_at', DT, nullable=True),
        sa.Column('deleted_at', DT, nullable=True),
        sa.Column('deleted', sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(['share_id'], ['shares.id'], ),
        sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('share_snapshots', schema=None) as batch_op:
        batch_op.create_index('share_snapshots_project_id_idx', ['project_id', 'deleted'], unique=False)
        batch_op.create_index('share_snapshots_share_created_idx', ['share_id', 'created_at'], unique=False)


def _create_share_snapshot_export_locations():
    op.create_table('share_snapshot_export_locations',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('uuid', sa.String(length=36), nullable=False),
        sa.Column('snapshot_id', sa.String(length=36), nullable=False),
        sa.Column('path', sa.String(length=2000), nullable=False),
        sa.Column('is_admin_only', sa.Boolean(), nullable=False),
        sa.Column('created_at', DT, nullable=False),
        sa.Column('updated_at', DT, nullable=True),
        sa.Column('deleted_at', DT, nullable=True),
        sa.Column('deleted', sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(['snapshot_id'], ['share_snapshots.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('uuid')
    )


def upgrade():
    # Referenced tables first: the foreign keys need them.
    _create_messages()
    _create_quota_classes()
    _create_quota_usages()
    _create_quotas()
    _create_services()
    _create_share_backups()
    _create_share_types()
    _create_share_type_extra_specs()
    _create_share_type_projects()
    _create_shares()
    _create_share_access_rules()
    _create_share_export_locations()
    _create_share_metadata()
    _create_share_snapshots()
    _create_share_snapshot_export_locations()
