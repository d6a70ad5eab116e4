import pytest
import yaml
from django.core.management import call_command


@pytest.mark.django_db
def test_openapi_schema_generates_without_warnings(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(target))
    schema = yaml.safe_load(target.read_text())
    assert "/api/v1/units/" in schema["paths"]
    assert "/api/v1/units/{id}/" in schema["paths"]
    parameters = {p["name"] for p in schema["paths"]["/api/v1/units/"]["get"]["parameters"]}
    assert {"batch", "province", "kind", "status", "page"} <= parameters
    assert "tokenAuth" in schema["components"]["securitySchemes"]


@pytest.mark.django_db
def test_swagger_ui_is_served_without_outside_network(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page
    assert "cdn.jsdelivr" not in page
