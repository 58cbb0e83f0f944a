"""Share backup views (Manila's keys, 2.80 to 2.91).

Manila renders backups without ``links``; ``progress`` and
``restore_progress`` are strings ('0'..'100'); ``host`` and ``topic`` are
shown to administrators only; ``backup_type`` appears at 2.85.  The
microversion and the caller are looked at once per response, not once per
backup.
"""

from manila_bk.api import common
from manila_bk.api.views import timefmt
from manila_bk.api import microversion as mv

COLLECTION = 'share_backups'
URL_COLLECTION = 'share-backups'
LINKS_KEY = 'share_backup_links'


def _progress(value):
    return None if value is None else str(value)


def summary(backup):
    return {
        'id': backup.id,
        'name': backup.display_name,
        'share_id': backup.share_id,
        'status': backup.status,
    }


def _renderer():
    """A function rendering the details of a backup for this request."""
    with_type = mv.at_least('2.85')
    is_admin = common.context().is_admin

    def render(backup):
        isotime = timefmt.isotime
        view = {
            'id': backup.id,
            'name': backup.display_name,
            'share_id': backup.share_id,
            'status': backup.status,
            'description': backup.display_description,
            'size': backup.size,
            'created_at': isotime(backup.created_at),
            'updated_at': isotime(backup.updated_at),
            'availability_zone': backup.availability_zone,
            'progress': _progress(backup.progress),
            'restore_progress': _progress(backup.restore_progress),
        }
        if with_type:
            view['backup_type'] = backup.backup_type
        if is_admin:
            view['host'] = backup.host
            view['topic'] = backup.topic
        return view
    return render


def detail(backup):
    return _renderer()(backup)


def list_view(backups, detailed, limit=None):
    render = _renderer() if detailed else summary
    items = [render(backup) for backup in backups]
    body = {COLLECTION: items}
    links = common.collection_links(backups, URL_COLLECTION, limit)
    if links:
        body[LINKS_KEY] = links
    return body


def restore(result):
    """The answer to a restore: which backup goes into which share."""
    return {'restore': {'backup_id': result['backup_id'],
                        'share_id': result['share_id']}}
