"""Security headers on pages and API responses, and the production settings' cookies and HTTPS."""

from __future__ import annotations

import importlib
import re
import string
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from rest_framework.authtoken.models import Token

ROOT = Path(__file__).resolve().parent.parent
EXPECTED = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def _assert_headers(response) -> None:
    for name, value in EXPECTED.items():
        assert response[name] == value, name
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy
    assert "camera=()" in response["Permissions-Policy"]


@pytest.mark.django_db
def test_headers_on_the_login_page(client):
    _assert_headers(client.get("/accounts/login/"))


def test_headers_on_a_signed_in_page(world, client):
    client.force_login(world.users["unit_staff"])
    response = client.get("/")  # the work queue, a page rendered for this user alone
    assert response.status_code == 200
    assert b"data-group=" in response.content
    _assert_headers(response)


def test_headers_on_an_api_response(world, api_client):
    token = Token.objects.create(user=world.users["office"])
    response = api_client.get("/api/v1/units/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    _assert_headers(response)


def test_headers_on_an_api_error(world, api_client):
    response = api_client.get("/api/v1/units/")
    assert response.status_code == 401
    _assert_headers(response)


@pytest.mark.django_db
def test_swagger_ui_needs_no_inline_code(client):
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<style" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html), "inline script on /api/docs/"
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()


def test_templates_carry_no_inline_script_or_handlers():
    """The policy allows no inline script: every template loads its code from static files."""
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        if "pdf" in path.parts:  # PDF layouts are rendered by WeasyPrint, not a browser
            continue
        text = path.read_text()
        if re.search(r"\son[a-z]+\s*=", text) or re.search(
            r"<script(?![^>]*\b(src=|type=\"application/json\"))", text
        ):
            offenders.append(str(path.relative_to(ROOT)))
        if re.search(r"<style|\sstyle=\"", text):
            offenders.append(str(path.relative_to(ROOT)))
    assert not offenders


PRODUCTION_MODULES = ("portal.settings.production", "portal.settings.base")


@pytest.fixture
def production_settings(monkeypatch):
    """The production settings module, loaded with the environment CI gives it."""
    monkeypatch.setenv("SECRET_KEY", string.ascii_letters + string.digits + "-_!")
    monkeypatch.setenv("ALLOWED_HOSTS", "portal.example.cn")
    saved = {name: sys.modules.pop(name, None) for name in PRODUCTION_MODULES}
    try:
        yield importlib.import_module("portal.settings.production")
    finally:
        for name, module in saved.items():
            sys.modules.pop(name, None)
            if module is not None:
                sys.modules[name] = module


def test_production_settings_send_hsts_and_secure_cookies(production_settings):
    s = production_settings
    assert s.SECURE_HSTS_SECONDS >= 31536000
    assert s.SECURE_HSTS_INCLUDE_SUBDOMAINS is True
    assert s.SECURE_SSL_REDIRECT is True
    assert s.SESSION_COOKIE_SECURE is True
    assert s.SESSION_COOKIE_HTTPONLY is True
    assert s.SESSION_COOKIE_SAMESITE == "Lax"
    # The CSRF cookie stays readable by script (Swagger UI's "try it out" sends it back as a
    # header); it is Secure and SameSite.
    assert s.CSRF_COOKIE_SECURE is True
    assert s.CSRF_COOKIE_SAMESITE == "Lax"
    assert s.X_FRAME_OPTIONS == "DENY"
    assert s.SECURE_CONTENT_TYPE_NOSNIFF is True
    assert "portal.middleware.SecurityHeadersMiddleware" in s.MIDDLEWARE
    assert s.CONTENT_SECURITY_POLICY == settings.CONTENT_SECURITY_POLICY


@pytest.mark.django_db
def test_production_sends_hsts_over_https(world, client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    response = client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    _assert_headers(response)


@pytest.mark.django_db
def test_check_deploy_is_clean_with_production_settings(production_settings, settings):
    """`manage.py check --deploy --fail-level WARNING` as CI runs it (.ci/run), with the security
    settings of portal.settings.production laid over the test settings."""
    for name in dir(production_settings):
        if name.isupper() and (
            name.startswith(("SECURE_", "SESSION_", "CSRF_"))
            or name
            in {
                "DEBUG",
                "SECRET_KEY",
                "ALLOWED_HOSTS",
                "X_FRAME_OPTIONS",
                "AUTHENTICATION_BACKENDS",
            }
        ):
            setattr(settings, name, getattr(production_settings, name))
    call_command("check", "--deploy", fail_level="WARNING")
