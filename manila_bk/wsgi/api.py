"""The WSGI application of manila-bk-api for uwsgi, mod_wsgi, gunicorn.

``application`` is built on its first request, so importing this module
reads no configuration; ``init_application()`` (the ``manila-bk-wsgi``
script of pbr) builds it at once.  Configuration files: the colon-separated
list in ``MANILA_BK_CONFIG_FILES`` when set, else the usual manila.conf
locations (``~/.manila_bk/manila.conf``, ``/etc/manila_bk/manila.conf``...).
"""

import os
import threading

from oslo_config import cfg
from oslo_log import log as logging

from manila_bk.api import app
from manila_bk import conf as manila_conf

CONF = manila_conf.CONF
CONFIG_FILES_ENV = 'MANILA_BK_CONFIG_FILES'

_LOCK = threading.Lock()
_APP = None


def _config_files():
    listed = os.environ.get(CONFIG_FILES_ENV)
    if listed:
        return [path for path in listed.split(':') if path]
    return cfg.find_config_files(project='manila_bk', prog='manila')


def _configure():
    try:
        logging.register_options(CONF)
    except cfg.ArgsAlreadyParsedError:
        # Configured before in this process (embedded use, tests): the
        # logging options are registered already.
        pass
    CONF([], project='manila_bk', prog='manila-bk-api',
         default_config_files=_config_files())
    logging.setup(CONF, 'manila_bk')


def init_application():
    """Read the configuration, set up logging, return the WSGI app."""
    global _APP
    with _LOCK:
        if _APP is None:
            _configure()
            _APP = app.setup_app(CONF)
        return _APP


def application(environ, start_response):
    """The module-level WSGI callable; builds the app on first use."""
    return init_application()(environ, start_response)
