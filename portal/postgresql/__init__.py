"""The portal's PostgreSQL backend: Django's, with the portal's reads prepared on each connection
and a health check that costs no round trip (`base.DatabaseWrapper`). Settings name it for every
PostgreSQL DATABASE_URL."""
