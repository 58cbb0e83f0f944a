"""The WSGI application of manila-bk-api.

The stack, outermost first::

    FaultWrapper        Manila fault bodies for anything raised outside
                        pecan; rewrites foreign error bodies (keystone 401)
    RequestId           x-openstack-request-id and x-compute-request-id
    BodySizeLimit       413 overLimit above osapi_max_request_body_size
    TextGuard           400 for a URL or JSON body that is not valid text
    PathDispatcher      / (version discovery) and /healthcheck
                        (oslo.middleware) skip authentication
    auth                noauth or keystonemiddleware + context
    EmptyOk             keeps a bodiless 200 a 200 (pecan makes it 204)
    pecan               RootController with the hooks of hooks.py
"""

from urllib import parse

from oslo_config import cfg
from oslo_middleware import healthcheck
from oslo_middleware import request_id
from oslo_middleware import sizelimit
from oslo_serialization import jsonutils
import pecan
import webob.dec

from manila_bk.api import auth
from manila_bk.api import common
from manila_bk.api.controllers import root
from manila_bk.api import faults
from manila_bk.api import hooks

CONF = cfg.CONF


class JsonRenderer(object):
    """pecan's 'json' template rendered with oslo.serialization.

    Datetimes come out as Manila prints them (``2015-09-07T14:50:38.000000``)
    and None renders no body at all.
    """

    def __init__(self, path, extra_vars):
        pass

    def render(self, template_path, namespace):
        if namespace is None:
            return ''
        # Views build fresh trees of dicts and lists, never a cycle; not
        # tracking every container saves a tenth of the encoding time of
        # a long list.
        return jsonutils.dumps(namespace, check_circular=False)


class RequestId(request_id.RequestId):
    """oslo.middleware's request id, also under Manila's compat header."""

    compat_headers = ['x-compute-request-id']


class BodySizeLimit(object):
    """Refuse request bodies larger than ``limit`` bytes with a 413."""

    def __init__(self, application, limit):
        self.application = application
        self.limit = limit

    @webob.dec.wsgify
    def __call__(self, req):
        if req.content_length is not None and req.content_length > self.limit:
            return faults.fault_response(
                413, 'Request is too large. Larger than %d bytes.'
                     % self.limit)
        if req.content_length is None and req.is_body_readable:
            # A body without a length (chunked) is cut off while read.
            req.environ['wsgi.input'] = sizelimit.LimitingReader(
                req.environ['wsgi.input'], self.limit)
            req.is_body_seekable = False
        return req.get_response(self.application)


# Bodies pecan decodes by itself before any controller runs.
JSON_CONTENT_TYPES = ('application/json', 'application/javascript')
DECODED_CONTENT_TYPES = JSON_CONTENT_TYPES + (
    'application/x-www-form-urlencoded',)


def _is_text(raw, encoding='utf-8'):
    try:
        raw.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _is_sane_body(req):
    if not _is_text(req.body, req.charset or 'utf-8'):
        return False
    if req.content_type in JSON_CONTENT_TYPES:
        try:
            jsonutils.loads(req.body)
        except RecursionError:
            return False
        except (ValueError, TypeError):
            pass  # the controller answers "cannot understand JSON"
    return True


class TextGuard(object):
    """400 for a URL or body that does not decode or nests too deeply.

    A URL holding NUL is refused too: no id or name holds one.

    webob decodes them lazily: when that fails inside pecan, pecan logs a
    traceback and answers a bare 400 (a RecursionError from the JSON
    parser even becomes a 500), and outside pecan the WSGI server answers
    a plain-text 500.  Checking first gives Manila's fault body.
    """

    def __init__(self, application):
        self.application = application

    @webob.dec.wsgify
    def __call__(self, req):
        path = req.environ.get('PATH_INFO', '')
        query = req.environ.get('QUERY_STRING', '')
        parts = [parse.unquote_to_bytes(part)
                 for part in query.replace('+', ' ').split('&')]
        # NUL: no id or name holds one, and PostgreSQL refuses it in text.
        if not _is_text(path.encode('latin-1')) or '\x00' in path or \
                not all(_is_text(part) and b'\x00' not in part
                        for part in parts):
            return faults.fault_response(400, 'Malformed request url')
        if (req.content_type in DECODED_CONTENT_TYPES
                and req.is_body_readable and not _is_sane_body(req)):
            return faults.fault_response(400, 'Malformed request body')
        return req.get_response(self.application)


class PathDispatcher(object):
    """Version discovery (``/``) and the health check are public."""

    def __init__(self, public_app, protected_app, healthcheck_app):
        self.public_app = public_app
        self.protected_app = protected_app
        self.healthcheck_app = healthcheck_app

    def __call__(self, environ, start_response):
        path = environ.get('PATH_INFO', '')
        if path in ('', '/'):
            return self.public_app(environ, start_response)
        if path.rstrip('/') == faults.HEALTHCHECK_PATH:
            return self.healthcheck_app(environ, start_response)
        return self.protected_app(environ, start_response)


class EmptyOk(object):
    """Keep a bodiless 200 a 200.

    pecan turns every 200 without a body into a 204; Manila answers 200
    (metadata item delete, restore of a share not in the recycle bin) and
    clients may check the exact code.  Controllers mark such answers with
    ``common.empty_response(200)``.
    """

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        def start(status, headers, exc_info=None):
            if status.startswith('204') and environ.get(common.ENV_EMPTY_OK):
                status = '200 OK'
                headers = [h for h in headers
                           if h[0].lower() != 'content-length']
                headers.append(('Content-Length', '0'))
            return start_response(status, headers, exc_info)
        return self.application(environ, start)


def make_pecan_app():
    """The bare pecan application (no authentication, no middleware)."""
    return pecan.make_app(
        root.RootController(),
        hooks=hooks.all_hooks(),
        force_canonical=False,
        guess_content_type_from_ext=False,
        custom_renderers={'json': JsonRenderer},
        wrap_app=EmptyOk,
        debug=False)


def setup_app(conf=None):
    """Build the complete WSGI application from ``conf`` (cfg.CONF)."""
    conf = conf or CONF
    pecan_app = make_pecan_app()
    app = PathDispatcher(pecan_app, auth.pipeline(pecan_app, conf),
                         healthcheck.Healthcheck(None, conf))
    app = BodySizeLimit(TextGuard(app), conf.osapi_max_request_body_size)
    app = RequestId(app)
    return faults.FaultWrapper(app)
