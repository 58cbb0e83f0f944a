"""Share snapshot views (Manila's keys up to 2.91).

``created_at`` keeps the microseconds stored in the database
("2016-03-10T15:41:33.123456"); revert relies on that ordering.
"""

from manila_bk.api import common
from manila_bk.api import microversion as mv
from manila_bk.common import utils

COLLECTION = 'snapshots'


def summary(snapshot):
    return {
        'id': snapshot.id,
        'name': snapshot.display_name,
        'links': common.resource_links(COLLECTION, snapshot.id),
    }


def detail(snapshot):
    view = {
        'id': snapshot.id,
        'share_id': snapshot.share_id,
        'share_size': snapshot.share_size,
        'created_at': utils.isotime(snapshot.created_at),
        'status': snapshot.status,
        'name': snapshot.display_name,
        'description': snapshot.display_description,
        'size': snapshot.size,
        'share_proto': snapshot.share_proto,
        'links': common.resource_links(COLLECTION, snapshot.id),
    }
    if mv.at_least('2.12') and common.context().is_admin:
        view['provider_location'] = snapshot.provider_location
    if mv.at_least('2.17'):
        view['user_id'] = snapshot.user_id
        view['project_id'] = snapshot.project_id
    if mv.at_least('2.73'):
        view['metadata'] = {}
    return view


def list_view(snapshots, detailed, limit=None, count=None):
    render = detail if detailed else summary
    items = [render(snapshot) for snapshot in snapshots]
    body = {COLLECTION: items}
    if count is not None:
        body['count'] = count
    links = common.collection_links(items, COLLECTION, limit)
    if links:
        body['share_snapshots_links'] = links
    return body
