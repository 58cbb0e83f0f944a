"""Authentication middleware: who is calling, as a RequestContext.

``auth_strategy = noauth``: the token ``X-Auth-Token: user:project`` names
the caller; no token means user ``admin`` of project ``admin``.  Roles come
from ``X-Roles`` (comma list) when sent, else admin, member and reader.

``auth_strategy = keystone``: keystonemiddleware's auth_token validates the
token and sets the identity headers the context is built from.

Either way the context lands in ``environ['manila_bk.context']`` and
``is_admin`` comes from the ``context_is_admin`` policy rule.
"""

from keystonemiddleware import auth_token
from oslo_config import cfg
from oslo_serialization import jsonutils
import webob.dec

from manila_bk.api import common
from manila_bk import context
from manila_bk import exception
from manila_bk import policy

CONF = cfg.CONF

NOAUTH_ROLES = ('admin', 'member', 'reader')
MAX_ID_LENGTH = 255


def _roles(header_value, default):
    if header_value is None:
        return list(default)
    return [role.strip() for role in header_value.split(',')
            if role.strip()]


def _request_ids(environ):
    return {'request_id': environ.get('openstack.request_id'),
            'global_request_id': environ.get('openstack.global_request_id')}


def _remote_address(req):
    # X-Forwarded-For is not trusted: any client can send it.
    return req.remote_addr


def _finish(ctx):
    ctx.is_admin = policy.check_is_admin(ctx)
    return ctx


class NoAuthMiddleware(object):
    """Trust the caller: ``X-Auth-Token: user:project``, roles optional."""

    def __init__(self, application):
        self.application = application

    @webob.dec.wsgify
    def __call__(self, req):
        token = req.headers.get('X-Auth-Token', '').strip()
        if token:
            user_id, _sep, project_id = token.partition(':')
            project_id = project_id or user_id
        else:
            user_id = project_id = 'admin'
        if max(len(user_id), len(project_id)) > MAX_ID_LENGTH:
            # Ids are stored in 255-character columns.
            raise exception.NotAuthenticated(
                message='The noauth token names a user or project id '
                        'longer than %d characters.' % MAX_ID_LENGTH)
        ctx = context.RequestContext(
            user_id=user_id, project_id=project_id,
            roles=_roles(req.headers.get('X-Roles'), NOAUTH_ROLES),
            auth_token=token or None,
            remote_address=_remote_address(req),
            **_request_ids(req.environ))
        req.environ[common.ENV_CONTEXT] = _finish(ctx)
        return req.get_response(self.application)


def _service_catalog(req):
    raw = req.headers.get('X-Service-Catalog')
    if not raw:
        return []
    try:
        catalog = jsonutils.loads(raw)
    except ValueError:
        raise exception.InvalidInput(reason='Invalid service catalog json.')
    return catalog if isinstance(catalog, list) else []


class KeystoneContextMiddleware(object):
    """Build the context from the headers keystonemiddleware set."""

    def __init__(self, application):
        self.application = application

    @webob.dec.wsgify
    def __call__(self, req):
        if req.headers.get('X-Identity-Status', 'Confirmed') != 'Confirmed':
            raise exception.NotAuthenticated()
        user_id = req.headers.get('X-User-Id', req.headers.get('X-User'))
        if not user_id:
            raise exception.NotAuthenticated()
        project_id = req.headers.get('X-Project-Id',
                                     req.headers.get('X-Tenant-Id'))
        ctx = context.RequestContext(
            user_id=user_id, project_id=project_id,
            roles=_roles(req.headers.get('X-Roles', ''), ()),
            auth_token=req.headers.get('X-Auth-Token'),
            user_name=req.headers.get('X-User-Name'),
            project_name=req.headers.get('X-Project-Name'),
            user_domain_id=req.headers.get('X-User-Domain-Id'),
            project_domain_id=req.headers.get('X-Project-Domain-Id'),
            service_catalog=_service_catalog(req),
            remote_address=_remote_address(req),
            **_request_ids(req.environ))
        req.environ[common.ENV_CONTEXT] = _finish(ctx)
        return req.get_response(self.application)


def pipeline(application, conf=None):
    """Wrap ``application`` with the configured authentication."""
    conf = conf or CONF
    if conf.auth_strategy == 'keystone':
        return auth_token.AuthProtocol(
            KeystoneContextMiddleware(application),
            {'oslo_config_config': conf})
    return NoAuthMiddleware(application)
