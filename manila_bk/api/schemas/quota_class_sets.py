"""Body of ``PUT /quota-class-sets/{class_name}``."""

from manila_bk.api.schemas import quota_sets

update = {
    'type': 'object',
    'properties': {
        'quota_class_set': {
            'type': 'object',
            'properties': {
                'class_name': {'type': 'string'},
                'id': {'type': 'string'},
            },
            'additionalProperties': quota_sets.QUOTA_VALUE,
        },
    },
    'required': ['quota_class_set'],
}
