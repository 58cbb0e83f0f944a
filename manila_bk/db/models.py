"""SQLAlchemy models of manila_bk (Manila's meanings, a flatter shape).

Soft delete works as in Manila: ``deleted`` is ``'False'`` for a live row and
the row's own id once deleted, so unique constraints that include
``deleted`` let a name be reused after a delete.  Timestamps keep
microseconds on every back end (MySQL/MariaDB need ``DATETIME(6)``), which
revert relies on to order a share's snapshots.
"""

import sqlalchemy as sa
from sqlalchemy.dialects import mysql
from sqlalchemy import orm

from manila_bk.common import utils

DateTime = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), 'mysql',
                                      'mariadb')


class Base(orm.DeclarativeBase):
    pass


class SoftDeleteMixin:
    created_at = sa.Column(DateTime, default=utils.utcnow, nullable=False)
    updated_at = sa.Column(DateTime, onupdate=utils.utcnow)
    deleted_at = sa.Column(DateTime)
    deleted = sa.Column(sa.String(36), default='False', nullable=False)

    def to_dict(self):
        return {c.name: getattr(self, c.name) for c in self.__table__.columns}

    def __getitem__(self, key):
        return getattr(self, key)

    def get(self, key, default=None):
        return getattr(self, key, default)


class Service(SoftDeleteMixin, Base):
    """A running manila-bk-share / -data / -api; heartbeats update it.

    ``capabilities`` holds the JSON list of pools a share service reports.
    """

    __tablename__ = 'services'
    __table_args__ = (sa.Index('services_host_binary_idx', 'host', 'binary'),)
    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    host = sa.Column(sa.String(255), nullable=False)
    binary = sa.Column(sa.String(255), nullable=False)
    topic = sa.Column(sa.String(255))
    report_count = sa.Column(sa.Integer, nullable=False, default=0)
    disabled = sa.Column(sa.Boolean, nullable=False, default=False)
    disabled_reason = sa.Column(sa.String(255))
    availability_zone = sa.Column(sa.String(255))
    capabilities = sa.Column(sa.Text)
    capabilities_updated_at = sa.Column(DateTime)


class ShareType(SoftDeleteMixin, Base):
    __tablename__ = 'share_types'
    __table_args__ = (sa.UniqueConstraint('name', 'deleted',
                                          name='uniq_share_types_name'),)
    id = sa.Column(sa.String(36), primary_key=True)
    name = sa.Column(sa.String(255), nullable=False)
    description = sa.Column(sa.String(255))
    is_public = sa.Column(sa.Boolean, nullable=False, default=True)
    extra_specs = orm.relationship(
        'ShareTypeExtraSpec', lazy='selectin',
        primaryjoin='and_(ShareType.id == ShareTypeExtraSpec.share_type_id,'
                    ' ShareTypeExtraSpec.deleted == "False")',
        foreign_keys='ShareTypeExtraSpec.share_type_id', viewonly=True)
    projects = orm.relationship(
        'ShareTypeProject', lazy='selectin',
        primaryjoin='and_(ShareType.id == ShareTypeProject.share_type_id,'
                    ' ShareTypeProject.deleted == "False")',
        foreign_keys='ShareTypeProject.share_type_id', viewonly=True)


class ShareTypeExtraSpec(SoftDeleteMixin, Base):
    __tablename__ = 'share_type_extra_specs'
    __table_args__ = (sa.UniqueConstraint(
        'share_type_id', 'spec_key', 'deleted',
        name='uniq_share_type_extra_specs_key'),)
    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    share_type_id = sa.Column(sa.String(36), sa.ForeignKey('share_types.id'),
                              nullable=False)
    spec_key = sa.Column(sa.String(255), nullable=False)
    spec_value = sa.Column(sa.String(255))


class ShareTypeProject(SoftDeleteMixin, Base):
    __tablename__ = 'share_type_projects'
    __table_args__ = (sa.UniqueConstraint(
        'share_type_id', 'project_id', 'deleted',
        name='uniq_share_type_projects_project'),)
    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    share_type_id = sa.Column(sa.String(36), sa.ForeignKey('share_types.id'),
                              nullable=False)
    project_id = sa.Column(sa.String(255), nullable=False)


class Share(SoftDeleteMixin, Base):
    __tablename__ = 'shares'
    __table_args__ = (
        sa.Index('shares_project_id_idx', 'project_id', 'deleted'),
        sa.Index('shares_host_idx', 'host'),
    )
    id = sa.Column(sa.String(36), primary_key=True)
    user_id = sa.Column(sa.String(255))
    project_id = sa.Column(sa.String(255))
    display_name = sa.Column(sa.String(255))
    display_description = sa.Column(sa.String(255))
    size = sa.Column(sa.Integer, nullable=False)
    share_proto = sa.Column(sa.String(255), nullable=False)
    share_type_id = sa.Column(sa.String(36), sa.ForeignKey('share_types.id'))
    status = sa.Column(sa.String(255), nullable=False)
    task_state = sa.Column(sa.String(255))
    progress = sa.Column(sa.String(32))
    host = sa.Column(sa.String(255))
    availability_zone = sa.Column(sa.String(255))
    is_public = sa.Column(sa.Boolean, nullable=False, default=False)
    snapshot_id = sa.Column(sa.String(36))
    source_backup_id = sa.Column(sa.String(36))
    snapshot_support = sa.Column(sa.Boolean, nullable=False, default=False)
    create_share_from_snapshot_support = sa.Column(
        sa.Boolean, nullable=False, default=False)
    revert_to_snapshot_support = sa.Column(sa.Boolean, nullable=False,
                                           default=False)
    mount_snapshot_support = sa.Column(sa.Boolean, nullable=False,
                                       default=False)
    is_soft_deleted = sa.Column(sa.Boolean, nullable=False, default=False)
    scheduled_to_be_deleted_at = sa.Column(DateTime)
    launched_at = sa.Column(DateTime)
    terminated_at = sa.Column(DateTime)

    share_type = orm.relationship(
        'ShareType', lazy='selectin',
        primaryjoin='Share.share_type_id == ShareType.id',
        foreign_keys='Share.share_type_id', viewonly=True)
    share_metadata = orm.relationship(
        'ShareMetadata', lazy='selectin',
        primaryjoin='and_(Share.id == ShareMetadata.share_id, '
                    'ShareMetadata.deleted == "False")',
        foreign_keys='ShareMetadata.share_id', viewonly=True)
    export_locations = orm.relationship(
        'ShareExportLocation', lazy='selectin',
        primaryjoin='and_(Share.id == ShareExportLocation.share_id, '
                    'ShareExportLocation.deleted == "False")',
        foreign_keys='ShareExportLocation.share_id', viewonly=True,
        order_by='ShareExportLocation.id')


class ShareMetadata(SoftDeleteMixin, Base):
    __tablename__ = 'share_metadata'
    __table_args__ = (sa.Index('share_metadata_share_id_idx', 'share_id'),)
    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    share_id = sa.Column(sa.String(36), sa.ForeignKey('shares.id'),
                         nullable=False)
    key = sa.Column(sa.String(255), nullable=False)
    value = sa.Column(sa.String(1023), nullable=False)


class ShareExportLocation(SoftDeleteMixin, Base):
    __tablename__ = 'share_export_locations'
    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    uuid = sa.Column(sa.String(36), nullable=False, unique=True)
    share_id = sa.Column(sa.String(36), sa.ForeignKey('shares.id'),
                         nullable=False)
    path = sa.Column(sa.String(2000), nullable=False)
    is_admin_only = sa.Column(sa.Boolean, nullable=False, default=False)
    preferred = sa.Column(sa.Boolean, nullable=False, default=False)


class ShareAccessRule(SoftDeleteMixin, Base):
    __tablename__ = 'share_access_rules'
    __table_args__ = (sa.Index('share_access_rules_share_id_idx',
                               'share_id'),)
    id = sa.Column(sa.String(36), primary_key=True)
    share_id = sa.Column(sa.String(36), sa.ForeignKey('shares.id'),
                         nullable=False)
    access_type = sa.Column(sa.String(255), nullable=False)
    access_to = sa.Column(sa.String(255), nullable=False)
    access_level = sa.Column(sa.String(2), nullable=False)
    access_key = sa.Column(sa.String(255))
    state = sa.Column(sa.String(255), nullable=False)


class ShareSnapshot(SoftDeleteMixin, Base):
    __tablename__ = 'share_snapshots'
    __table_args__ = (
        sa.Index('share_snapshots_share_created_idx', 'share_id',
                 'created_at'),
        sa.Index('share_snapshots_project_id_idx', 'project_id', 'deleted'),
    )
    id = sa.Column(sa.String(36), primary_key=True)
    share_id = sa.Column(sa.String(36), sa.ForeignKey('shares.id'),
                         nullable=False)
    user_id = sa.Column(sa.String(255))
    project_id = sa.Column(sa.String(255))
    display_name = sa.Column(sa.String(255))
    display_description = sa.Column(sa.String(255))
    status = sa.Column(sa.String(255), nullable=False)
    progress = sa.Column(sa.String(32))
    size = sa.Column(sa.Integer, nullable=False)
    share_size = sa.Column(sa.Integer, nullable=False)
    share_proto = sa.Column(sa.String(255))
    provider_location = sa.Column(sa.String(2000))
    export_locations = orm.relationship(
        'ShareSnapshotExportLocation', lazy='selectin',
        primaryjoin='and_(ShareSnapshot.id == '
                    'ShareSnapshotExportLocation.snapshot_id, '
                    'ShareSnapshotExportLocation.deleted == "False")',
        foreign_keys='ShareSnapshotExportLocation.snapshot_id',
        viewonly=True, order_by='ShareSnapshotExportLocation.id')


class ShareSnapshotExportLocation(SoftDeleteMixin, Base):
    __tablename__ = 'share_snapshot_export_locations'
    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    uuid = sa.Column(sa.String(36), nullable=False, unique=True)
    snapshot_id = sa.Column(sa.String(36),
                            sa.ForeignKey('share_snapshots.id'),
                            nullable=False)
    path = sa.Column(sa.String(2000), nullable=False)
    is_admin_only = sa.Column(sa.Boolean, nullable=False, default=False)


class ShareBackup(SoftDeleteMixin, Base):
    """A backup of a share on the backup target (seed 000's table, plus).

    ``parent_id`` names the backup an incremental one hard-links from;
    ``fail_reason`` says in words why a backup or restore failed.
    ``temp_snapshot_host`` is the share host holding the temporary
    snapshot a backup reads (``backup_from_snapshot``): set before it is
    taken, cleared once it is deleted.  ``from_snapshot`` is set when the
    snapshot was taken and the share freed.  The API shows neither.
    """

    __tablename__ = 'share_backups'
    __table_args__ = (
        sa.Index('share_backups_share_id_idx', 'share_id'),
        sa.Index('share_backups_project_id_idx', 'project_id', 'deleted'),
    )
    id = sa.Column(sa.String(36), primary_key=True)
    share_id = sa.Column(sa.String(36), nullable=False)
    user_id = sa.Column(sa.String(255))
    project_id = sa.Column(sa.String(255))
    host = sa.Column(sa.String(255))
    topic = sa.Column(sa.String(255))
    availability_zone = sa.Column(sa.String(255))
    display_name = sa.Column(sa.String(255))
    display_description = sa.Column(sa.String(255))
    status = sa.Column(sa.String(255), nullable=False)
    size = sa.Column(sa.Integer)
    progress = sa.Column(sa.String(32))
    restore_progress = sa.Column(sa.String(32))
    backup_type = sa.Column(sa.String(32))
    fail_reason = sa.Column(sa.String(1023))
    parent_id = sa.Column(sa.String(36))
    restore_share_id = sa.Column(sa.String(36))
    temp_snapshot_host = sa.Column(sa.String(255))
    from_snapshot = sa.Column(sa.Boolean, default=False)


class BackupRetentionPolicy(SoftDeleteMixin, Base):
    """A share's backup retention policy, applied by the data service.

    ``keep_*`` follow restic's ``forget --keep-*`` (0: rule off);
    ``backup_interval`` is the seconds between scheduled backups (NULL:
    none).  ``claimed_by``/``claimed_until`` are the compare-and-swap
    lease a data service holds while it applies the policy.
    """

    __tablename__ = 'backup_retention_policies'
    __table_args__ = (sa.UniqueConstraint(
        'share_id', 'deleted', name='uniq_backup_retention_policies_share'),)
    id = sa.Column(sa.String(36), primary_key=True)
    share_id = sa.Column(sa.String(36), nullable=False)
    project_id = sa.Column(sa.String(255))
    keep_last = sa.Column(sa.Integer, nullable=False, default=0)
    keep_daily = sa.Column(sa.Integer, nullable=False, default=0)
    keep_weekly = sa.Column(sa.Integer, nullable=False, default=0)
    backup_interval = sa.Column(sa.Integer)
    incremental = sa.Column(sa.Boolean, nullable=False, default=False)
    last_scheduled_at = sa.Column(DateTime)
    last_scheduled_backup_id = sa.Column(sa.String(36))
    last_applied_at = sa.Column(DateTime)
    last_error = sa.Column(sa.String(1023))
    claimed_by = sa.Column(sa.String(255))
    claimed_until = sa.Column(DateTime)


class Quota(SoftDeleteMixin, Base):
    __tablename__ = 'quotas'
    __table_args__ = (sa.UniqueConstraint('project_id', 'resource', 'deleted',
                                          name='uniq_quotas_project'),)
    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    project_id = sa.Column(sa.String(255), nullable=False)
    resource = sa.Column(sa.String(255), nullable=False)
    hard_limit = sa.Column(sa.Integer, nullable=False)


class QuotaClass(SoftDeleteMixin, Base):
    __tablename__ = 'quota_classes'
    __table_args__ = (sa.UniqueConstraint('class_name', 'resource', 'deleted',
                                          name='uniq_quota_classes_class'),)
    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    class_name = sa.Column(sa.String(255), nullable=False)
    resource = sa.Column(sa.String(255), nullable=False)
    hard_limit = sa.Column(sa.Integer, nullable=False)


class QuotaUsage(SoftDeleteMixin, Base):
    """Usage counter changed only by conditional, atomic UPDATEs."""

    __tablename__ = 'quota_usages'
    __table_args__ = (sa.UniqueConstraint('project_id', 'resource', 'deleted',
                                          name='uniq_quota_usages_project'),)
    id = sa.Column(sa.Integer, primary_key=True, autoincrement=True)
    project_id = sa.Column(sa.String(255), nullable=False)
    resource = sa.Column(sa.String(255), nullable=False)
    in_use = sa.Column(sa.Integer, nullable=False, default=0)
    reserved = sa.Column(sa.Integer, nullable=False, default=0)


class Message(SoftDeleteMixin, Base):
    __tablename__ = 'messages'
    __table_args__ = (sa.Index('messages_project_id_idx', 'project_id'),)
    id = sa.Column(sa.String(36), primary_key=True)
    project_id = sa.Column(sa.String(255), nullable=False)
    request_id = sa.Column(sa.String(255))
    resource_type = sa.Column(sa.String(255))
    resource_id = sa.Column(sa.String(36))
    action_id = sa.Column(sa.String(10), nullable=False)
    detail_id = sa.Column(sa.String(10))
    message_level = sa.Column(sa.String(255), nullable=False)
    expires_at = sa.Column(DateTime)
