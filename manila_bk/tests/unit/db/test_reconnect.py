"""A database call whose connection was lost is retried (db/reconnect.py).

Regression test (reliability harness, issue #9): a MariaDB restart in the
middle of a backup made the flow's final status update raise
``DBConnectionError``; the job died and the backup stayed ``creating``
(its share ``backup_creating``) until the data service was restarted.
"""

from oslo_db import exception as db_exc
from oslo_db import options as db_options

from manila_bk.conf import opts as conf_opts
from manila_bk.db import api as db
from manila_bk.db import reconnect
from manila_bk.db import session as db_session
from manila_bk.tests import base


class _Flaky:
    """Raises DBConnectionError ``failures`` times, then returns 'done'."""

    __name__ = 'flaky'

    def __init__(self, failures):
        self.failures = failures
        self.calls = 0

    def __call__(self, context, *args, **kwargs):
        self.calls += 1
        if self.calls <= self.failures:
            raise db_exc.DBConnectionError(ConnectionRefusedError(111))
        return 'done'


class ReconnectTestCase(base.DBTestCase):

    def setUp(self):
        super().setUp()
        self.flags(use_db_reconnect=True, db_retry_interval=1,
                   db_max_retry_interval=4, db_max_retries=5,
                   group='database')
        self.slept = []

    def wrap(self, fn):
        return reconnect.reconnecting(fn, sleep=self.slept.append)

    def test_every_db_api_function_retries(self):
        plain = [name for name, value in vars(db).items()
                 if callable(value) and not name.startswith('_') and
                 not isinstance(value, type) and
                 not getattr(value, reconnect.MARK, False)]
        self.assertEqual(['db_sync', 'db_version'], sorted(plain))

    def test_lost_connection_retried_with_growing_interval(self):
        flaky = _Flaky(failures=4)
        self.assertEqual('done', self.wrap(flaky)(self.ctx))
        self.assertEqual(5, flaky.calls)
        self.assertEqual([1, 2, 4, 4], self.slept)

    def test_gives_up_after_db_max_retries(self):
        flaky = _Flaky(failures=10)
        self.assertRaises(db_exc.DBConnectionError, self.wrap(flaky),
                          self.ctx)
        self.assertEqual(6, flaky.calls)

    def test_other_errors_not_retried(self):
        calls = []

        def broken(context):
            calls.append(1)
            raise db_exc.DBDeadlock()

        self.assertRaises(db_exc.DBDeadlock, self.wrap(broken), self.ctx)
        self.assertEqual(1, len(calls))

    def test_off_when_use_db_reconnect_is_false(self):
        self.flags(use_db_reconnect=False, group='database')
        flaky = _Flaky(failures=1)
        self.assertRaises(db_exc.DBConnectionError, self.wrap(flaky),
                          self.ctx)
        self.assertEqual(1, flaky.calls)

    def test_not_retried_inside_an_outer_transaction(self):
        flaky = _Flaky(failures=1)
        with db_session.writer(self.ctx):
            self.assertRaises(db_exc.DBConnectionError, self.wrap(flaky),
                              self.ctx)
        self.assertEqual(1, flaky.calls)
        # The outermost call is retried.
        self.assertEqual('done', self.wrap(flaky)(self.ctx))

    def test_real_function_unchanged(self):
        share = db.share_create(self.ctx, {
            'size': 1, 'share_proto': 'NFS', 'status': 'available',
            'project_id': 'p', 'user_id': 'u'})
        self.assertEqual('available',
                         db.share_update_if(self.ctx, share.id,
                                            {'status': 'available'},
                                            ['available']).status)

    def test_services_default_to_reconnecting(self):
        conf_opts.set_defaults()
        opt = [o for o in db_options.database_opts
               if o.name == 'use_db_reconnect'][0]
        self.assertIs(True, opt.default)
