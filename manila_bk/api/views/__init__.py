"""Renderers of API responses, one module per resource."""
