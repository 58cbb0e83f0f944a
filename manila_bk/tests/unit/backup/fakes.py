"""Database fixtures for the share backup tests."""

import datetime

from oslo_serialization import jsonutils

from manila_bk.common import utils
from manila_bk import context
from manila_bk.db import api as db

BACKEND_CAPS = {'backup_backend': 'backup1', 'backup_driver': 'nfs'}


def data_service(ctx, host='data1', capabilities=None, age=0,
                 disabled=False):
    """A data service whose last heartbeat was ``age`` seconds ago."""
    now = utils.utcnow()
    caps = BACKEND_CAPS if capabilities is None else capabilities
    return db.service_create(ctx, {
        'host': host, 'binary': 'manila-bk-data',
        'topic': 'manila-bk-data', 'availability_zone': 'nova',
        'disabled': disabled, 'report_count': 1,
        'created_at': now - datetime.timedelta(seconds=age),
        'updated_at': now - datetime.timedelta(seconds=age),
        'capabilities': (caps if isinstance(caps, str)
                         else jsonutils.dumps(caps))})


def backup(ctx, share, status='available', **values):
    fields = {'share_id': share.id, 'project_id': share.project_id,
              'user_id': 'user-a', 'status': status, 'size': share.size,
              'topic': 'manila-bk-data', 'availability_zone': 'nova',
              'progress': '100', 'restore_progress': '0',
              'backup_type': 'full'}
    fields.update(values)
    return db.share_backup_create(ctx, fields)


def admin_context(project_id='admin-project'):
    return context.RequestContext(user_id='admin', project_id=project_id,
                                  roles=['admin', 'member', 'reader'],
                                  is_admin=True)
