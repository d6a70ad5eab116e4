from pathlib import Path

import yaml

BASE_DIR = Path(__file__).resolve().parent.parent


def test_docker_compose_names_the_production_services_with_health_checks():
    compose = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"postgres", "redis", "web", "worker", "beat"}
    for name, service in services.items():
        assert "healthcheck" in service, name
    assert {"postgres-data", "redis-data", "media"} <= set(compose["volumes"])
    assert "gunicorn" in (BASE_DIR / "Dockerfile").read_text()
    assert "celery" in services["worker"]["command"]
    assert "beat" in services["beat"]["command"]
    assert services["web"]["env_file"] == ".env"


def test_env_example_sets_every_production_variable():
    names = {
        line.split("=", 1)[0]
        for line in (BASE_DIR / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    }
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS", "EMAIL_URL"} <= names
