"""REST API of reporting (serializers, filters, views, urls), mounted under /api/v1/."""
