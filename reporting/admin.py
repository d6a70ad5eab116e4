"""Admin of reporting: models register with portal.admin.ScopedModelAdmin so that lists stay scoped."""
