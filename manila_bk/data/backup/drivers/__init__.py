"""Backup drivers and how the data service loads them.

``backup_driver`` in the backup back end's section is either a short name
from the ``manila_bk.backup.drivers`` entry point namespace (``nfs``) or
the dotted path of a driver class.
"""

from manila_bk.common import loader
from manila_bk.data.backup import base

NAMESPACE = 'manila_bk.backup.drivers'

# Used when the package is not installed, so its entry points are missing.
BUILTIN_DRIVERS = {
    'nfs': 'manila_bk.data.backup.drivers.nfs.NFSBackupDriver',
}


def load_backup_driver_class(name_or_path):
    """Return the backup driver class named by ``name_or_path``.

    Raises DriverNotLoaded, naming the value, when it cannot be imported
    or is not a BackupDriver.
    """
    return loader.load_class(NAMESPACE, BUILTIN_DRIVERS, name_or_path,
                             base.BackupDriver)


def load_backup_driver(name_or_path, configuration, backend_name):
    """Load and construct the backup driver named by ``name_or_path``.

    ``configuration`` gives attribute access to the back end's options.
    The driver is constructed but not set up: the caller runs
    ``do_setup()`` and ``check_for_setup_error()``.  Raises
    DriverNotLoaded naming the value on any failure.
    """
    cls = load_backup_driver_class(name_or_path)
    return loader.construct(cls, name_or_path, configuration, backend_name)
