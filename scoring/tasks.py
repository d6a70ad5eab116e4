"""Celery entry points of scoring: thin wrappers around services, passed ids."""
