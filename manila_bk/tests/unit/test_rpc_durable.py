"""RabbitMQ queues are durable by default (rpc.set_driver_defaults).

Regression test (reliability harness, issue #9): a RabbitMQ restart
dropped the share service's non-durable queue with a create_snapshot cast
in it; the snapshot stayed ``creating`` and its share ``snapshotting``
while every service ran on.
"""

import os
from unittest import mock

from oslo_config import cfg

from manila_bk import rpc
from manila_bk.tests import base

URL = 'rabbit://guest:guest@127.0.0.1:1/'


class DurableQueuesTestCase(base.TestCase):

    def _conf(self, extra=''):
        path = os.path.join(self.state_path, 'rpc.conf')
        with open(path, 'w') as f:
            f.write('[DEFAULT]\ntransport_url = %s\n%s' % (URL, extra))
        conf = cfg.ConfigOpts()
        conf(['--config-file', path])
        return conf

    def _init(self, conf):
        rpc.cleanup()
        self.addCleanup(rpc.cleanup)
        with mock.patch.object(rpc, 'CONF', conf):
            rpc.init()
        return conf.oslo_messaging_rabbit.amqp_durable_queues

    def test_rabbit_queues_durable_by_default(self):
        self.assertIs(True, self._init(self._conf()))

    def test_operator_setting_wins(self):
        conf = self._conf('[oslo_messaging_rabbit]\n'
                          'amqp_durable_queues = false\n')
        self.assertIs(False, self._init(conf))

    def test_other_drivers_untouched(self):
        conf = cfg.ConfigOpts()
        conf([])
        rpc.set_driver_defaults(conf)  # no rabbit options: nothing to do
        self.assertNotIn('oslo_messaging_rabbit', conf)
