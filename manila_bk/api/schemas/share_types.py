"""JSON Schemas of share type requests, and Manila's extra spec names.

Extra spec values may be JSON booleans or strings (python-manilaclient sends
"True"; other clients send true); the controller checks the values of the
standard boolean specs and of ``driver_handles_share_servers`` in code, as
Manila does.
"""

DHSS = 'driver_handles_share_servers'
SNAPSHOT_SUPPORT = 'snapshot_support'

REQUIRED_SPECS = (DHSS,)

BOOLEAN_SPECS = (
    DHSS,
    SNAPSHOT_SUPPORT,
    'create_share_from_snapshot_support',
    'revert_to_snapshot_support',
    'mount_snapshot_support',
    'mount_point_name_support',
)

OPTIONAL_SPECS = (
    SNAPSHOT_SUPPORT,
    'create_share_from_snapshot_support',
    'revert_to_snapshot_support',
    'replication_type',
    'mount_snapshot_support',
    'mount_point_name_support',
    'availability_zones',
    'encryption_support',
    'provisioning:max_share_size',
    'provisioning:min_share_size',
    'provisioning:max_share_extend_size',
    'provisioning:mount_point_prefix',
    'default_qos_type',
)

TENANT_VISIBLE_SPECS = REQUIRED_SPECS + OPTIONAL_SPECS

# Shown to non-admins (>= 2.24) when the type does not set them.
INFERRED_OPTIONAL_SPECS = {
    SNAPSHOT_SUPPORT: False,
    'create_share_from_snapshot_support': False,
    'revert_to_snapshot_support': False,
    'mount_snapshot_support': False,
}

KEY_PATTERN = r'^[\w.:-]+$'

spec_value = {
    'oneOf': [
        {'type': 'boolean'},
        {'type': 'string', 'minLength': 1, 'maxLength': 255},
    ],
}

extra_specs = {
    'type': 'object',
    'additionalProperties': spec_value,
    'propertyNames': {'minLength': 1, 'maxLength': 255},
}

_is_public = {'type': ['boolean', 'string']}

_type_fields = {
    'type': 'object',
    'properties': {
        'name': {'type': 'string', 'maxLength': 255},
        'description': {'type': ['string', 'null'], 'maxLength': 255},
        'extra_specs': extra_specs,
        'share_type_access:is_public': _is_public,
        'os-share-type-access:is_public': _is_public,
    },
    'additionalProperties': True,
}

create_type = dict(_type_fields, required=['name'])
update_type = _type_fields

# {"share_type": {...}} or, as Manila still accepts, {"volume_type": {...}}
create = {
    'type': 'object',
    'properties': {'share_type': create_type, 'volume_type': create_type},
    'minProperties': 1,
    'additionalProperties': True,
}

update = {
    'type': 'object',
    'properties': {'share_type': update_type, 'volume_type': update_type},
    'minProperties': 1,
    'additionalProperties': True,
}

extra_specs_body = {
    'type': 'object',
    'properties': {'extra_specs': extra_specs},
    'required': ['extra_specs'],
    'additionalProperties': True,
}

# PUT /types/{id}/extra_specs/{key} with {"<key>": value}
extra_spec_item = {
    'type': 'object',
    'additionalProperties': spec_value,
    'minProperties': 1,
    'maxProperties': 1,
}

project_access = {
    'type': 'object',
    'properties': {'project': {'type': 'string', 'minLength': 1}},
    'required': ['project'],
    'additionalProperties': True,
}
