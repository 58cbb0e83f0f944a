"""Options of the [DEFAULT] group shared by every service."""

import os
import socket

from oslo_config import cfg

opts = [
    cfg.StrOpt('state_path',
               default=os.path.join(os.path.expanduser('~'), '.manila_bk',
                                    'state'),
               sample_default='~/.manila_bk/state',
               help='Top-level directory for the state manila_bk keeps on '
                    'this host: the embedded SQLite database, the local '
                    'share root and lock files all live below it unless '
                    'configured elsewhere.'),
    cfg.StrOpt('host',
               default=socket.gethostname(),
               sample_default='<hostname>',
               help='Name of this node, used in service records, in share '
                    'and backup host fields and as the RPC server name. It '
                    'must be unique among the nodes of a deployment.'),
    cfg.StrOpt('storage_availability_zone',
               default='nova',
               help='Availability zone of this node, reported for its '
                    'services and given to shares and backups it serves.'),
    cfg.IntOpt('report_interval',
               default=10, min=1, max=3600,
               help='Seconds between two heartbeats a service writes into '
                    'the services table.'),
    cfg.IntOpt('service_down_time',
               default=60, min=1, max=86400,
               help='Seconds after the last heartbeat when a service is '
                    'considered down; it must be larger than '
                    'report_interval.'),
    cfg.IntOpt('periodic_interval',
               default=60, min=1, max=86400,
               help='Seconds between runs of the periodic tasks of the share '
                    'and data services (capability reports, cleanups).'),
    cfg.IntOpt('max_concurrent_jobs',
               default=4, min=1, max=256,
               help='Maximum number of long-running jobs (share creation, '
                    'snapshots, reverts, backups, restores) one service runs '
                    'at the same time; more jobs wait in a queue.'),
    cfg.IntOpt('graceful_shutdown_timeout',
               default=60, min=0, max=3600,
               help='Seconds a stopping service waits for running jobs to '
                    'finish after SIGTERM before it exits anyway; jobs cut '
                    'short are reconciled at the next start.'),
    cfg.StrOpt('share_topic', default='manila-bk-share',
               help='RPC topic the share services listen on.'),
    cfg.StrOpt('data_topic', default='manila-bk-data',
               help='RPC topic the data services listen on.'),
    cfg.IntOpt('message_ttl', default=2592000, min=60,
               help='Seconds a user message is kept before the message '
                    'reaper deletes it (default 30 days).'),
]


def register_opts(conf):
    conf.register_opts(opts)


def list_opts():
    return {'DEFAULT': opts}
