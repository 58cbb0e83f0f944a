"""Database fixtures for the tests of the share business layer."""

import datetime

from oslo_serialization import jsonutils

from manila_bk.common import utils
from manila_bk.db import api as db

ALL_CAPS = {'snapshot_support': True,
            'create_share_from_snapshot_support': True,
            'revert_to_snapshot_support': True,
            'mount_snapshot_support': False}


def pool(name='pool1', free=100, total=200, reserved=0, **caps):
    values = {'pool_name': name, 'total_capacity_gb': total,
              'free_capacity_gb': free, 'reserved_percentage': reserved,
              'storage_protocol': 'NFS_CIFS', 'share_backend_name': 'local',
              'driver_handles_share_servers': False, 'vendor_name': 'x',
              'driver_version': '1.0', 'qos': False,
              'thin_provisioning': False}
    values.update(ALL_CAPS)
    values.update(caps)
    return values


def service(ctx, host='node1@local', pools=None, zone='nova', age=0,
            report_age=0, disabled=False, binary='manila-bk-share'):
    """A share service whose last heartbeat was ``age`` seconds ago."""
    now = utils.utcnow()
    pools = [pool()] if pools is None else pools
    return db.service_create(ctx, {
        'host': host, 'binary': binary, 'topic': 'manila-bk-share',
        'availability_zone': zone, 'disabled': disabled,
        'report_count': 1,
        'created_at': now - datetime.timedelta(seconds=age),
        'updated_at': now - datetime.timedelta(seconds=age),
        'capabilities': jsonutils.dumps(pools),
        'capabilities_updated_at': now - datetime.timedelta(
            seconds=report_age)})


def share_type(ctx, name='default', dhss='False', **specs):
    extra_specs = {'driver_handles_share_servers': dhss}
    extra_specs.update(ALL_CAPS if not specs else {})
    extra_specs.update({k: str(v) for k, v in specs.items()})
    return db.share_type_create(ctx, {'name': name, 'is_public': True},
                                extra_specs=extra_specs)


def share(ctx, project_id='project-a', status='available',
          host='node1@local#pool1', size=1, **values):
    fields = {'size': size, 'share_proto': 'NFS', 'status': status,
              'project_id': project_id, 'user_id': 'user-a', 'host': host,
              'availability_zone': 'nova'}
    fields.update(ALL_CAPS)
    fields.update(values)
    return db.share_create(ctx, fields)


def snapshot(ctx, share, status='available', size=None, **values):
    fields = {'share_id': share.id, 'size': size or share.size,
              'share_size': share.size, 'status': status,
              'project_id': share.project_id, 'user_id': 'user-a',
              'share_proto': share.share_proto}
    fields.update(values)
    return db.share_snapshot_create(ctx, fields)
