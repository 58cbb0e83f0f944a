"""WSGI entry points for web servers (uwsgi, mod_wsgi, gunicorn)."""
