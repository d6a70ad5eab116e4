"""Admin of funds: models register with portal.admin.ScopedModelAdmin so that lists stay scoped."""
