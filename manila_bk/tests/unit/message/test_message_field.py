"""Fixed texts of user messages (manila_bk.message.message_field)."""

import testtools

from manila_bk import exception
from manila_bk.message import message_field as mf


class MessageFieldTestCase(testtools.TestCase):

    def test_ids_unique(self):
        for group in (mf.Action.ALL, mf.Detail.ALL):
            ids = [item[0] for item in group]
            self.assertEqual(len(ids), len(set(ids)))

    def test_manila_ids_keep_manila_meaning(self):
        self.assertEqual(('002', 'create'), mf.Action.CREATE)
        self.assertEqual(('006', 'revert to snapshot'),
                         mf.Action.REVERT_TO_SNAPSHOT)
        self.assertEqual('002', mf.Detail.NO_VALID_HOST[0])
        self.assertEqual('024', mf.Detail.NO_DEFAULT_SHARE_TYPE[0])
        self.assertTrue(all(int(i[0]) >= 100 for i in (
            mf.Action.CREATE_BACKUP, mf.Detail.DRIVER_FAILED_REVERT)))

    def test_user_message(self):
        self.assertEqual(
            'create: ' + mf.Detail.NO_VALID_HOST[1],
            mf.user_message('002', mf.Detail.NO_VALID_HOST))
        self.assertEqual('unknown action: An unknown error occurred.',
                         mf.user_message('999', '999'))

    def test_detail_for_exception(self):
        exc = exception.NoValidHost(reason='x')
        self.assertEqual('002', mf.detail_for_exception(exc))
        exc.detail_id = '009'
        self.assertEqual('009', mf.detail_for_exception(exc))
        self.assertEqual('001', mf.detail_for_exception(ValueError()))
        self.assertEqual('001', mf.detail_for_exception(None))
