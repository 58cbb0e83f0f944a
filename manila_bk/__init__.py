"""manila_bk: share backup, restore and revert, wire-compatible with Manila.

manila_bk runs on native threads only.  Two things make that hold:

* eventlet is made unimportable for the whole process (``None`` in
  ``sys.modules``), so a library that would pick it up when present
  (futurist, oslo.utils) falls back to threads, and any code that insists on
  it fails loudly instead of monkey-patching behind our back;
* oslo.service defaults to its eventlet backend and importing oslo.messaging
  selects that default, so the threading backend is chosen here, before any
  other module of the package is imported.
"""

import sys

if 'eventlet' not in sys.modules:  # already imported: see below
    sys.modules['eventlet'] = None

from oslo_service import backend as _backend  # noqa: E402


def _select_threading_backend():
    try:
        _backend.init_backend(_backend.BackendType.THREADING)
    except _backend.exceptions.BackendAlreadySelected:
        # Only tools that import oslo.messaging before manila_bk get here
        # (oslo-config-generator loading namespaces in its own order); the
        # console scripts import manila_bk first, and cmd.common.parse_args
        # refuses to run a service on any other backend.
        pass


def threading_backend_selected():
    return _backend.get_backend_type() == _backend.BackendType.THREADING


_select_threading_backend()
