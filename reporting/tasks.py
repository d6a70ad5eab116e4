"""Celery entry points of reporting: thin wrappers around services, passed ids."""
