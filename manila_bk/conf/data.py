"""Options of the data service: the backup back end and how it works.

``enabled_backup_backend`` names the manila.conf section holding the backup
driver's options (see ``conf/backup.py``).  The other options bound how long
the data service waits for the share service and how often it writes
progress.  ``test_only_progress_delay`` exists for the functional tests,
which need a backup or restore to be slow enough to kill mid-way.
"""

from oslo_config import cfg

opts = [
    cfg.StrOpt('enabled_backup_backend',
               help='Name of the manila.conf section configuring the one '
                    'backup back end of the data service (the section holds '
                    'backup_driver and its options). Unset means share '
                    'backups are disabled, except under manila-bk-all, '
                    'which enables an nfs back end writing to '
                    '$state_path/backups.'),
    cfg.IntOpt('data_access_timeout',
               default=60, min=1, max=3600,
               help='Seconds the data service waits for the share service to '
                    'apply (before a backup or restore) or remove (after '
                    'it) the data node\'s temporary access rule. A rule not '
                    'applied in time fails the operation; a rule not '
                    'removed in time stays queued for removal and is '
                    'checked again periodically and at start-up.'),
    cfg.IntOpt('backup_snapshot_timeout',
               default=600, min=1, max=86400,
               help='Seconds the data service waits for the share service to '
                    'take the temporary snapshot of a backup made with '
                    'backup_from_snapshot, and at most to delete it '
                    'afterwards. A snapshot not taken in time fails the '
                    'backup; one not deleted in time is deleted later by '
                    'the share service, which removes every temporary '
                    'snapshot whose backup is no longer creating.'),
    cfg.FloatOpt('backup_progress_interval',
                 default=2.0, min=0.0, max=600.0,
                 help='Minimum seconds between two writes of a backup\'s '
                      'progress or restore_progress to the database.'),
    cfg.IntOpt('backup_unclaimed_timeout',
               default=600, min=30, max=86400,
               help='Seconds a backup may stay "creating" without any data '
                    'service taking it (the request was lost, or no data '
                    'service with a backup back end is running) before a '
                    'data service sets it to error and frees its share.'),
    cfg.IntOpt('backup_reconcile_grace',
               default=60, min=0, max=86400,
               help='Seconds a share must have been in backup_creating or '
                    'backup_restoring, with no backup operation left that '
                    'explains it, before reconciliation frees it. Protects '
                    'requests the API is still in the middle of.'),
    cfg.IntOpt('restore_share_ready_timeout',
               default=600, min=1, max=86400,
               help='Seconds the data service waits for the share service '
                    'to get the target of a restore ready: to create a '
                    'share created from a backup, or to extend a share '
                    'smaller than the backup to the backup\'s size. A '
                    'share not ready in time is not restored: the backup '
                    'is available again and the project gets a user '
                    'message.'),
    cfg.BoolOpt('backup_incremental_compare_content',
                default=False,
                help='Whether an incremental backup also reads every file '
                     'whose size, times, inode, mode and owner equal the '
                     'parent backup\'s record and compares its checksum '
                     'before hard-linking it from the parent. Off (the '
                     'default), unchanged files are never read; on, changes '
                     'that keep all metadata (times set back on purpose) are '
                     'caught too, at the cost of reading the whole share. '
                     'The backup back end\'s section may set it too, which '
                     'wins over [DEFAULT].'),
    cfg.IntOpt('backup_verify_interval',
               default=0, min=0,
               help='Seconds between two passes in which the data service '
                    're-reads every available backup it made and checks it '
                    'against its manifest; a damaged backup is set to '
                    'error with a user message. 0 (the default) disables '
                    'the periodic check; "manila-bk-manage backup verify" '
                    'checks one backup on demand.'),
    cfg.IntOpt('backup_retention_interval',
               default=300, min=0, max=86400,
               help='Seconds between two passes in which a data service '
                    'with a backup back end applies the share backup '
                    'retention policies set with "manila-bk-manage backup '
                    'retention set": it requests the scheduled backups '
                    'that are due and deletes the backups the policies no '
                    'longer keep. 0 disables retention on this data '
                    'service. The passes also depend on '
                    'periodic_interval, which bounds how often they can '
                    'run.'),
    cfg.IntOpt('backup_schedule_min_interval',
               default=900, min=1, max=86400,
               help='Smallest number of seconds between two scheduled '
                    'backups that a retention policy may ask for '
                    '(--every-hours, which accepts fractions of an hour); '
                    'shorter intervals are refused when the policy is set '
                    'and raised to this value when it is applied. Lower it '
                    'only for tests.'),
    cfg.FloatOpt('test_only_progress_delay',
                 default=0.0, min=0.0, max=60.0, advanced=True,
                 help='FOR TESTS ONLY: seconds the data service sleeps each '
                      'time a backup or restore reports progress, so tests '
                      'can interrupt one mid-way. Never set it in '
                      'production.'),
]


def register_opts(conf):
    conf.register_opts(opts)


def list_opts():
    return {'DEFAULT': opts}
