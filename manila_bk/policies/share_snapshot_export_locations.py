"""Policies of the share snapshot export locations API."""

from manila_bk.policies import base

rules = [
    base.rule('share_snapshot_export_location:index',
              base.ADMIN_OR_PROJECT_READER,
              'List the export locations of a share snapshot.',
              [('GET', '/snapshots/{snapshot_id}/export-locations')]),
    base.rule('share_snapshot_export_location:show',
              base.ADMIN_OR_PROJECT_READER,
              'Show an export location of a share snapshot.',
              [('GET', '/snapshots/{snapshot_id}/export-locations/'
                       '{export_location_id}')]),
]


def list_rules():
    return rules
