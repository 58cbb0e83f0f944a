"""Insert share and backup rows into a deployment's database.

Run as a child process, so that each deployment's database gets its own
oslo.config and enginefacade::

    python -m benchmarks.seed_db --config-file manila.conf \\
        --shares 1000 --backups 1000 --project bench

The first row of each kind goes through ``manila_bk.db.api``
(``share_create``, ``share_backup_create``), which checks the values are
what the services write; the rest are the same models added through the
same enginefacade writer, 1,000 rows per transaction, because one
``share_create`` per row costs about 20 ms on SQLite (10,000 rows would
take minutes to insert).  The counts are totals: rows already in the
project are kept and only the missing ones added.  Prints one JSON line
with the counts and seconds.
"""

import argparse
import json
import sys
import time

PROG = 'manila-bk-bench-seed'


def _share_type_id(db, ctx):
    for share_type in db.share_type_get_all(ctx):
        return share_type.id
    return db.share_type_create(ctx, {'name': 'default'}).id


def _share_values(project, index, type_id):
    return {'user_id': 'bench', 'project_id': project,
            'display_name': 'bench-share-%05d' % index,
            'display_description': 'benchmark row', 'size': 1,
            'share_proto': 'NFS', 'share_type_id': type_id,
            'status': 'available', 'is_public': False,
            'host': 'bench@local#pool', 'availability_zone': 'nova'}


def _backup_values(project, index, share_id):
    return {'share_id': share_id, 'user_id': 'bench',
            'project_id': project, 'status': 'available', 'size': 1,
            'display_name': 'bench-backup-%05d' % index,
            'display_description': 'benchmark row',
            'availability_zone': 'nova', 'topic': 'manila-bk-data',
            'progress': '100', 'restore_progress': '0',
            'backup_type': 'full', 'host': 'bench@nfs'}


def _bulk(ctx, model, rows, batch=1000):
    """Add ``rows`` (dicts) as ``model``s; returns their ids."""
    from manila_bk.common import utils
    from manila_bk.db import session as db_session
    ids = []
    for first in range(0, len(rows), batch):
        with db_session.writer(ctx) as session:
            for values in rows[first:first + batch]:
                values = dict(values, id=utils.generate_uuid())
                session.add(model(**values))
                ids.append(values['id'])
    return ids


def seed(project, n_shares, n_backups):
    from manila_bk import context
    from manila_bk.db import api as db
    from manila_bk.db import models
    ctx = context.get_admin_context()
    type_id = _share_type_id(db, ctx)
    filters = {'project_id': project}
    shares = [s.id for s in db.share_get_all(ctx, filters,
                                             project_only=False)]
    start = time.perf_counter()
    if len(shares) < n_shares:
        shares.append(db.share_create(
            ctx, _share_values(project, len(shares), type_id)).id)
    shares += _bulk(ctx, models.Share, [
        _share_values(project, index, type_id)
        for index in range(len(shares), n_shares)])
    share_s = time.perf_counter() - start
    have = len(db.share_backup_get_all(ctx, filters, project_only=False))
    start = time.perf_counter()
    if have < n_backups:
        db.share_backup_create(ctx, _backup_values(project, have,
                                                   shares[0]))
    _bulk(ctx, models.ShareBackup, [
        _backup_values(project, index, shares[index % len(shares)])
        for index in range(have + 1, n_backups)])
    return {'shares': len(shares), 'backups': max(have, n_backups),
            'share_seconds': share_s,
            'backup_seconds': time.perf_counter() - start}


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument('--config-file', required=True)
    parser.add_argument('--shares', type=int, default=0)
    parser.add_argument('--backups', type=int, default=0)
    parser.add_argument('--project', default='bench')
    args = parser.parse_args(argv)
    from manila_bk.cmd import common
    common.parse_args([PROG, '--config-file', args.config_file], PROG)
    print(json.dumps(seed(args.project, args.shares, args.backups)),
          flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
