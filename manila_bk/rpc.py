"""oslo.messaging plumbing: one transport per process, context serializer.

Casts carry ids and small values; receivers re-read the database.
``fake://`` carries RPC between services inside one process
(manila-bk-all, unit tests); separate processes use RabbitMQ.
"""

import threading

import oslo_messaging as messaging
from oslo_serialization import jsonutils

from manila_bk import conf
from manila_bk import context as ctx_module

CONF = conf.CONF

_LOCK = threading.Lock()
_TRANSPORT = None


class RequestContextSerializer(messaging.Serializer):
    """Carries a manila_bk RequestContext across RPC."""

    def __init__(self):
        self._base = messaging.JsonPayloadSerializer()

    def serialize_entity(self, context, entity):
        return jsonutils.to_primitive(entity, convert_instances=True)

    def deserialize_entity(self, context, entity):
        return entity

    def serialize_context(self, context):
        return context.to_dict()

    def deserialize_context(self, context):
        return ctx_module.RequestContext.from_dict(context)


def init():
    """Create the process's RPC transport (idempotent)."""
    global _TRANSPORT
    with _LOCK:
        if _TRANSPORT is None:
            _TRANSPORT = messaging.get_rpc_transport(CONF)
    return _TRANSPORT


def cleanup():
    global _TRANSPORT
    with _LOCK:
        transport, _TRANSPORT = _TRANSPORT, None
    if transport is not None:
        transport.cleanup()


def get_client(target, version_cap=None):
    return messaging.get_rpc_client(init(), target, version_cap=version_cap,
                                    serializer=RequestContextSerializer())


def get_server(target, endpoints):
    return messaging.get_rpc_server(
        init(), target, endpoints, serializer=RequestContextSerializer(),
        access_policy=messaging.DefaultRPCAccessPolicy)


def server_for_host(host):
    """RPC server of a share host: ``host@backend#pool`` is host@backend."""
    return host.split('#', 1)[0] if host else host
