"""Bodies of ``PUT /services/enable`` and ``PUT /services/disable``."""

update = {
    'type': 'object',
    'properties': {
        'host': {'type': 'string', 'minLength': 1, 'maxLength': 255},
        'binary': {'type': 'string', 'minLength': 1, 'maxLength': 255},
        'disabled_reason': {'type': 'string', 'maxLength': 255},
    },
    'required': ['host', 'binary'],
}
