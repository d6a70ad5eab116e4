"""The portal's PostgreSQL backend: Django's, with a health check that costs no round trip
(`base.DatabaseWrapper.is_usable`). Settings name it for every PostgreSQL DATABASE_URL."""
