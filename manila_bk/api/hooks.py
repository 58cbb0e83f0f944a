"""Pecan hooks: microversion parsing, version headers, Manila faults.

``on_route`` runs before routing (``before`` does not run when routing
fails), so the microversion is known for every response, including
routing 404/405.  ``on_error`` also sees pecan's own routing errors and
replaces every error page with a Manila fault body.
"""

from oslo_log import log as logging
import pecan
import webob.exc

from manila_bk.api import faults
from manila_bk.api import microversion

LOG = logging.getLogger(__name__)

_V2_PREFIX = '/v2'


def _is_v2(path):
    return path == _V2_PREFIX or path.startswith(_V2_PREFIX + '/')


class MicroversionHook(pecan.hooks.PecanHook):
    """Parse the version headers of /v2 requests and echo them back."""

    priority = 10

    def on_route(self, state):
        request = state.request
        # Manila answers JSON whatever the Accept header says: let pecan
        # pick each controller's own content type instead of a 406.
        request.environ['HTTP_ACCEPT'] = '*/*'
        if _is_v2(request.path_info):
            version, experimental = microversion.parse_request(
                request.headers)
            microversion.set_request_version(request.environ, version,
                                             experimental)

    def after(self, state):
        version, experimental = microversion.environ_version(
            state.request.environ)
        if version is None or state.response is None:
            return
        for key, value in microversion.response_headers(
                version, experimental).items():
            state.response.headers[key] = value


def _is_argument_mismatch(exc):
    """True for a TypeError raised by pecan calling the controller itself.

    pecan routes ``PUT /v2/services`` to ``put(self, action)`` without the
    argument; Python then refuses the call before any controller code runs,
    so the innermost frame is pecan's.  That is a path naming nothing.
    """
    if not isinstance(exc, TypeError) or exc.__traceback__ is None:
        return False
    frame = exc.__traceback__
    while frame.tb_next is not None:
        frame = frame.tb_next
    return frame.tb_frame.f_code.co_name == 'invoke_controller'


class FaultHook(pecan.hooks.PecanHook):
    """Render every error raised while serving a request as a fault."""

    priority = 20

    def on_error(self, state, exc):
        if _is_argument_mismatch(exc):
            return faults.fault_response(404)
        if isinstance(exc, webob.exc.HTTPMethodNotAllowed):
            if state.request.method in ('GET', 'HEAD'):
                # Every resource can be read: a refused GET is a path
                # that names nothing (pecan says 405 for extra segments).
                return faults.fault_response(404)
            return faults.fault_response(
                405, 'The method %s is not allowed for this resource.'
                     % state.request.method)
        return faults.from_exception(exc)


class AccessLogHook(pecan.hooks.PecanHook):
    """One INFO line per request, like Manila's API log."""

    priority = 100

    def after(self, state):
        if state.response is None:
            return
        LOG.info('%(method)s %(url)s returned with HTTP %(status)d',
                 {'method': state.request.method,
                  'url': state.request.path_qs,
                  'status': state.response.status_int})


def all_hooks():
    return [MicroversionHook(), FaultHook(), AccessLogHook()]
