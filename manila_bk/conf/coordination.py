"""[coordination] options: distributed locks through tooz."""

from oslo_config import cfg

GROUP = 'coordination'

opts = [
    cfg.StrOpt('backend_url',
               secret=True,
               help='URL of the tooz coordination back end (for example '
                    'redis://127.0.0.1:6379). When set, per-share locks '
                    '(snapshot create and delete, revert, backup) are tooz '
                    'locks shared by every node; when unset they are '
                    'oslo.concurrency file locks under lock_path, which '
                    'exclude only processes on one host.'),
    cfg.IntOpt('lock_acquire_timeout',
               default=60, min=1, max=3600,
               help='Seconds to wait for a per-share lock before the '
                    'request fails with 409 (share busy).'),
]


def register_opts(conf):
    conf.register_opts(opts, group=GROUP)


def list_opts():
    return {GROUP: opts}
