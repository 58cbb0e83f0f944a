"""Manila-shaped error responses.

Every error leaves the API as ``{"<faultName>": {"code": N, "message":
"..."}}`` with the fault names of Manila (itemNotFound, badRequest,
forbidden, conflictingRequest, overLimit + retryAfter, badMethod,
notAcceptable, computeFault for 5xx...).  Unexpected exceptions become a
500 computeFault with a generic message; the traceback goes to the log only.
"""

from oslo_log import log as logging
from oslo_serialization import jsonutils
import webob
import webob.dec
import webob.exc

from manila_bk import exception

LOG = logging.getLogger(__name__)

HEALTHCHECK_PATH = '/healthcheck'
GENERIC_500 = ('The server has either erred or is incapable of performing '
               'the requested operation.')
_DEFAULT_MESSAGES = {
    400: 'Bad request.',
    401: 'The request you have made requires authentication.',
    403: 'Access was denied to this resource.',
    404: 'The resource could not be found.',
    405: 'The method is not allowed for the requested URL.',
    406: 'The requested API version or media type is not acceptable.',
    409: 'There was a conflict when trying to complete your request.',
    413: 'Request is too large.',
    415: 'The request media type is not supported.',
    501: 'Not implemented.',
    503: 'The service is unavailable at this time.',
}


def fault_response(code, message=None, headers=None):
    """A webob.Response holding a Manila fault body."""
    code = int(code)
    if not message:
        message = _DEFAULT_MESSAGES.get(code, GENERIC_500)
    name = exception.fault_name(code)
    fault = {'code': code, 'message': str(message)}
    headers = dict(headers or {})
    if code == 413 and headers.get('Retry-After') is not None:
        fault['retryAfter'] = str(headers['Retry-After'])
    response = webob.Response(status=code,
                              content_type='application/json',
                              charset='utf-8')
    response.text = jsonutils.dumps({name: fault})
    for key, value in headers.items():
        response.headers[key] = str(value)
    return response


def _webob_message(exc):
    detail = getattr(exc, 'detail', None) or getattr(exc, 'explanation', '')
    return detail or _DEFAULT_MESSAGES.get(exc.code)


def _webob_headers(exc):
    keep = ('Retry-After', 'Allow', 'WWW-Authenticate', 'Location')
    return {key: exc.headers[key] for key in keep if key in exc.headers}


def from_exception(exc):
    """Turn any exception into a Manila fault response."""
    if isinstance(exc, exception.ManilaBkException):
        code = exc.code if 400 <= int(exc.code) < 600 else 500
        if code >= 500 and not exc.safe:
            LOG.error('API request failed: %s', exc, exc_info=exc)
            return fault_response(code, GENERIC_500)
        if code >= 500:
            LOG.error('API request failed: %s', exc)
        return fault_response(code, exc.msg, getattr(exc, 'headers', None))
    if isinstance(exc, webob.exc.HTTPException):
        if exc.code < 400:
            return exc  # redirects and the like are responses already
        if exc.code >= 500:
            LOG.error('API request failed: %s', exc)
        return fault_response(exc.code, _webob_message(exc),
                              _webob_headers(exc))
    LOG.error('Unexpected error while serving an API request',
              exc_info=exc)
    return fault_response(500, GENERIC_500)


def _json_body(response):
    if response.content_type != 'application/json':
        return None
    try:
        body = jsonutils.loads(response.body)
    except (ValueError, TypeError):
        return None
    return body if isinstance(body, dict) else None


def _foreign_message(body):
    """Message of a foreign JSON error body (keystonemiddleware, pecan)."""
    if not body:
        return None
    error = body.get('error')
    if isinstance(error, dict):
        return error.get('message') or error.get('title')
    return body.get('description') or body.get('message')


def normalize(response):
    """Rewrite error responses that did not come from our fault code."""
    if response.status_int < 400:
        return response
    body = _json_body(response)
    if body and exception.fault_name(response.status_int) in body:
        return response
    keep = ('www-authenticate', 'retry-after', 'allow',
            'x-openstack-request-id', 'x-compute-request-id')
    headers = {key: value for key, value in response.headers.items()
               if key.lower() in keep}
    return fault_response(response.status_int, _foreign_message(body),
                          headers)


class FaultWrapper(object):
    """Outermost WSGI layer: nothing leaves without a Manila fault body.

    Catches exceptions raised by middleware outside pecan (whose own hook
    renders faults of the application) and rewrites foreign error bodies,
    e.g. keystonemiddleware's ``{"error": ...}`` 401.
    """

    def __init__(self, application):
        self.application = application

    @webob.dec.wsgify
    def __call__(self, req):
        try:
            response = req.get_response(self.application)
        except Exception as exc:  # noqa: B902 - last line of defence
            response = from_exception(exc)
            _add_request_id(req, response)
            return response
        # The raw path: req.path_info raises for bytes that are not UTF-8.
        if req.environ.get('PATH_INFO', '').startswith(HEALTHCHECK_PATH):
            return response
        return normalize(response)


def _add_request_id(req, response):
    request_id = req.environ.get('openstack.request_id')
    if request_id:
        for header in ('x-openstack-request-id', 'x-compute-request-id'):
            if header not in response.headers:
                response.headers[header] = request_id
