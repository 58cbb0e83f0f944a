"""Availability zones as Manila renders them."""

_KEYS = ('id', 'name', 'created_at', 'updated_at')


def _get(zone, key):
    if isinstance(zone, dict):
        return zone.get(key)
    return getattr(zone, key, None)


def detail(zone):
    return {key: _get(zone, key) for key in _KEYS}


def index(zones):
    return {'availability_zones': [detail(zone) for zone in zones]}
