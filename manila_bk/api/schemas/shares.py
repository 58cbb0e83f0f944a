"""JSON Schemas of share requests (create, update, actions, metadata).

Like Manila, the objects inside a request body tolerate unknown keys
(``additionalProperties`` is true there: clients such as python-manilaclient
send keys from newer microversions); an action body must hold exactly one
action key.  Values whose syntax Manila checks in code (sizes given as
numeric strings, booleans given as "True", access rules) are checked by the
controllers after the schema.

``source_backup_id`` in a share create body is manila_bk's own extension
(honoured from 2.80, where share backups begin): the new share is created
from that backup, and ``size`` may then be left out.
"""

NAME_MAX = 255

nullable_string = {'type': ['string', 'null'], 'maxLength': NAME_MAX}

# An integer, or a string of digits (python-manilaclient sends both).
integer_like = {
    'type': ['integer', 'string'],
    'pattern': '^[0-9]+$',
    'minimum': 0,
}

# A JSON boolean or a string that oslo's bool_from_string understands;
# the controllers parse it strictly.
bool_like = {'type': ['boolean', 'string', 'null']}

metadata = {
    'type': ['object', 'null'],
    'additionalProperties': {'type': 'string', 'minLength': 1,
                             'maxLength': 1023},
    'propertyNames': {'minLength': 1, 'maxLength': 255},
}

create = {
    'type': 'object',
    'properties': {
        'share': {
            'type': 'object',
            'properties': {
                'share_proto': {'type': 'string', 'minLength': 1,
                                'maxLength': NAME_MAX},
                'size': integer_like,
                'name': nullable_string,
                'description': nullable_string,
                'display_name': nullable_string,
                'display_description': nullable_string,
                'share_type': nullable_string,
                'volume_type': nullable_string,
                'availability_zone': nullable_string,
                'metadata': metadata,
                'is_public': bool_like,
                'snapshot_id': nullable_string,
                'share_network_id': nullable_string,
                'share_group_id': nullable_string,
                'scheduler_hints': {'type': ['object', 'null']},
                'mount_point_name': nullable_string,
                'encryption_key_ref': nullable_string,
                'source_backup_id': {'type': ['string', 'null'],
                                     'minLength': 1, 'maxLength': 36},
            },
            'required': ['share_proto'],
            # "size" may be left out only when a backup gives it.
            'if': {'properties': {'source_backup_id': {'type': 'string'}},
                   'required': ['source_backup_id']},
            'else': {'required': ['size']},
            'additionalProperties': True,
        },
    },
    'required': ['share'],
    'additionalProperties': True,
}

update = {
    'type': 'object',
    'properties': {
        'share': {
            'type': 'object',
            'properties': {
                'display_name': nullable_string,
                'display_description': nullable_string,
                'name': nullable_string,
                'description': nullable_string,
                'is_public': bool_like,
            },
            'additionalProperties': True,
        },
    },
    'required': ['share'],
    'additionalProperties': True,
}


resize = {
    'type': 'object',
    'properties': {'new_size': integer_like, 'force': bool_like},
    'required': ['new_size'],
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

reset_task_state = {
    'type': 'object',
    'properties': {
        'task_state': {'type': ['string', 'null']},
        'os-task_state': {'type': ['string', 'null']},
    },
    'additionalProperties': True,
}

revert = {
    'type': 'object',
    'properties': {'snapshot_id': {'type': 'string', 'minLength': 1}},
    'required': ['snapshot_id'],
    'additionalProperties': True,
}

allow_access = {
    'type': 'object',
    'properties': {
        'access_type': {'type': 'string', 'minLength': 1},
        'access_to': {'type': 'string'},
        'access_level': {'type': ['string', 'null'],
                         'enum': ['rw', 'ro', None]},
        'metadata': metadata,
        'lock_visibility': bool_like,
        'lock_deletion': bool_like,
        'lock_reason': nullable_string,
    },
    'required': ['access_type', 'access_to'],
    'additionalProperties': True,
}

deny_access = {
    'type': 'object',
    'properties': {'access_id': {'type': 'string', 'minLength': 1}},
    'required': ['access_id'],
    'additionalProperties': True,
}

metadata_body = {
    'type': 'object',
    'properties': {'metadata': dict(metadata, type='object')},
    'required': ['metadata'],
    'additionalProperties': True,
}

meta_item_body = {
    'type': 'object',
    'properties': {'meta': dict(metadata, type='object',
                                minProperties=1, maxProperties=1)},
    'required': ['meta'],
    'additionalProperties': True,
}
