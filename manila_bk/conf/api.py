"""Options of the REST API service ([DEFAULT] group, Manila's names)."""

from oslo_config import cfg

opts = [
    cfg.HostAddressOpt('osapi_share_listen',
                       default='0.0.0.0',
                       help='IP address on which the share API listens.'),
    cfg.PortOpt('osapi_share_listen_port',
                default=8786,
                help='TCP port on which the share API listens.'),
    cfg.IntOpt('osapi_share_workers',
               default=1, min=1, max=64,
               help='Number of API worker processes started by '
                    'manila-bk-api; each serves requests with a pool of '
                    'threads.'),
    cfg.IntOpt('osapi_share_threads',
               default=16, min=1, max=1024,
               help='Number of threads each API worker uses to serve '
                    'requests concurrently.'),
    cfg.IntOpt('backlog',
               default=4096, min=1, max=65535,
               help='Number of connections the kernel queues for the '
                    'share API until it accepts them (the listen backlog '
                    'of its socket, capped by net.core.somaxconn). When '
                    'many clients connect at once, connections beyond it '
                    'are dropped or reset.'),
    cfg.StrOpt('auth_strategy',
               default='noauth',
               choices=[('noauth', 'Tokens are "user:project"; no token '
                         'means the admin user of the admin project.'),
                        ('keystone', 'Tokens are validated by Keystone '
                         'through keystonemiddleware.')],
               help='How API requests are authenticated.'),
    cfg.IntOpt('osapi_max_limit',
               default=1000, min=1, max=100000,
               help='Largest number of items a list request returns in one '
                    'response; clients page with limit and marker.'),
    cfg.IntOpt('osapi_max_request_body_size',
               default=114688, min=1024, max=104857600,
               help='Largest accepted request body, in bytes; larger bodies '
                    'get 413.'),
    cfg.StrOpt('osapi_share_base_URL',
               help='Base URL put into links of API responses, for '
                    'deployments behind a proxy. When unset the URL of the '
                    'request is used.'),
]


def register_opts(conf):
    conf.register_opts(opts)


def list_opts():
    return {'DEFAULT': opts}
