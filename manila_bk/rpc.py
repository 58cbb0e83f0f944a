"""oslo.messaging plumbing: one transport per process, context serializer.

Casts carry ids and small values; receivers re-read the database.
``fake://`` carries RPC between services inside one process
(manila-bk-all, unit tests); separate processes use RabbitMQ.
"""

import threading

from oslo_config import cfg
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
            transport = messaging.get_rpc_transport(CONF)
            set_driver_defaults(CONF)
            _TRANSPORT = transport
    return _TRANSPORT


def set_driver_defaults(conf):
    """Defaults manila_bk gives the RabbitMQ driver's options.

    Called once the transport registered them and before it connects.
    Every request is a cast, and a cast whose queue vanished is lost with
    its record left in a transitional status.  Durable queues (and the
    persistent messages oslo.messaging then sends) survive a broker
    restart, and a cast sent while a service is still reconnecting after
    one lands in the queue instead of being dropped.
    """
    try:
        conf.set_default('amqp_durable_queues', True,
                         group='oslo_messaging_rabbit')
    except (cfg.NoSuchOptError, cfg.NoSuchGroupError):
        pass  # another driver (fake:// in one process)


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
