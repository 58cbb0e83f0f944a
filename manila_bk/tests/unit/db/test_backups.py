"""manila_bk.db.impl.backups on SQLite: CRUD, visibility, CAS, paging."""

import datetime

from manila_bk.common import utils
from manila_bk.db import api as db
from manila_bk import exception
from manila_bk.tests import base

SHARE_A = '11111111-1111-4111-8111-111111111111'
SHARE_B = '22222222-2222-4222-8222-222222222222'
T0 = datetime.datetime(2024, 1, 1, 12, 0, 0)


def _values(**kw):
    values = {'share_id': SHARE_A, 'project_id': 'project-a',
              'user_id': 'user-a', 'status': 'available', 'size': 1,
              'display_name': 'b', 'display_description': 'd',
              'topic': 'manila-bk-data', 'availability_zone': 'nova'}
    values.update(kw)
    return values


class BackupDBTestCase(base.DBTestCase):

    def make(self, **kw):
        return db.share_backup_create(self.ctx, _values(**kw))


class CreateGetTestCase(BackupDBTestCase):

    def test_create_generates_id_and_returns_row(self):
        backup = self.make(progress='0', backup_type='full')
        self.assertTrue(utils.is_uuid_like(backup.id))
        got = db.share_backup_get(self.ctx, backup.id)
        self.assertEqual(('available', 1, '0', 'full', 'nova'),
                         (got.status, got.size, got.progress,
                          got.backup_type, got.availability_zone))
        self.assertIsNotNone(got.created_at)

    def test_create_keeps_given_id(self):
        backup = self.make(id=SHARE_B)
        self.assertEqual(SHARE_B, backup.id)

    def test_get_missing_raises_404(self):
        exc = self.assertRaises(exception.ShareBackupNotFound,
                                db.share_backup_get, self.ctx, SHARE_B)
        self.assertEqual(404, exc.code)

    def test_get_project_only_hides_other_projects(self):
        backup = self.make(project_id='project-b')
        user = self.user_context('project-a')
        self.assertRaises(exception.ShareBackupNotFound,
                          db.share_backup_get, user, backup.id,
                          project_only=True)
        # Without project_only (the services' reads) the row is found.
        self.assertEqual(backup.id,
                         db.share_backup_get(user, backup.id).id)
        self.assertEqual(backup.id, db.share_backup_get(
            self.ctx, backup.id, project_only=True).id)


class CountDeleteTestCase(BackupDBTestCase):

    def test_count_counts_live_backups_of_every_project(self):
        self.make()
        self.make(project_id='project-b', status='error')
        self.make(share_id=SHARE_B)
        gone = self.make()
        db.share_backup_delete(self.ctx, gone.id)
        user = self.user_context('project-a')
        self.assertEqual(2, db.share_backup_count(user, SHARE_A))
        self.assertEqual(0, db.share_backup_count(user, 'no-such-share'))

    def test_delete_is_soft_and_hides_the_row(self):
        backup = self.make()
        db.share_backup_delete(self.ctx, backup.id)
        self.assertRaises(exception.ShareBackupNotFound,
                          db.share_backup_get, self.ctx, backup.id)
        self.assertEqual([], db.share_backup_get_all(self.ctx))
        self.ctx.read_deleted = 'yes'
        row = db.share_backup_get(self.ctx, backup.id)
        self.assertEqual('deleted', row.status)
        self.assertEqual(backup.id, row.deleted)
        self.assertIsNotNone(row.deleted_at)


class UpdateTestCase(BackupDBTestCase):

    def test_update_changes_values(self):
        backup = self.make()
        updated = db.share_backup_update(self.ctx, backup.id,
                                         {'display_name': 'new',
                                          'progress': '50'})
        self.assertEqual(('new', '50'), (updated.display_name,
                                         updated.progress))

    def test_update_missing_raises_404(self):
        self.assertRaises(exception.ShareBackupNotFound,
                          db.share_backup_update, self.ctx, SHARE_B,
                          {'status': 'error'})

    def test_update_if_expected_status_updates(self):
        backup = self.make()
        result = db.share_backup_update_if(
            self.ctx, backup.id, {'status': 'deleting'},
            expected_status=['available', 'error'])
        self.assertEqual('deleting', result.status)

    def test_update_if_other_status_changes_nothing(self):
        backup = self.make(status='creating')
        result = db.share_backup_update_if(
            self.ctx, backup.id, {'status': 'deleting'},
            expected_status=['available', 'error'])
        self.assertIsNone(result)
        self.assertEqual('creating',
                         db.share_backup_get(self.ctx, backup.id).status)

    def test_update_if_deleted_row_is_none(self):
        backup = self.make()
        db.share_backup_delete(self.ctx, backup.id)
        self.assertIsNone(db.share_backup_update_if(
            self.ctx, backup.id, {'status': 'error'},
            expected_status=['deleted', 'available']))


class ListTestCase(BackupDBTestCase):

    def setUp(self):
        super().setUp()
        self.rows = [
            self.make(display_name='alpha', display_description='first',
                      status='available', size=3,
                      created_at=T0 + datetime.timedelta(seconds=1)),
            self.make(display_name='beta', display_description='second',
                      status='error', size=1, share_id=SHARE_B,
                      created_at=T0 + datetime.timedelta(seconds=2)),
            self.make(display_name='alphabet', display_description='third',
                      status='creating', size=2, project_id='project-b',
                      created_at=T0 + datetime.timedelta(seconds=3)),
        ]

    def names(self, backups):
        return [b.display_name for b in backups]

    def test_default_order_is_newest_first(self):
        self.assertEqual(['alphabet', 'beta', 'alpha'],
                         self.names(db.share_backup_get_all(self.ctx)))

    def test_user_context_sees_own_project_only(self):
        user = self.user_context('project-a')
        self.assertEqual(['beta', 'alpha'],
                         self.names(db.share_backup_get_all(user)))
        self.assertEqual(3, len(db.share_backup_get_all(
            user, project_only=False)))

    def test_exact_and_substring_filters(self):
        get = db.share_backup_get_all
        self.assertEqual(['alpha'], self.names(get(
            self.ctx, filters={'display_name': 'alpha'})))
        self.assertEqual(['alphabet', 'alpha'], self.names(get(
            self.ctx, filters={'display_name~': 'lpha'})))
        self.assertEqual(['beta'], self.names(get(
            self.ctx, filters={'display_description~': 'sec'})))
        self.assertEqual(['beta'], self.names(get(
            self.ctx, filters={'share_id': SHARE_B})))
        self.assertEqual(['alphabet', 'beta'], self.names(get(
            self.ctx, filters={'status': ['error', 'creating']})))
        self.assertEqual(['alphabet'], self.names(get(
            self.ctx, filters={'project_id': 'project-b'})))
        self.assertEqual([], get(self.ctx, filters={'display_name~': '%'}))

    def test_unknown_filter_is_ignored(self):
        self.assertEqual(3, len(db.share_backup_get_all(
            self.ctx, filters={'bogus': 'x'})))

    def test_sort_keys_and_dirs(self):
        get = db.share_backup_get_all
        self.assertEqual(['beta', 'alphabet', 'alpha'], self.names(get(
            self.ctx, sort_keys=['size'], sort_dirs=['asc'])))
        self.assertEqual(['alpha', 'alphabet', 'beta'], self.names(get(
            self.ctx, sort_keys=['display_name'], sort_dirs=['asc'])))

    def test_bad_sort_key_and_marker_are_400(self):
        self.assertRaises(exception.InvalidSortKey, db.share_backup_get_all,
                          self.ctx, sort_keys=['nope'])
        self.assertRaises(exception.InvalidMarker, db.share_backup_get_all,
                          self.ctx, marker=SHARE_B)

    def test_limit_offset_and_marker_walk_every_row_once(self):
        page1 = db.share_backup_get_all(self.ctx, limit=2)
        self.assertEqual(['alphabet', 'beta'], self.names(page1))
        page2 = db.share_backup_get_all(self.ctx, limit=2,
                                        marker=page1[-1].id)
        self.assertEqual(['alpha'], self.names(page2))
        self.assertEqual(['beta'], self.names(db.share_backup_get_all(
            self.ctx, limit=1, offset=1)))

    def test_marker_with_equal_sort_values_uses_id_tiebreak(self):
        for _ in range(4):
            self.make(size=7, created_at=T0)
        seen = []
        marker = None
        while True:
            page = db.share_backup_get_all(
                self.ctx, filters={'size': 7}, limit=1, marker=marker,
                sort_keys=['size'], sort_dirs=['asc'])
            if not page:
                break
            seen.append(page[0].id)
            marker = page[0].id
        self.assertEqual(4, len(seen))
        self.assertEqual(4, len(set(seen)))


class ByHostLatestTestCase(BackupDBTestCase):

    def test_get_all_by_host_filters_host_and_status(self):
        creating = self.make(host='data1', status='creating',
                             created_at=T0)
        self.make(host='data1', status='available',
                  created_at=T0 + datetime.timedelta(seconds=1))
        self.make(host='data2', status='creating')
        gone = self.make(host='data1', status='creating')
        db.share_backup_delete(self.ctx, gone.id)
        rows = db.share_backup_get_all_by_host(self.ctx, 'data1')
        self.assertEqual(2, len(rows))
        self.assertEqual(creating.id, rows[0].id)
        rows = db.share_backup_get_all_by_host(self.ctx, 'data1',
                                               statuses=['creating'])
        self.assertEqual([creating.id], [r.id for r in rows])

    def test_latest_available_is_newest_available_of_the_share(self):
        self.assertIsNone(db.share_backup_get_latest_available(
            self.ctx, SHARE_A))
        older = self.make(created_at=T0)
        newer = self.make(created_at=T0 + datetime.timedelta(seconds=5))
        self.make(status='error',
                  created_at=T0 + datetime.timedelta(seconds=9))
        self.make(share_id=SHARE_B,
                  created_at=T0 + datetime.timedelta(seconds=9))
        self.assertEqual(newer.id, db.share_backup_get_latest_available(
            self.ctx, SHARE_A).id)
        db.share_backup_delete(self.ctx, newer.id)
        self.assertEqual(older.id, db.share_backup_get_latest_available(
            self.ctx, SHARE_A).id)
