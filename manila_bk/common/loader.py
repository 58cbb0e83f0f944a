"""Load a pluggable class by entry point short name or dotted path.

Share drivers and backup drivers are chosen in manila.conf either by a
short name registered in an entry point namespace or by the dotted path of
a class; both kinds of driver load through ``load_class``.
"""

from oslo_utils import importutils
from stevedore import driver as stevedore_driver
from stevedore import exception as stevedore_exception

from manila_bk import exception


def _raise_load_failure(manager, entrypoint, exc):
    raise exc


def _class_from_entry_point(namespace, builtin, name):
    try:
        manager = stevedore_driver.DriverManager(
            namespace, name, invoke_on_load=False,
            on_load_failure_callback=_raise_load_failure)
    except stevedore_exception.NoMatches:
        # The package may run from a source tree without its entry points.
        if name in builtin:
            return importutils.import_class(builtin[name])
        raise exception.DriverNotLoaded(
            name=name, reason='no such driver in %s; known: %s' % (
                namespace, ', '.join(sorted(builtin))))
    return manager.driver


def load_class(namespace, builtin, name_or_path, base_class):
    """Return the subclass of ``base_class`` that ``name_or_path`` names.

    ``builtin`` maps short names to dotted paths, used when the entry
    points are not installed.  Raises DriverNotLoaded, naming the value,
    when the class cannot be imported or is not a ``base_class``.
    """
    name = (name_or_path or '').strip()
    if not name:
        raise exception.DriverNotLoaded(name=name_or_path,
                                        reason='no driver configured')
    try:
        if '.' in name:
            cls = importutils.import_class(name)
        else:
            cls = _class_from_entry_point(namespace, builtin, name)
    except exception.DriverNotLoaded:
        raise
    except Exception as exc:
        raise exception.DriverNotLoaded(name=name, reason=str(exc) or
                                        type(exc).__name__)
    if not (isinstance(cls, type) and issubclass(cls, base_class)):
        raise exception.DriverNotLoaded(
            name=name, reason='%r is not a %s class' % (
                cls, base_class.__name__))
    return cls


def construct(cls, name_or_path, *args):
    """Instantiate a loaded driver class; failures name the driver."""
    try:
        return cls(*args)
    except Exception as exc:
        raise exception.DriverNotLoaded(
            name=name_or_path, reason='%s: %s' % (type(exc).__name__, exc))
