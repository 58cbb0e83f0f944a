"""Pecan controllers: root.py (versions), v2/ (one module per resource)."""
