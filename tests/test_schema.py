import json
import re
from collections import Counter
from datetime import date
from typing import Any

import openapi_spec_validator
import pytest
import yaml
from django.contrib.auth import get_user_model
from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator
from openapi_schema_validator import OAS30Validator
from rest_framework.test import APIClient

from creation.models import CreationUnit, LeadershipGroup
from creation.tests.factories import GroupMemberFactory, minutes_pdf
from dashboard.api.views import PROJECT_EXAMPLE, STATUS_EXAMPLE
from reporting.tests.factories import ObligationFactory
from scoring.tests.factories import AdoptionClaimFactory


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


# --- The contract generated clients rely on ------------------------------------------------------

NAME = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")
METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


@pytest.fixture(scope="module")
def schema(django_db_blocker) -> dict:
    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


def _operations(schema: dict) -> list[tuple[str, str, dict]]:
    return [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def _validator(schema: dict, part: dict) -> OAS30Validator:
    # The part with the components beside it, so that its `$ref`s resolve.
    return OAS30Validator({"components": schema["components"], **part})


def _answer_schema(schema: dict, path: str, code: str = "200") -> dict:
    return schema["paths"][path]["get"]["responses"][code]["content"]["application/json"]["schema"]


def test_openapi_schema_passes_the_openapi_validator(schema):
    validated = json.loads(json.dumps(schema))  # plain values, as a client downloads them
    assert openapi_spec_validator.validate(validated) is None
    assert validated["openapi"].startswith("3.0")


def test_openapi_schema_every_operation_has_a_summary_of_its_own(schema):
    summaries = [operation.get("summary") for _, _, operation in _operations(schema)]
    assert all(summaries), [
        f"{method.upper()} {path}"
        for path, method, operation in _operations(schema)
        if not operation.get("summary")
    ]
    shared = {summary for summary, n in Counter(summaries).items() if n > 1}
    assert shared == set()
    descriptions = Counter(
        op["description"] for _, _, op in _operations(schema) if op.get("description")
    )
    status_list = schema["paths"]["/api/v1/status/"]["get"]["description"]
    assert descriptions[status_list] == 1


def test_openapi_schema_examples_match_their_answer_schema(schema):
    checked = 0
    for path, method, operation in _operations(schema):
        for response in operation.get("responses", {}).values():
            content = response.get("content", {}).get("application/json", {})
            for name, example in content.get("examples", {}).items():
                errors = list(_validator(schema, content["schema"]).iter_errors(example["value"]))
                assert errors == [], (method, path, name, [e.message for e in errors][:3])
                checked += 1
    assert checked >= 3


def test_openapi_schema_component_and_enum_names_are_english_identifiers(schema, client):
    names = set(schema["components"]["schemas"])
    assert {"UnitStatusEnum", "PaginatedUnitStatusList"} <= names
    assert sorted(name for name in names if not NAME.match(name)) == []
    # the schema as served, in the portal's default language (Chinese)
    served = yaml.safe_load(client.get("/api/schema/", HTTP_ACCEPT_LANGUAGE="zh-hans").content)
    assert sorted(name for name in served["components"]["schemas"] if not NAME.match(name)) == []
    assert "UnitKindEnum" in served["components"]["schemas"]


def test_openapi_schema_province_filter_takes_an_id(schema):
    provinces = [
        parameter["schema"]
        for _, _, operation in _operations(schema)
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "query" and parameter["name"] == "province"
    ]
    assert provinces
    assert all(found == {"type": "integer"} for found in provinces), provinces


def test_openapi_schema_request_bodies_state_what_the_server_requires(schema):
    components = schema["components"]["schemas"]
    assert components["DocumentFormatRequest"]["required"] == ["format"]
    assert "default" not in components["DocumentFormatRequest"]["properties"]["format"]
    assert set(components["PublishRequest"]["required"]) == {"number", "published_on"}
    assert "default" not in components["PublishRequest"]["properties"]["number"]


@pytest.mark.parametrize(
    ("component", "field"),
    [
        ("GroupMember", "department_name"),
        ("Obligation", "submission"),
        ("GaugeItem", "override"),
    ],
)
def test_openapi_schema_fields_that_answer_null_are_nullable(schema, component, field):
    part = schema["components"]["schemas"][component]["properties"][field]
    assert list(_validator(schema, part).iter_errors(None)) == []


def test_openapi_schema_blank_claim_link_matches_the_schema(schema):
    part = schema["components"]["schemas"]["AdoptionClaim"]["properties"]["link"]
    assert [e.message for e in _validator(schema, part).iter_errors("")] == []
    assert [e.message for e in _validator(schema, part).iter_errors("https://x.cn/a")] == []


def _real_answer(api_client, user, url: str) -> Any:
    api_client.force_authenticate(user)
    response = api_client.get(url)
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.django_db
def test_openapi_schema_ranking_and_events_are_documented_as_the_arrays_they_answer(
    schema, api_client, world
):
    closed = world.objects["scoring_periods"]["national_closed"]
    for action in ("ranking", "events"):
        path = f"/api/v1/scoring-periods/{{id}}/{action}/"
        documented = _answer_schema(schema, path)
        body = _real_answer(
            api_client, world.users["superuser"], path.replace("{id}", str(closed.pk))
        )
        assert isinstance(body, list)
        assert body, action
        assert documented["type"] == "array"
        errors = [e.message for e in _validator(schema, documented).iter_errors(body)]
        assert errors == [], (action, errors[:3])


@pytest.mark.django_db
def test_openapi_schema_real_answers_with_nulls_match_the_schema(schema, api_client, world):
    root = world.users["superuser"]
    own = world.objects["units"]["own"]
    ObligationFactory(  # not reported yet
        unit=own,
        period_start=date(2031, 1, 1),
        period_end=date(2031, 1, 31),
        period_label="2031-01",
    )
    GroupMemberFactory(
        group=LeadershipGroup.objects.get_or_create(
            unit=own, defaults={"name": "领导小组", "established_on": date(2026, 1, 10)}
        )[0],
        department=None,
    )
    AdoptionClaimFactory(unit=own, link="", scan=minutes_pdf("采用证明.pdf"))  # a scan, no link
    answers = {
        "/api/v1/obligations/": ("submission", None),
        "/api/v1/group-members/": ("department_name", None),
        "/api/v1/adoption-claims/": ("link", ""),
    }
    for path, (field, value) in answers.items():
        body = _real_answer(api_client, root, path)
        assert value in [row[field] for row in body["results"]], path
        errors = [
            e.message for e in _validator(schema, _answer_schema(schema, path)).iter_errors(body)
        ]
        assert errors == [], (path, errors[:3])
    gauges = _real_answer(api_client, root, "/api/v1/veto-gauges/")
    overrides = [item["override"] for row in gauges["results"] for item in row["items"]]
    assert None in overrides
    errors = list(
        _validator(schema, _answer_schema(schema, "/api/v1/veto-gauges/")).iter_errors(gauges)
    )
    assert errors == []


# --- Errors, as generated clients read them ------------------------------------------------------

ERROR_REF = {"$ref": "#/components/schemas/Error"}


def _error_statuses(operation: dict) -> set[str]:
    return {
        status
        for status, response in operation["responses"].items()
        if response.get("content", {}).get("application/json", {}).get("schema") == ERROR_REF
    }


def test_openapi_schema_has_one_error_component(schema):
    error = schema["components"]["schemas"]["Error"]
    assert error["required"] == ["code", "message", "fields"]
    assert error["properties"]["fields"]["additionalProperties"] == {
        "type": "array",
        "items": {"type": "string"},
    }


def test_openapi_schema_every_operation_lists_the_errors_it_can_answer(schema):
    missing = []
    for path, method, operation in _operations(schema):
        expected = {"401", "403", "429", "503"}
        if "{" in path:
            expected.add("404")
        if method in {"post", "put", "patch"}:
            expected |= {"400", "415"}
        if any(p["in"] == "query" for p in operation.get("parameters", [])):
            expected.add("400")
        if not expected <= _error_statuses(operation):
            missing.append((method, path, sorted(expected - _error_statuses(operation))))
    assert missing == []


def test_openapi_schema_conflicts_are_documented_where_services_raise_them(schema):
    conflicting = {
        (path, method)
        for path, method, operation in _operations(schema)
        if "409" in _error_statuses(operation)
    }
    assert conflicting == {
        ("/api/v1/fund-plan-versions/{id}/decide/", "post"),
        ("/api/v1/expenditures/{id}/reverse/", "post"),
        ("/api/v1/adoption-claims/{id}/verify/", "post"),
    }


def test_openapi_schema_descriptions_are_each_operations_own(schema):
    descriptions = [operation.get("description", "") for _, _, operation in _operations(schema)]
    assert all(descriptions)
    assert [d for d, n in Counter(descriptions).items() if n > 1] == []
    # what the building blocks' docstrings tell developers stays out of the docs
    assert not [d for d in descriptions if "Subclasses set" in d or "never override" in d]


def _shape(value: Any) -> Any:
    """The keys of an answer, all the way down (a list by its first item): what a generated
    client relies on, without the values that move with the day."""
    if isinstance(value, dict):
        return {key: _shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_shape(value[0])] if value else []
    return None


@pytest.mark.parametrize("example", [STATUS_EXAMPLE, PROJECT_EXAMPLE], ids=["zone", "project"])
def test_openapi_status_examples_are_answers_of_the_demo_data(demo_data, example):
    unit = CreationUnit.objects.get(name=example["unit"]["name"])
    client = APIClient()
    client.force_authenticate(get_user_model().objects.get(username="api_client"))

    answer = client.get(f"/api/v1/units/{unit.pk}/status/").json()

    assert _shape(answer) == _shape(example)
    identity = ("name", "kind", "status", "start_date")
    assert {key: answer["unit"][key] for key in identity} == {
        key: example["unit"][key] for key in identity
    }
    assert answer["unit"]["province"]["name"] == example["unit"]["province"]["name"]
    assert answer["unit"]["batch"]["programme_name"] == example["unit"]["batch"]["programme_name"]
    assert answer["liaison"]["name"] == example["liaison"]["name"]
    assert [item["item"] for item in answer["veto"]["items"]] == [
        item["item"] for item in example["veto"]["items"]
    ]
