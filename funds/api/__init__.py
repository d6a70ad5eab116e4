"""REST API of funds (serializers, filters, views, urls), mounted under /api/v1/."""
