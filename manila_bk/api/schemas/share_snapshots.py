"""JSON Schemas of share snapshot requests.

As for shares, unknown keys inside the "snapshot" object are tolerated
(Manila ignores them); ``force`` may be a JSON boolean or a string.
"""

_nullable_string = {'type': ['string', 'null'], 'maxLength': 255}

create = {
    'type': 'object',
    'properties': {
        'snapshot': {
            'type': 'object',
            'properties': {
                'share_id': {'type': 'string', 'minLength': 1,
                             'maxLength': 36},
                'force': {'type': ['boolean', 'string', 'null']},
                'name': _nullable_string,
                'description': _nullable_string,
                'display_name': _nullable_string,
                'display_description': _nullable_string,
                'metadata': {'type': ['object', 'null'],
                             'additionalProperties': {'type': 'string'}},
            },
            'required': ['share_id'],
            'additionalProperties': True,
        },
    },
    'required': ['snapshot'],
    'additionalProperties': True,
}

update = {
    'type': 'object',
    'properties': {
        'snapshot': {
            'type': 'object',
            'properties': {
                'display_name': _nullable_string,
                'display_description': _nullable_string,
                'name': _nullable_string,
                'description': _nullable_string,
            },
            'additionalProperties': True,
        },
    },
    'required': ['snapshot'],
    'additionalProperties': True,
}

reset_status = {
    'type': 'object',
    'properties': {
        'status': {'type': 'string'},
        'os-status': {'type': 'string'},
    },
    'additionalProperties': True,
}
