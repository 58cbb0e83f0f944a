"""Test-only pauses at named steps of the directory drivers (private).

The functional crash tests kill a share service at a known step of a
revert; to make that step last long enough they start the service with
the environment variable ``MANILA_BK_TEST_PAUSE`` set to
``step:seconds[,step:seconds...]``, for example
``revert_journaled:30``.  Steps of the local driver's revert:

``revert_copied``     the snapshot is copied beside the share, no journal
``revert_journaled``  the journal is written, the trees are not swapped
``revert_swapped``    the trees are swapped, the old tree is not removed

and of its snapshot creation:

``snapshot_copied``   the copy is complete under its temporary name, not
                      yet renamed into place

and of its backup snapshots (``backup_from_snapshot``):

``backup_snapshot_copied``  the share is copied, not yet renamed into place

Unset (always, outside tests) :func:`pause` returns at once.  The
variable is read on every call, so nothing is cached at import.
"""

import os
import time

from oslo_log import log as logging

LOG = logging.getLogger(__name__)

ENV_VAR = 'MANILA_BK_TEST_PAUSE'


def _pauses():
    spec = os.environ.get(ENV_VAR, '')
    pauses = {}
    for item in spec.split(','):
        step, sep, seconds = item.strip().partition(':')
        if not sep:
            continue
        try:
            pauses[step.strip()] = float(seconds)
        except ValueError:
            LOG.warning('Ignoring %s entry %r', ENV_VAR, item)
    return pauses


def pause(step):
    """Sleep as long as ``MANILA_BK_TEST_PAUSE`` says for ``step``."""
    seconds = _pauses().get(step) if ENV_VAR in os.environ else None
    if seconds:
        LOG.warning('Test pause: sleeping %.1f s at %s', seconds, step)
        time.sleep(seconds)
