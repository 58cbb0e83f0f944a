"""/v2/shares/{share_id}/metadata[/{key}] (Manila's share metadata API).

GET lists ({"metadata": {...}}) or shows one item ({"meta": {k: v}}); POST
merges, PUT replaces all; POST or PUT on /{key} sets one item; DELETE
removes one.  Keys are 1-255 characters, values 1-1023.
"""

import pecan
from pecan import rest

from manila_bk.api import common
from manila_bk.api.controllers.v2 import _params
from manila_bk.api.schemas import shares as schema
from manila_bk import exception
from manila_bk.share import api as share_api


class ShareMetadataController(rest.RestController):
    """Metadata of one share; the share id comes from the parent route."""

    def __init__(self):
        super().__init__()
        self.share_api = share_api.API()

    def _share(self, share_id, rule, change=False):
        """The share, once ``rule`` allows the caller to use it.

        A change also needs the rule on the share's own project: others
        may read a public share's metadata but not change it.
        """
        common.authorize(rule)
        share = _params.get_share(self.share_api, share_id)
        if change:
            common.authorize(rule, _params.owner_target(share))
        return share

    def _set(self, share_id, metadata, replace):
        self._share(share_id, 'share:update_share_metadata', change=True)
        return self.share_api.set_metadata(common.context(), share_id,
                                           metadata, replace=replace)

    @pecan.expose('json')
    def get_all(self, share_id):
        self._share(share_id, 'share:get_share_metadata')
        return {'metadata': self.share_api.get_metadata(common.context(),
                                                        share_id)}

    @pecan.expose('json')
    def get_one(self, share_id, key):
        self._share(share_id, 'share:get_share_metadata')
        metadata = self.share_api.get_metadata(common.context(), share_id)
        if key not in metadata:
            raise exception.ShareMetadataNotFound(key=key)
        return {'meta': {key: metadata[key]}}

    def _item(self, share_id, key, body):
        """Set one item from {"meta": {key: value}} (or "metadata")."""
        if isinstance(body, dict) and 'meta' not in body:
            body = {'meta': body.get('metadata')}
        common.validate(schema.meta_item_body, body)
        if key not in body['meta']:
            raise _params.bad_request('Request body and URI mismatch')
        self._set(share_id, body['meta'], replace=False)
        return {'meta': {key: body['meta'][key]}}

    @pecan.expose('json')
    def post(self, share_id, key=None):
        body = common.body()
        if key is not None:
            return self._item(share_id, key, body)
        common.validate(schema.metadata_body, body)
        return {'metadata': self._set(share_id, body['metadata'],
                                      replace=False)}

    @pecan.expose('json')
    def put(self, share_id, key=None):
        body = common.body()
        if key is not None:
            return self._item(share_id, key, body)
        common.validate(schema.metadata_body, body)
        return {'metadata': self._set(share_id, body['metadata'],
                                      replace=True)}

    @pecan.expose('json')
    def delete(self, share_id, key):
        self._share(share_id, 'share:delete_share_metadata', change=True)
        self.share_api.delete_metadata(common.context(), share_id, key)
        return _params.empty_response(200)
