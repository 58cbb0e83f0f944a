"""Backup drivers and how the data service loads them.

``backup_driver`` in the backup back end's section is either a short name
from the ``manila_bk.backup.drivers`` entry point namespace (``nfs``) or
the dotted path of a driver class.
"""

from oslo_utils import importutils
from stevedore import driver as stevedore_driver
from stevedore import exception as stevedore_exception

from manila_bk.data.backup import base
from manila_bk import exception

NAMESPACE = 'manila_bk.backup.drivers'

# Used when the package is not installed, so its entry points are missing.
BUILTIN_DRIVERS = {
    'nfs': 'manila_bk.data.backup.drivers.nfs.NFSBackupDriver',
}


def _raise_load_failure(manager, entrypoint, exc):
    raise exc


def _class_from_entry_point(name):
    try:
        manager = stevedore_driver.DriverManager(
            NAMESPACE, name, invoke_on_load=False,
            on_load_failure_callback=_raise_load_failure)
    except stevedore_exception.NoMatches:
        if name in BUILTIN_DRIVERS:
            return importutils.import_class(BUILTIN_DRIVERS[name])
        raise exception.DriverNotLoaded(
            name=name, reason='no such backup driver in %s; known: %s' % (
                NAMESPACE, ', '.join(sorted(BUILTIN_DRIVERS))))
    return manager.driver


def load_backup_driver_class(name_or_path):
    """Return the backup driver class named by ``name_or_path``.

    Raises DriverNotLoaded, naming the value, when it cannot be imported
    or is not a BackupDriver.
    """
    name = (name_or_path or '').strip()
    if not name:
        raise exception.DriverNotLoaded(name=name_or_path,
                                        reason='no backup driver configured')
    try:
        if '.' in name:
            cls = importutils.import_class(name)
        else:
            cls = _class_from_entry_point(name)
    except exception.DriverNotLoaded:
        raise
    except Exception as exc:
        raise exception.DriverNotLoaded(name=name, reason=str(exc) or
                                        type(exc).__name__)
    if not (isinstance(cls, type) and issubclass(cls, base.BackupDriver)):
        raise exception.DriverNotLoaded(
            name=name, reason='%r is not a BackupDriver class' % (cls,))
    return cls


def load_backup_driver(name_or_path, configuration, backend_name):
    """Load and construct the backup driver named by ``name_or_path``.

    ``configuration`` gives attribute access to the back end's options.
    The driver is constructed but not set up: the caller runs
    ``do_setup()`` and ``check_for_setup_error()``.  Raises
    DriverNotLoaded naming the value on any failure.
    """
    cls = load_backup_driver_class(name_or_path)
    try:
        return cls(configuration, backend_name)
    except Exception as exc:
        raise exception.DriverNotLoaded(
            name=name_or_path,
            reason='%s: %s' % (type(exc).__name__, exc))
