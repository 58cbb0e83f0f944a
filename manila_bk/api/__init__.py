"""The REST API of manila_bk: a pecan application wire-compatible with
Manila's v2 API (see app.py for how the WSGI stack is put together)."""
