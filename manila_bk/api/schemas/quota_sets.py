"""Body of ``PUT /quota-sets/{project_id}``.

Limits are integers (or integer strings, as Manila accepts) of -1 or more;
-1 means unlimited.  Unknown keys are reported by the controller with
Manila's "Bad key(s)" message.
"""

QUOTA_VALUE = {
    'oneOf': [
        {'type': 'integer', 'minimum': -1},
        {'type': 'string', 'pattern': r'^\s*(-1|[0-9]+)\s*$'},
        {'type': 'null'},
    ],
}

update = {
    'type': 'object',
    'properties': {
        'quota_set': {
            'type': 'object',
            'properties': {
                'force': {'type': ['boolean', 'string']},
                'tenant_id': {'type': 'string'},
                'id': {'type': 'string'},
                'share_type': {'type': ['string', 'null']},
            },
            'additionalProperties': QUOTA_VALUE,
        },
    },
    'required': ['quota_set'],
}
