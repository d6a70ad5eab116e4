"""REST API of scoring (serializers, filters, views, urls), mounted under /api/v1/."""
