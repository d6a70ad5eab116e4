"""Celery entry points of creation: thin wrappers around services, passed ids."""
