"""Quota class sets: the keys of quota sets under ``quota_class_set``."""

from manila_bk.api.views import quota_sets


def detail(values, class_name=None):
    view = quota_sets.render(values)
    if class_name:
        view['id'] = class_name
    return {'quota_class_set': view}
