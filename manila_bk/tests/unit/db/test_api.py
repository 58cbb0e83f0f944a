"""Database API behaviour on SQLite (the embedded default)."""

import datetime
import threading

from manila_bk.common import utils
from manila_bk.db import api as db
from manila_bk import exception
from manila_bk.tests import base


def _share_values(**kw):
    values = {'size': 1, 'share_proto': 'NFS', 'status': 'available',
              'project_id': 'project-a', 'user_id': 'user-a'}
    values.update(kw)
    return values


class ShareTestCase(base.DBTestCase):

    def test_share_update_if_wrong_status_changes_nothing(self):
        share = db.share_create(self.ctx, _share_values(status='creating'))
        result = db.share_update_if(self.ctx, share.id, {'status': 'error'},
                                    expected_status=['available'])
        self.assertIsNone(result)
        self.assertEqual('creating', db.share_get(self.ctx, share.id).status)

    def test_share_update_if_expected_status_updates(self):
        share = db.share_create(self.ctx, _share_values())
        result = db.share_update_if(self.ctx, share.id,
                                    {'status': 'snapshotting'},
                                    expected_status=['available'])
        self.assertEqual('snapshotting', result.status)

    def test_share_get_all_user_context_sees_own_project_only(self):
        mine = db.share_create(self.ctx, _share_values())
        db.share_create(self.ctx, _share_values(project_id='project-b'))
        shares = db.share_get_all(self.user_context('project-a'))
        self.assertEqual([mine.id], [s.id for s in shares])

    def test_share_get_other_project_not_found(self):
        other = db.share_create(self.ctx,
                                _share_values(project_id='project-b'))
        self.assertRaises(exception.ShareNotFound, db.share_get,
                          self.user_context('project-a'), other.id,
                          project_only=True)

    def test_share_get_all_marker_pages_without_gaps(self):
        ids = {db.share_create(self.ctx, _share_values()).id
               for _ in range(7)}
        seen, marker = [], None
        while True:
            page = db.share_get_all(self.ctx, limit=3, marker=marker,
                                    sort_keys=['created_at'],
                                    sort_dirs=['asc'])
            if not page:
                break
            seen.extend(s.id for s in page)
            marker = page[-1].id
        self.assertEqual(ids, set(seen))
        self.assertEqual(len(ids), len(seen))

    def test_share_get_all_unknown_sort_key_raises_invalid(self):
        self.assertRaises(exception.InvalidSortKey, db.share_get_all,
                          self.ctx, sort_keys=['no_such_column'])

    def test_share_get_all_unknown_marker_raises_invalid(self):
        self.assertRaises(exception.InvalidMarker, db.share_get_all,
                          self.ctx, marker=utils.generate_uuid())

    def test_share_delete_soft_deletes_and_hides(self):
        share = db.share_create(self.ctx, _share_values(),
                                metadata={'k': 'v'})
        db.share_export_locations_update(self.ctx, share.id,
                                         [{'path': 'h:/p'}])
        db.share_delete(self.ctx, share.id)
        self.assertRaises(exception.ShareNotFound, db.share_get, self.ctx,
                          share.id)
        deleted = db.share_get(self.ctx.with_read_deleted('yes'), share.id)
        self.assertEqual(share.id, deleted.deleted)
        self.assertEqual([], db.share_export_locations_get(self.ctx,
                                                           share.id))

    def test_share_filters_substring_and_metadata(self):
        db.share_create(self.ctx, _share_values(display_name='alpha-one'),
                        metadata={'tier': 'gold'})
        db.share_create(self.ctx, _share_values(display_name='beta'))
        by_name = db.share_get_all(self.ctx, {'display_name~': 'pha'})
        by_meta = db.share_get_all(self.ctx, {'metadata': {'tier': 'gold'}})
        self.assertEqual(['alpha-one'], [s.display_name for s in by_name])
        self.assertEqual(['alpha-one'], [s.display_name for s in by_meta])


class SnapshotTestCase(base.DBTestCase):

    def test_snapshot_create_same_instant_is_strictly_later(self):
        share = db.share_create(self.ctx, _share_values())
        instant = datetime.datetime(2026, 1, 1, 12, 0, 0)
        first = db.share_snapshot_create(self.ctx, {
            'share_id': share.id, 'size': 1, 'share_size': 1,
            'status': 'creating', 'created_at': instant})
        second = db.share_snapshot_create(self.ctx, {
            'share_id': share.id, 'size': 1, 'share_size': 1,
            'status': 'creating', 'created_at': instant})
        self.assertGreater(second.created_at, first.created_at)
        latest = db.share_snapshot_get_latest_for_share(self.ctx, share.id)
        self.assertEqual(second.id, latest.id)

    def test_snapshot_create_concurrent_threads_all_distinct(self):
        share = db.share_create(self.ctx, _share_values())
        errors = []

        def create():
            try:
                for _ in range(5):
                    db.share_snapshot_create(self.ctx, {
                        'share_id': share.id, 'size': 1, 'share_size': 1,
                        'status': 'available'})
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=create) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual([], errors)
        snaps = db.share_snapshot_get_all(self.ctx, {'share_id': share.id})
        stamps = [s.created_at for s in snaps]
        self.assertEqual(20, len(stamps))
        self.assertEqual(20, len(set(stamps)))


class QuotaTestCase(base.DBTestCase):

    def test_quota_usage_change_over_limit_changes_nothing(self):
        db.quota_usage_change(self.ctx, 'p', {'shares': 1, 'gigabytes': 5},
                              {'shares': 10, 'gigabytes': 10})
        self.assertRaises(exception.OverQuota, db.quota_usage_change,
                          self.ctx, 'p', {'shares': 1, 'gigabytes': 6},
                          {'shares': 10, 'gigabytes': 10})
        usages = db.quota_usage_get_all_by_project(self.ctx, 'p')
        self.assertEqual(1, usages['shares']['in_use'])
        self.assertEqual(5, usages['gigabytes']['in_use'])

    def test_quota_usage_change_concurrent_never_exceeds_limit(self):
        accepted = []

        def consume():
            for _ in range(10):
                try:
                    db.quota_usage_change(self.ctx, 'p', {'shares': 1},
                                          {'shares': 15})
                    accepted.append(1)
                except exception.OverQuota:
                    pass

        threads = [threading.Thread(target=consume) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        usages = db.quota_usage_get_all_by_project(self.ctx, 'p')
        self.assertEqual(15, len(accepted))
        self.assertEqual(15, usages['shares']['in_use'])

    def test_quota_usage_release_never_below_zero(self):
        db.quota_usage_change(self.ctx, 'p', {'shares': 1}, {})
        db.quota_usage_change(self.ctx, 'p', {'shares': -3}, {})
        usages = db.quota_usage_get_all_by_project(self.ctx, 'p')
        self.assertEqual(0, usages['shares']['in_use'])


class ShareTypeTestCase(base.DBTestCase):

    def test_share_type_name_reusable_after_delete(self):
        st = db.share_type_create(self.ctx, {'name': 'gold'},
                                  extra_specs={'a': 'b'})
        self.assertRaises(exception.ShareTypeExists, db.share_type_create,
                          self.ctx, {'name': 'gold'})
        db.share_type_destroy(self.ctx, st.id)
        again = db.share_type_create(self.ctx, {'name': 'gold'})
        self.assertNotEqual(st.id, again.id)
        self.assertEqual({}, db.share_type_extra_specs_get(self.ctx,
                                                           again.id))

    def test_share_type_destroy_in_use_refused(self):
        st = db.share_type_create(self.ctx, {'name': 'gold'})
        db.share_create(self.ctx, _share_values(share_type_id=st.id))
        self.assertRaises(exception.ShareTypeInUse, db.share_type_destroy,
                          self.ctx, st.id)

    def test_share_type_private_visible_with_access(self):
        st = db.share_type_create(self.ctx, {'name': 'p', 'is_public': False},
                                  projects=['project-a'])
        visible = db.share_type_get_all(self.ctx, {'is_public': True,
                                                   'project_id': 'project-a'})
        hidden = db.share_type_get_all(self.ctx, {'is_public': True,
                                                  'project_id': 'project-b'})
        self.assertEqual([st.id], [t.id for t in visible])
        self.assertEqual([], hidden)
