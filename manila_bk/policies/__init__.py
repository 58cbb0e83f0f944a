"""Policy rules in code, one module per resource.

``list_rules()`` is the ``oslo.policy.policies`` entry point used by
``oslopolicy-sample-generator`` and by the enforcer.
"""

import itertools

from manila_bk.policies import availability_zones
from manila_bk.policies import base
from manila_bk.policies import messages
from manila_bk.policies import quota_class_sets
from manila_bk.policies import quota_sets
from manila_bk.policies import scheduler_stats
from manila_bk.policies import services
from manila_bk.policies import share_access
from manila_bk.policies import share_backups
from manila_bk.policies import share_export_locations
from manila_bk.policies import share_snapshot_export_locations
from manila_bk.policies import share_snapshots
from manila_bk.policies import share_types
from manila_bk.policies import share_types_extra_specs
from manila_bk.policies import shares

_MODULES = (base, shares, share_access, share_export_locations,
            share_snapshots, share_snapshot_export_locations, share_types,
            share_types_extra_specs, share_backups, quota_sets,
            quota_class_sets, availability_zones, services,
            scheduler_stats, messages)


def list_rules():
    return list(itertools.chain.from_iterable(
        module.list_rules() for module in _MODULES))
