"""Celery entry points of funds: thin wrappers around services, passed ids."""
