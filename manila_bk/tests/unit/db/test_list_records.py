"""Share and backup lists as records: what the models' relationships load.

``share_get_all`` and ``share_backup_get_all`` return read-only records
instead of ORM objects (a thousand rows load several times faster); they
must carry the same values, relationships included.
"""

from manila_bk.db import api as db
from manila_bk.db.impl import query as q
from manila_bk.db import models
from manila_bk.tests import base


def _share_values(**kw):
    values = {'size': 1, 'share_proto': 'NFS', 'status': 'available',
              'project_id': 'project-a', 'user_id': 'user-a'}
    values.update(kw)
    return values


def _column_values(obj, model):
    return {name: getattr(obj, name) for name in q.column_names(model)}


class ShareRecordsTestCase(base.DBTestCase):

    def setUp(self):
        super().setUp()
        self.type_id = db.share_type_create(self.ctx, {'name': 'gold'}).id
        self.shares = []
        for index in range(4):
            share = db.share_create(
                self.ctx, _share_values(display_name='s%d' % index,
                                        share_type_id=self.type_id),
                metadata={'k%d' % index: 'v', 'common': str(index)})
            self.shares.append(share)
        first, second = self.shares[0].id, self.shares[1].id
        db.share_export_locations_update(self.ctx, first, [
            {'path': 'h:/b', 'preferred': True},
            {'path': 'h:/admin', 'is_admin_only': True}])
        # Replaced and deleted rows must not show.
        db.share_export_locations_update(self.ctx, first, [
            {'path': 'h:/admin', 'is_admin_only': True}, {'path': 'h:/c'}])
        db.share_metadata_delete(self.ctx, second, 'common')
        self.untyped = db.share_create(self.ctx, _share_values())

    def test_records_match_models_with_relationships(self):
        listed = db.share_get_all(self.ctx)
        self.assertEqual(5, len(listed))
        for record in listed:
            model = db.share_get(self.ctx, record.id)
            self.assertEqual(_column_values(model, models.Share),
                             _column_values(record, models.Share))
            self.assertEqual(record.to_dict(), model.to_dict())
            self.assertEqual(
                [(m.key, m.value) for m in model.share_metadata],
                [(m.key, m.value) for m in record.share_metadata])
            self.assertEqual(
                [(el.path, el.is_admin_only, el.preferred, el.uuid)
                 for el in model.export_locations],
                [(el.path, el.is_admin_only, el.preferred, el.uuid)
                 for el in record.export_locations])
            if model.share_type is None:
                self.assertIsNone(record.share_type)
            else:
                self.assertEqual(model.share_type.name,
                                 record.share_type.name)

    def test_paged_list_has_relationships_of_its_rows_only(self):
        page = db.share_get_all(self.ctx, {'share_type_id': self.type_id},
                                limit=2, offset=1,
                                sort_keys=['display_name'],
                                sort_dirs=['asc'])
        self.assertEqual(['s1', 's2'], [s.display_name for s in page])
        self.assertEqual([{'k1': 'v'}, {'k2': 'v', 'common': '2'}],
                         [{m.key: m.value for m in s.share_metadata}
                          for s in page])

    def test_record_reads_like_a_model(self):
        record = db.share_get_all(self.ctx, {'display_name': 's3'})[0]
        self.assertEqual('s3', record['display_name'])
        self.assertEqual('s3', record.get('display_name'))
        self.assertIsNone(record.get('no_such_column'))
        self.assertEqual(set(q.column_names(models.Share)),
                         set(record.to_dict()))

    def test_empty_list(self):
        self.assertEqual([], db.share_get_all(self.ctx, {'status': 'none'}))


class BackupRecordsTestCase(base.DBTestCase):

    def test_backup_records_match_models(self):
        share = db.share_create(self.ctx, _share_values())
        for index in range(3):
            db.share_backup_create(self.ctx, {
                'share_id': share.id, 'project_id': 'project-a',
                'status': 'available', 'display_name': 'b%d' % index,
                'size': index})
        listed = db.share_backup_get_all(self.ctx)
        self.assertEqual(3, len(listed))
        for record in listed:
            model = db.share_backup_get(self.ctx, record.id)
            self.assertEqual(model.to_dict(), record.to_dict())
