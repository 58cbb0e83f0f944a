"""Request context carried through the API, RPC and the database layer."""

import copy

from oslo_context import context
from oslo_db.sqlalchemy import enginefacade

from manila_bk.common import utils


@enginefacade.transaction_context_provider
class RequestContext(context.RequestContext):
    """Who is asking, on behalf of which project, and what rows they see.

    ``read_deleted`` is one of ``no`` (default), ``yes`` and ``only`` and
    decides whether soft-deleted rows are visible to database queries.
    """

    def __init__(self, user_id=None, project_id=None, is_admin=None,
                 read_deleted='no', remote_address=None, timestamp=None,
                 service_catalog=None, **kwargs):
        kwargs.setdefault('user_id', user_id)
        kwargs.setdefault('project_id', project_id)
        super().__init__(is_admin=bool(is_admin), **kwargs)
        if read_deleted not in ('no', 'yes', 'only'):
            raise ValueError('read_deleted must be no, yes or only, not %r'
                             % read_deleted)
        self.read_deleted = read_deleted
        self.remote_address = remote_address
        self.timestamp = timestamp or utils.utcnow()
        self.service_catalog = service_catalog or []

    def to_dict(self):
        values = super().to_dict()
        values.update({'user_id': self.user_id,
                       'project_id': self.project_id,
                       'is_admin': self.is_admin,
                       'read_deleted': self.read_deleted,
                       'remote_address': self.remote_address,
                       'timestamp': utils.isotime(self.timestamp),
                       'service_catalog': self.service_catalog})
        return values

    @classmethod
    def from_dict(cls, values):
        values = dict(values)
        timestamp = values.pop('timestamp', None)
        return cls(user_id=values.pop('user_id', None),
                   project_id=values.pop('project_id', None),
                   is_admin=values.pop('is_admin', False),
                   read_deleted=values.pop('read_deleted', 'no'),
                   remote_address=values.pop('remote_address', None),
                   timestamp=utils.parse_isotime(timestamp)
                   if timestamp else None,
                   service_catalog=values.pop('service_catalog', None),
                   roles=values.pop('roles', []),
                   request_id=values.pop('request_id', None),
                   global_request_id=values.pop('global_request_id', None),
                   auth_token=values.pop('auth_token', None),
                   user_domain_id=values.pop('user_domain_id', None),
                   project_domain_id=values.pop('project_domain_id', None),
                   user_name=values.pop('user_name', None),
                   project_name=values.pop('project_name', None),
                   system_scope=values.pop('system_scope', None))

    def elevated(self, read_deleted=None):
        """Return an admin copy of this context (same request id)."""
        ctx = copy.deepcopy(self)
        ctx.is_admin = True
        if 'admin' not in ctx.roles:
            ctx.roles = list(ctx.roles) + ['admin']
        if read_deleted is not None:
            ctx.read_deleted = read_deleted
        return ctx

    def with_read_deleted(self, read_deleted):
        ctx = copy.copy(self)
        ctx.read_deleted = read_deleted
        return ctx


def get_admin_context(read_deleted='no'):
    """A context for services acting on their own behalf."""
    return RequestContext(user_id=None, project_id=None, is_admin=True,
                          read_deleted=read_deleted, roles=['admin'],
                          overwrite=False)
