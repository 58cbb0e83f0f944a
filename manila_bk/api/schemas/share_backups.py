"""JSON Schemas of share backup requests.

python-manilaclient sends ``name``, ``description`` and ``backup_options``
as null when they are not given, and ``openstack share backup unset``
sends null to clear them.  Unknown keys are tolerated, as Manila does.
``share`` is the spec's name for ``share_id`` and is accepted too.
"""

_nullable_string = {'type': ['string', 'null'], 'maxLength': 255}
_share_id = {'type': 'string', 'minLength': 1, 'maxLength': 255}

create = {
    'type': 'object',
    'properties': {
        'share_backup': {
            'type': 'object',
            'properties': {
                'share_id': _share_id,
                'share': _share_id,
                'name': _nullable_string,
                'description': _nullable_string,
                'display_name': _nullable_string,
                'display_description': _nullable_string,
                'availability_zone': _nullable_string,
                'backup_options': {
                    'type': ['object', 'null'],
                    'properties': {
                        'backup_type': {'type': ['string', 'null']},
                    },
                    'additionalProperties': True,
                },
            },
            'anyOf': [{'required': ['share_id']}, {'required': ['share']}],
            'additionalProperties': True,
        },
    },
    'required': ['share_backup'],
    'additionalProperties': True,
}

update = {
    'type': 'object',
    'properties': {
        'share_backup': {
            'type': 'object',
            'properties': {
                'name': _nullable_string,
                'description': _nullable_string,
                'display_name': _nullable_string,
                'display_description': _nullable_string,
            },
            'additionalProperties': True,
        },
    },
    'required': ['share_backup'],
    'additionalProperties': True,
}

reset_status = {
    'type': 'object',
    'properties': {
        'status': {'type': 'string', 'minLength': 1},
    },
    'required': ['status'],
    'additionalProperties': True,
}

# {"restore": null} restores to the source share; from 2.91 the value may
# name the target share (a string, or {"share_id": ...}).
restore_target = {
    'anyOf': [
        {'type': 'null'},
        {'type': 'string', 'minLength': 1, 'maxLength': 255},
        {'type': 'object',
         'properties': {
             'share_id': {'type': ['string', 'null']},
             'target_share_id': {'type': ['string', 'null']},
         },
         'additionalProperties': False},
    ],
}
