"""A deployment behind a TLS proxy passes `mutuals check --deploy`, and pages carry a
Content-Security-Policy their own markup respects (issue 13)."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.http import HttpResponse

ROOT = Path(__file__).resolve().parents[3]


def documented_environment() -> dict[str, str]:
    """The variables in docs/operations.md's environment block; placeholders (<…>) get a
    random value."""
    text = (ROOT / "docs" / "operations.md").read_text()
    block = text.split("## The environment", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    found = {}
    for line in block.strip().splitlines():
        name, value = line.split("=", 1)
        value = value.strip('"')
        found[name] = secrets.token_urlsafe(50) if value.startswith("<") else value
    return found


def _check_deploy(tmp_path: Path, environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("MUTUALS_")},
        **environment,
        "MUTUALS_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
    }
    env.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "mutuals.cli", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def test_the_documented_production_environment_passes_check_deploy(tmp_path):
    environment = documented_environment()
    assert {"MUTUALS_TLS_PROXY", "MUTUALS_HSTS_SECONDS", "MUTUALS_EMAIL_HOST"} <= set(environment)
    result = _check_deploy(tmp_path, environment)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_without_the_proxy_settings_the_check_says_what_is_missing(tmp_path):
    environment = documented_environment()
    for name in ("MUTUALS_SSL_REDIRECT", "MUTUALS_HSTS_SECONDS", "MUTUALS_EMAIL_HOST"):
        del environment[name]
    result = _check_deploy(tmp_path, environment)
    assert result.returncode != 0
    for check in ("mail.E001", "security.W004", "security.W008"):
        assert check in result.stderr


def test_a_secret_key_generated_on_this_host_is_reported(tmp_path):
    """Several servers must share one key (issue 21): without MUTUALS_SECRET_KEY each host
    generates its own into its data directory."""
    environment = documented_environment()
    del environment["MUTUALS_SECRET_KEY"]
    result = _check_deploy(tmp_path, environment)
    assert result.returncode != 0
    assert "mutuals.W001" in result.stderr
    assert "MUTUALS_SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_pages_send_a_content_security_policy_with_a_nonce(web_client):
    response = web_client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "object-src 'none'" in policy
    # A page that uses no nonce gets none: `script-src 'self'`, nothing inline, no eval.
    assert "script-src 'self'" in policy
    assert "unsafe" not in policy
    html = response.content.decode()
    # No inline script or handler: every <script> has a src, no on…= or hx-on attribute.
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)", html)
    assert not re.search(r"\s(on[a-z]+|hx-on[:-][\w:-]*)=", html)
    assert "includeIndicatorStyles" in html


def test_the_error_page_style_carries_the_nonce_of_its_policy(rf):
    """The 500 page renders without context processors; its one inline style still carries
    the nonce the policy names."""
    from django.middleware.csp import ContentSecurityPolicyMiddleware

    from mutuals.core.views import server_error_view

    response = ContentSecurityPolicyMiddleware(server_error_view)(rf.get("/broken/"))
    assert isinstance(response, HttpResponse)
    policy = response.headers["Content-Security-Policy"]
    nonce = re.search(r"style-src 'self' 'nonce-([^']+)'", policy)
    assert nonce
    assert f'<style nonce="{nonce.group(1)}">' in response.content.decode()
