"""Share types and extra specs (manila_bk.share.share_types)."""

from manila_bk.db import api as db
from manila_bk import exception
from manila_bk.share import _errors
from manila_bk.share import share_types
from manila_bk.tests import base
from manila_bk.tests.unit.share import api_fakes as fakes


class ExtraSpecsTestCase(base.TestCase):

    def test_normalize_bools_from_json_and_strings(self):
        specs = share_types.normalize_extra_specs(
            {'driver_handles_share_servers': False,
             'snapshot_support': 'true',
             'revert_to_snapshot_support': '<is> True',
             'mount_snapshot_support': 'f',
             'custom': True, 'other': 'value'}, require_dhss=True)
        self.assertEqual({'driver_handles_share_servers': 'False',
                          'snapshot_support': 'True',
                          'revert_to_snapshot_support': 'True',
                          'mount_snapshot_support': 'False',
                          'custom': 'True', 'other': 'value'}, specs)

    def test_normalize_requires_dhss(self):
        self.assertRaises(exception.InvalidExtraSpec,
                          share_types.normalize_extra_specs,
                          {'snapshot_support': 'True'}, require_dhss=True)

    def test_normalize_rejects_bad_values(self):
        for specs in ({'driver_handles_share_servers': 'maybe'},
                      {'snapshot_support': 1},
                      {'k' * 256: 'v'}, {'k': 'v' * 256}, {'k': ''},
                      {'k': 3}, {'replication_type': 'sync'}):
            self.assertRaises(exception.InvalidExtraSpec,
                              share_types.normalize_extra_specs, specs)

    def test_capability_specs_default_false(self):
        caps = share_types.get_capability_specs(
            {'extra_specs': {'snapshot_support': 'True',
                             'revert_to_snapshot_support': 'junk'}})
        self.assertEqual({'snapshot_support': True,
                          'create_share_from_snapshot_support': False,
                          'revert_to_snapshot_support': False,
                          'mount_snapshot_support': False}, caps)
        self.assertFalse(any(share_types.get_capability_specs(None)
                             .values()))


class ShareTypesAPITestCase(base.DBTestCase):

    def setUp(self):
        super().setUp()
        self.api = share_types.API()
        self.user = self.user_context('project-a')

    def test_create_stores_normalized_specs(self):
        share_type = self.api.create(
            self.ctx, 'gold', {'driver_handles_share_servers': False,
                               'snapshot_support': True})
        self.assertEqual({'driver_handles_share_servers': 'False',
                          'snapshot_support': 'True'},
                         share_types.extra_specs_of(share_type))
        self.assertTrue(share_type.is_public)

    def test_create_duplicate_409_and_bad_name_400(self):
        self.api.create(self.ctx, 'gold',
                        {'driver_handles_share_servers': 'False'})
        exc = self.assertRaises(exception.ShareTypeExists, self.api.create,
                                self.ctx, 'gold',
                                {'driver_handles_share_servers': 'False'})
        self.assertEqual(409, exc.code)
        self.assertRaises(exception.InvalidInput, self.api.create, self.ctx,
                          '', {'driver_handles_share_servers': 'False'})

    def test_private_type_visible_with_access_only(self):
        private = self.api.create(self.ctx, 'private',
                                  {'driver_handles_share_servers': 'False'},
                                  is_public=False)
        self.assertRaises(exception.ShareTypeNotFound, self.api.get,
                          self.user, private.id)
        self.assertEqual([], self.api.get_all(self.user))
        self.api.add_access(self.ctx, private.id, 'project-a')
        self.assertEqual(private.id, self.api.get(self.user, 'private').id)
        self.assertEqual([private.id],
                         [t.id for t in self.api.get_all(self.user)])
        self.assertEqual(['project-a'],
                         self.api.access_list(self.ctx, private.id))
        self.api.remove_access(self.ctx, private.id, 'project-a')
        self.assertRaises(exception.ShareTypeAccessNotFound,
                          self.api.remove_access, self.ctx, private.id,
                          'project-a')

    def test_public_type_access_calls_refused(self):
        public = fakes.share_type(self.ctx)
        self.assertRaises(_errors.ShareTypeAccessNotAvailable,
                          self.api.access_list, self.ctx, public.id)
        exc = self.assertRaises(_errors.ShareTypeAccessNotApplicable,
                                self.api.add_access, self.ctx, public.id,
                                'p')
        self.assertEqual(409, exc.code)

    def test_get_all_admin_is_public_filter(self):
        fakes.share_type(self.ctx, name='pub')
        self.api.create(self.ctx, 'priv',
                        {'driver_handles_share_servers': 'False'},
                        is_public=False)

        def names(opts):
            return sorted(t.name for t in self.api.get_all(self.ctx, opts))

        self.assertEqual(['pub'], names({}))
        self.assertEqual(['priv'], names({'is_public': 'false'}))
        self.assertEqual(['priv', 'pub'], names({'is_public': 'all'}))
        self.assertRaises(exception.InvalidInput, names,
                          {'is_public': 'perhaps'})

    def test_get_all_extra_specs_filter(self):
        fakes.share_type(self.ctx, name='snap', snapshot_support=True)
        fakes.share_type(self.ctx, name='nosnap', snapshot_support=False)
        found = self.api.get_all(
            self.user, {'extra_specs': {'snapshot_support': True}})
        self.assertEqual(['snap'], [t.name for t in found])

    def test_update_and_delete(self):
        share_type = fakes.share_type(self.ctx, name='a')
        updated = self.api.update(self.ctx, share_type.id, name='b',
                                  description='d', is_public='false')
        self.assertEqual(('b', 'd', False), (updated.name,
                                             updated.description,
                                             updated.is_public))
        self.assertRaises(exception.InvalidInput, self.api.update, self.ctx,
                          share_type.id)
        fakes.share(self.ctx, share_type_id=share_type.id)
        exc = self.assertRaises(exception.ShareTypeInUse, self.api.delete,
                                self.ctx, share_type.id)
        self.assertEqual(400, exc.code)

    def test_extra_specs_set_get_unset(self):
        share_type = fakes.share_type(self.ctx, name='a',
                                      snapshot_support=True)
        stored = self.api.set_extra_specs(self.ctx, share_type.id,
                                          {'snapshot_support': False,
                                           'foo': 'bar'})
        self.assertEqual({'snapshot_support': 'False', 'foo': 'bar'},
                         stored)
        self.assertEqual({'foo': 'bar'},
                         self.api.get_extra_spec(self.ctx, share_type.id,
                                                 'foo'))
        self.api.unset_extra_spec(self.ctx, share_type.id, 'foo')
        self.assertRaises(exception.ShareTypeExtraSpecsNotFound,
                          self.api.get_extra_spec, self.ctx, share_type.id,
                          'foo')
        exc = self.assertRaises(_errors.ExtraSpecForbidden,
                                self.api.unset_extra_spec, self.ctx,
                                share_type.id,
                                'driver_handles_share_servers')
        self.assertEqual(403, exc.code)

    def test_get_default(self):
        self.assertIsNone(self.api.get_default(self.ctx))
        fakes.share_type(self.ctx, name='default')
        self.assertEqual('default', self.api.get_default(self.ctx).name)
        self.flags(default_share_type='other')
        self.assertIsNone(self.api.get_default(self.ctx))


class EnsureDefaultTypeTestCase(base.DBTestCase):

    def test_creates_with_capabilities_all_pools_have(self):
        pools = [fakes.pool('a'), fakes.pool('b', mount_snapshot_support=True,
                                             revert_to_snapshot_support=False)]
        created = share_types.ensure_default_type(self.ctx, pools)
        specs = share_types.extra_specs_of(created)
        self.assertEqual('default', created.name)
        self.assertEqual({'driver_handles_share_servers': 'False',
                          'snapshot_support': 'True',
                          'create_share_from_snapshot_support': 'True',
                          'revert_to_snapshot_support': 'False',
                          'mount_snapshot_support': 'False'}, specs)

    def test_existing_type_kept(self):
        existing = fakes.share_type(self.ctx, name='default',
                                    snapshot_support=False)
        found = share_types.ensure_default_type(self.ctx, [fakes.pool()])
        self.assertEqual(existing.id, found.id)
        self.assertEqual(1, len(db.share_type_get_all(self.ctx)))

    def test_no_pools_no_capabilities_and_unset_name_none(self):
        created = share_types.ensure_default_type(self.ctx, [])
        self.assertEqual('False', share_types.extra_specs_of(created)[
            'snapshot_support'])
        self.flags(default_share_type='')
        self.assertIsNone(share_types.ensure_default_type(self.ctx, []))
