"""The one import point for the database (STYLE.md: db/api.py).

Every function takes the RequestContext first; ``context.read_deleted``
decides whether soft-deleted rows are visible.  Functions named
``*_update_if`` are compare-and-swap status changes: they return the
updated row, or None when the row was not in an expected status.
"""

from manila_bk.db.impl import access as _access
from manila_bk.db.impl import backups as _backups
from manila_bk.db.impl import messages as _messages
from manila_bk.db.impl import quotas as _quotas
from manila_bk.db.impl import retention as _retention
from manila_bk.db.impl import services as _services
from manila_bk.db.impl import share_types as _share_types
from manila_bk.db.impl import shares as _shares
from manila_bk.db.impl import snapshots as _snapshots
from manila_bk.db import migration as _migration
from manila_bk.db import reconnect as _reconnect


# services
service_create = _services.service_create
service_get = _services.service_get
service_get_by_args = _services.service_get_by_args
service_get_all = _services.service_get_all
service_update = _services.service_update
service_heartbeat = _services.service_heartbeat
service_destroy = _services.service_destroy

# share_types
share_type_create = _share_types.share_type_create
share_type_get = _share_types.share_type_get
share_type_get_by_name = _share_types.share_type_get_by_name
share_type_get_by_name_or_id = _share_types.share_type_get_by_name_or_id
share_type_get_all = _share_types.share_type_get_all
share_type_update = _share_types.share_type_update
share_type_destroy = _share_types.share_type_destroy
share_type_extra_specs_get = _share_types.share_type_extra_specs_get
share_type_extra_specs_update_or_create = (
    _share_types.share_type_extra_specs_update_or_create)
share_type_extra_specs_delete = _share_types.share_type_extra_specs_delete
share_type_access_get_all = _share_types.share_type_access_get_all
share_type_access_add = _share_types.share_type_access_add
share_type_access_remove = _share_types.share_type_access_remove

# shares
share_create = _shares.share_create
share_get = _shares.share_get
share_get_all = _shares.share_get_all
share_get_all_by_host = _shares.share_get_all_by_host
share_update = _shares.share_update
share_update_if = _shares.share_update_if
share_delete = _shares.share_delete
share_count_by_type = _shares.share_count_by_type
share_snapshot_count = _shares.share_snapshot_count
share_metadata_get = _shares.share_metadata_get
share_metadata_update = _shares.share_metadata_update
share_metadata_delete = _shares.share_metadata_delete
share_export_locations_get = _shares.share_export_locations_get
share_export_location_get_by_uuid = _shares.share_export_location_get_by_uuid
share_export_locations_update = _shares.share_export_locations_update

# access
share_access_create = _access.share_access_create
share_access_get = _access.share_access_get
share_access_get_all_for_share = _access.share_access_get_all_for_share
share_access_get_by_type_and_access = (
    _access.share_access_get_by_type_and_access)
share_access_update = _access.share_access_update
share_access_delete = _access.share_access_delete

# snapshots
share_snapshot_create = _snapshots.share_snapshot_create
share_snapshot_get = _snapshots.share_snapshot_get
share_snapshot_get_all = _snapshots.share_snapshot_get_all
share_snapshot_get_latest_for_share = (
    _snapshots.share_snapshot_get_latest_for_share)
share_snapshot_update = _snapshots.share_snapshot_update
share_snapshot_update_if = _snapshots.share_snapshot_update_if
share_snapshot_delete = _snapshots.share_snapshot_delete
share_snapshot_export_locations_get = (
    _snapshots.share_snapshot_export_locations_get)
share_snapshot_export_location_get_by_uuid = (
    _snapshots.share_snapshot_export_location_get_by_uuid)
share_snapshot_export_locations_update = (
    _snapshots.share_snapshot_export_locations_update)

# quotas
quota_get_all_by_project = _quotas.quota_get_all_by_project
quota_class_get_all_by_name = _quotas.quota_class_get_all_by_name
quota_create_or_update = _quotas.quota_create_or_update
quota_class_create_or_update = _quotas.quota_class_create_or_update
quota_destroy_all_by_project = _quotas.quota_destroy_all_by_project
quota_usage_get_all_by_project = _quotas.quota_usage_get_all_by_project
quota_usage_change = _quotas.quota_usage_change
quota_usage_set = _quotas.quota_usage_set

# messages
message_create = _messages.message_create
message_get = _messages.message_get
message_get_all = _messages.message_get_all
message_destroy = _messages.message_destroy
message_destroy_expired = _messages.message_destroy_expired

# backups
share_backup_count = _backups.share_backup_count
share_backup_create = _backups.share_backup_create
share_backup_get = _backups.share_backup_get
share_backup_get_all = _backups.share_backup_get_all
share_backup_get_latest_available = _backups.share_backup_get_latest_available
share_backup_update = _backups.share_backup_update
share_backup_update_if = _backups.share_backup_update_if
share_backup_delete = _backups.share_backup_delete
share_backup_get_all_by_host = _backups.share_backup_get_all_by_host

# backup retention policies
backup_retention_policy_get = _retention.backup_retention_policy_get
backup_retention_policy_get_all = _retention.backup_retention_policy_get_all
backup_retention_policy_set = _retention.backup_retention_policy_set
backup_retention_policy_delete = _retention.backup_retention_policy_delete
backup_retention_policy_claim = _retention.backup_retention_policy_claim
backup_retention_policy_update_claimed = (
    _retention.backup_retention_policy_update_claimed)

# schema
db_sync = _migration.db_sync
db_version = _migration.db_version

# Keep this last: every function above retries a call whose database
# connection was lost (db/reconnect.py); unit/db/test_reconnect.py checks
# that none was added below it.
_reconnect.wrap_namespace(globals(), exclude=('db_sync', 'db_version'))
