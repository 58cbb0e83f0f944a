"""Share drivers and how the share service loads them.

``share_driver`` in a back end's section is either a short name from the
``manila_bk.share.drivers`` entry point namespace (``local``, ``btrfs``,
``fake``) or the dotted path of a driver class.
"""

from manila_bk.common import loader
from manila_bk.share.drivers import base

NAMESPACE = 'manila_bk.share.drivers'

# Used when the package is not installed, so its entry points are missing.
BUILTIN_DRIVERS = {
    'local': 'manila_bk.share.drivers.local.LocalShareDriver',
    'btrfs': 'manila_bk.share.drivers.btrfs.BtrfsShareDriver',
    'fake': 'manila_bk.share.drivers.fake.FakeShareDriver',
}


def load_driver_class(name_or_path):
    """Return the driver class named by ``name_or_path``.

    Raises DriverNotLoaded, naming the value, when it cannot be imported
    or is not a ShareDriver.
    """
    return loader.load_class(NAMESPACE, BUILTIN_DRIVERS, name_or_path,
                             base.ShareDriver)


def load_driver(name_or_path, configuration, backend_name, host):
    """Load and construct the share driver named by ``name_or_path``.

    ``configuration`` gives attribute access to the back end's options.
    The driver is constructed but not set up: the caller runs
    ``do_setup()`` and ``check_for_setup_error()``.  Raises
    DriverNotLoaded naming the value on any failure.
    """
    cls = load_driver_class(name_or_path)
    return loader.construct(cls, name_or_path, configuration, backend_name,
                            host)
