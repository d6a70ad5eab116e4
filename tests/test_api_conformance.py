"""The API answers what its OpenAPI schema says, as third-party tools read it: schemathesis runs
every GET operation with a read-only API token on the demo data, in its examples, coverage and
fuzzing phases, with the checks that the answer is no server error and that its status, content
type and body are the documented ones. Operations on `/{id}/` aim at a real object the token
sees, so that the bodies checked are real rows, not only 404s.

And openapi-python-client, a client generator, reads the schema without a single warning.

Bounded and deterministic: `CONFORMANCE_EXAMPLES` fuzzing cases per operation, and the first
`CONFORMANCE_COVERAGE` of the coverage phase's fixed cases (it makes dozens per operation, one
per boundary of each parameter: all of them took ten minutes), derandomized: about 40 s."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from django.db import transaction
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from schemathesis.checks import not_a_server_error
from schemathesis.generation.hypothesis.builder import (
    HypothesisTestConfig,
    HypothesisTestMode,
    create_test,
)
from schemathesis.generation.overrides import Override
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from creation.models import RoleAssignment
from portal.pagination import Pagination
from tests.test_api_fuzz import _keeping_the_connection

EXAMPLES = int(os.environ.get("CONFORMANCE_EXAMPLES", "2"))
COVERAGE = int(os.environ.get("CONFORMANCE_COVERAGE", "3"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
MODES = [HypothesisTestMode.EXAMPLES, HypothesisTestMode.COVERAGE, HypothesisTestMode.FUZZING]


def _read_only_token() -> Token:
    client = RoleAssignment.objects.filter(role=RoleAssignment.Role.API_CLIENT).first()
    assert client is not None, "the demo data has an API client account"
    return Token.objects.get_or_create(user=client.user)[0]


def _real_id(token: Token, path: str) -> Any:
    client = APIClient()
    client.force_authenticate(token.user, token)
    response = client.get(path.split("{id}")[0], {"page_size": 1})
    if response.status_code != 200:
        return None
    body = response.json()
    rows = body.get("results", body) if isinstance(body, dict) else body
    return rows[0]["id"] if rows and isinstance(rows[0], dict) and "id" in rows[0] else None


def _check(operation: Any, project: Any, headers: dict, real_id: Any, counts: Counter) -> list[str]:
    """The operation's cases; each failure described once."""
    failures: dict[str, str] = {}
    coverage_cases = 0

    def run(case: Any) -> None:
        nonlocal coverage_cases
        if case.meta and case.meta.phase.name == "coverage":
            coverage_cases += 1
            if coverage_cases > COVERAGE:
                return
        counts[case.meta.phase.name if case.meta else "explicit"] += 1
        with _keeping_the_connection(), transaction.atomic():
            try:
                response = case.call(headers=headers)
            finally:
                transaction.set_rollback(True)
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (AssertionError, BaseExceptionGroup) as failed:  # the failed checks
            for failure in getattr(failed, "exceptions", [failed]):
                title = getattr(failure, "title", type(failure).__name__)
                failures.setdefault(
                    title,
                    f"{operation.method.upper()} {operation.path}: {title} "
                    f"({response.status_code})\n  {case.as_curl_command(headers=headers)}\n"
                    f"  {str(failure)[:600]}",
                )

    test = create_test(
        operation=operation,
        test_func=run,
        config=HypothesisTestConfig(
            project=project,
            modes=MODES,
            settings=settings(
                max_examples=EXAMPLES,
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=list(HealthCheck),
            ),
            override=Override(path_parameters={"id": str(real_id)} if real_id else {}),
        ),
    )
    test()
    return list(failures.values())


@pytest.mark.django_db
def test_api_get_operations_conform_to_the_schema(demo_data, monkeypatch):
    # Pages of a few rows: each row is checked like fifty would be, at a tenth of the cost.
    monkeypatch.setattr(Pagination, "page_size", 5)
    document = SchemaGenerator().get_schema(request=None, public=True)
    schema = schemathesis.openapi.from_dict(document)
    schema.app = get_wsgi_application()
    token = _read_only_token()
    headers = {"Authorization": f"Token {token.key}"}
    failures: list[str] = []
    operations = 0
    counts: Counter = Counter()
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.method.upper() != "GET":
            continue
        operations += 1
        real_id = _real_id(token, operation.path) if "{id}" in operation.path else None
        failures += _check(operation, schema.config, headers, real_id, counts)
    assert operations > 100
    # every phase ran: the schema's examples, the coverage cases, the fuzzed ones
    assert counts["examples"] > 0, counts
    assert counts["coverage"] >= operations, counts
    assert counts["fuzzing"] >= operations, counts
    assert failures == [], f"{len(failures)} failures:\n" + "\n".join(failures)


@pytest.mark.django_db
def test_openapi_python_client_generates_a_client_without_warnings(tmp_path):
    generator = Path(sys.executable).parent / "openapi-python-client"
    if not generator.exists():
        pytest.skip("openapi-python-client is not installed")
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--file", str(target))
    # the generator formats its output with ruff, installed next to it
    env = {**os.environ, "PATH": f"{generator.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    assert shutil.which("ruff", path=env["PATH"])
    done = subprocess.run(
        [
            str(generator),
            "generate",
            "--path",
            str(target),
            "--output-path",
            str(tmp_path / "client"),
            "--overwrite",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "warning" not in output.lower(), output
    assert (tmp_path / "client" / "pyproject.toml").exists(), output
