"""Small helpers with no dependency on any service package."""

import datetime
import uuid

from oslo_utils import strutils
from oslo_utils import timeutils
from oslo_utils import uuidutils


def utcnow():
    """Naive UTC now with microseconds, as stored in the database."""
    return timeutils.utcnow()


def isotime(value):
    if value is None:
        return None
    return value.strftime('%Y-%m-%dT%H:%M:%S.%f')


def parse_isotime(value):
    if isinstance(value, datetime.datetime):
        return value
    return timeutils.normalize_time(timeutils.parse_isotime(value))


def generate_uuid():
    return str(uuid.uuid4())


def is_uuid_like(value):
    return uuidutils.is_uuid_like(value)


# Largest value the database's integer columns hold (Manila's DB_MAX_INT).
DB_MAX_INT = 0x7FFFFFFF


_TRUE = ('true', 't', '1', 'yes', 'y', 'on')
_FALSE = ('false', 'f', '0', 'no', 'n', 'off')


def parse_bool(value, strict=True):
    """Parse a bool sent as a JSON bool or a string such as "True".

    Returns None when ``strict`` is False and the value is not a boolean.
    Raises ValueError when ``strict`` is True and it is not.
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
    if strict:
        raise ValueError('%r is not a boolean value' % (value,))
    return None


def is_bool_like(value):
    return parse_bool(value, strict=False) is not None


def bool_from_string(value, default=False):
    return strutils.bool_from_string(value, default=default)
