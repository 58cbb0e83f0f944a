"""Storage pools (``/scheduler-stats/pools[/detail]``)."""

_KEYS = ('name', 'host', 'backend', 'pool')


def pool(item, detail=False):
    view = {key: item.get(key) for key in _KEYS}
    if detail:
        view['capabilities'] = item.get('capabilities') or {}
    return view


def pools(items, detail=False):
    return {'pools': [pool(item, detail) for item in items]}
