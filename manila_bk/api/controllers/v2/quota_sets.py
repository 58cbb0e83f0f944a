"""``/quota-sets`` (>= 2.7) and ``/os-quota-sets``: project quotas.

GET /quota-sets/{project_id}[/defaults|/detail], PUT and DELETE
/quota-sets/{project_id}.  Quotas are kept per project: ``user_id`` shows
the project's quotas, ``share_type`` (>= 2.39) too after checking that the
type exists; changing per-user or per-type quotas is refused.
"""

import pecan
from pecan import rest

from manila_bk.api import common
from manila_bk.api import microversion
from manila_bk.api.schemas import quota_sets as schemas
from manila_bk.api.views import quota_sets as views
from manila_bk.common import utils
from manila_bk import exception
from manila_bk import quota
from manila_bk.share import share_types

NON_QUOTA_KEYS = ('tenant_id', 'id', 'force', 'share_type', 'class_name')
_GROUP_KEYS = ('share_groups', 'share_group_snapshots')


def _query():
    """(user_id, share_type) of the query, checked as Manila does."""
    params = pecan.request.GET
    user_id, share_type = params.get('user_id'), params.get('share_type')
    if user_id and share_type:
        raise exception.InvalidInput(
            reason="'user_id' and 'share_type' values are mutually "
                   "exclusive")
    if share_type and not microversion.at_least('2.39'):
        raise exception.InvalidInput(
            reason="'share_type' key is not supported by this "
                   "microversion. Use 2.39 or greater microversion to be "
                   "able to use 'share_type' quotas.")
    return user_id, share_type


def parse_limits(body):
    """Validated {resource: int} of an update body, and its force flag.

    Manila's quotas of features manila_bk does not have (share networks,
    groups, replicas) are accepted and kept; nothing consumes them.
    """
    bad = [key for key in body
           if key not in quota.ALL_RESOURCES and key not in NON_QUOTA_KEYS]
    if bad:
        raise exception.InvalidInput(reason='Bad key(s) %s in quota_set.'
                                     % ','.join(sorted(bad)))
    force = utils.bool_from_string(body.get('force', False))
    values = {key: int(value) for key, value in body.items()
              if key in quota.ALL_RESOURCES and value is not None}
    return values, force


class QuotaSetsController(rest.RestController):
    """Show, change and reset the quotas of a project."""

    _custom_actions = {'defaults': ['GET'], 'detail': ['GET']}

    def __init__(self, legacy=False):
        super().__init__()
        self._legacy = legacy

    def _show(self, project_id, usages):
        common.require_url_version(self._legacy)
        common.authorize('quota_set:show', {'project_id': project_id})
        context = common.context()
        _user_id, share_type = _query()
        if share_type:
            share_types.API().get(context, share_type)
        values = quota.get_project_quotas(context, project_id,
                                          usages=usages)
        return views.detail(values, project_id, usages=usages,
                            share_type=bool(share_type))

    @pecan.expose('json')
    def get_one(self, project_id):
        return self._show(project_id, usages=False)

    @pecan.expose('json')
    def detail(self, project_id=None):
        microversion.require('2.25')
        if project_id is None:
            raise exception.NotFound()
        return self._show(project_id, usages=True)

    @pecan.expose('json')
    def defaults(self, project_id=None):
        common.require_url_version(self._legacy)
        common.authorize('quota_set:show')
        if project_id is None:
            raise exception.NotFound()
        values = quota.get_defaults(common.context())
        return views.detail(values, project_id)

    @pecan.expose('json')
    def put(self, project_id):
        common.require_url_version(self._legacy)
        common.authorize('quota_set:update', {'project_id': project_id})
        self._refuse_sub_quotas()
        body = common.validate(schemas.update, common.body())['quota_set']
        if not microversion.at_least('2.40') and any(
                body.get(key) for key in _GROUP_KEYS):
            raise exception.InvalidInput(
                reason="share group quotas are not supported by this "
                       "microversion. Use 2.40 or greater.")
        values, force = parse_limits(body)
        context = common.context()
        quota.update_project_quotas(context, project_id, values,
                                    force=force)
        return views.detail(quota.get_project_quotas(context, project_id))

    @pecan.expose('json')
    def delete(self, project_id):
        common.require_url_version(self._legacy)
        common.authorize('quota_set:delete', {'project_id': project_id})
        self._refuse_sub_quotas()
        quota.delete_project_quotas(common.context(), project_id)
        return common.empty_response(202)

    @staticmethod
    def _refuse_sub_quotas():
        user_id, share_type = _query()
        if user_id or share_type:
            raise exception.InvalidInput(
                reason='manila_bk keeps quotas per project; per-user and '
                       'per-share-type quotas cannot be changed.')
