"""The suite runs on the test settings whatever the shell exported: a developer who ran
`mutuals` with `DJANGO_SETTINGS_MODULE=config.settings.base` exported and then the tests had
them run on the base settings (the real graph directory `var/graph`, its snapshot answering
the tests' graph questions), which pytest-django lets the environment choose over the ini."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def test_this_process_runs_on_the_test_settings():
    assert settings.SETTINGS_MODULE == "config.settings.test"


def test_an_exported_settings_module_does_not_change_the_suites():
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings.base")
    result = subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            f"{Path(__file__).relative_to(ROOT)}::test_this_process_runs_on_the_test_settings",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "1 passed" in result.stdout
