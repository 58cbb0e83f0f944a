"""Services (``GET /services``, ``PUT /services/{enable,disable}``)."""

from manila_bk.api import microversion

_KEYS = ('id', 'binary', 'host', 'zone', 'status', 'state', 'updated_at')


def detail(service):
    view = {key: service.get(key) for key in _KEYS}
    if microversion.at_least('2.83'):
        view['disabled_reason'] = service.get('disabled_reason')
    return view


def index(services):
    return {'services': [detail(service) for service in services]}


def summary(service):
    """Answer of enable/disable: ``disabled`` becomes ``status`` in 2.83."""
    view = {'host': service.get('host'), 'binary': service.get('binary')}
    if microversion.at_least('2.83'):
        disabled = service.get('disabled')
        view['status'] = service.get('status') or (
            'disabled' if disabled else 'enabled')
        view['disabled_reason'] = service.get('disabled_reason')
    else:
        disabled = service.get('disabled')
        if disabled is None:
            disabled = service.get('status') == 'disabled'
        view['disabled'] = bool(disabled)
    return view
