"""Start-up: commands that need no graph do not load the graph engine (issue 13).

Importing numba (through `mutuals.graph._kernels`) cost about a second and 110 MB in every
command and server worker. Measuring time would be flaky on a shared machine, so these tests
check the cause instead: a fresh interpreter runs the command and then lists which of the
heavy modules it loaded.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
HEAVY = ("numba", "mutuals.graph", "mutuals.graph._kernels")

# Runs `mutuals` commands one after another in this interpreter and prints whether they
# imported the URLconf (every API schema); then runs `check` and imports the URLconf and every
# admin module as a server worker does, and prints the heavy modules that got loaded.
PROBE = """
import json, sys
from mutuals.cli import main
def run(command):
    try:
        main(["mutuals", *command])
    except SystemExit as stop:
        if stop.code:
            raise
for command in json.loads(sys.argv[1]):
    run(command)
print("\\nURLCONF " + json.dumps("config.urls" in sys.modules))
run(["check"])
from django.urls import get_resolver
get_resolver().url_patterns
print("\\nLOADED " + json.dumps([m for m in {heavy!r} if m in sys.modules]))
"""


def test_commands_without_a_graph_query_do_not_load_the_graph_engine(tmp_path):
    """`--help`, `--version`, `audit --help` and `migrate` do not even import the URLconf;
    with it and every admin module imported, numba still is not."""
    commands = [["--help"], ["--version"], ["audit", "--help"], ["migrate", "--plan"]]
    env = {
        **os.environ,
        "MUTUALS_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "MUTUALS_SECRET_KEY": "startup-test",
    }
    env.pop("DATABASE_URL", None)
    result = subprocess.run(  # noqa: S603 - our own interpreter and probe
        [sys.executable, "-c", PROBE.format(heavy=HEAVY), json.dumps(commands)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.split("URLCONF ", 1)[1].split()[0]) is False
    assert json.loads(result.stdout.rsplit("LOADED ", 1)[1]) == []


def test_compiled_graph_kernels_are_cached_in_the_data_directory(tmp_path):
    """numba caches beside the installed source by default, which the server's user may not
    be able to write: then every start compiles again. The settings point it at the data
    directory unless NUMBA_CACHE_DIR is set."""
    env = {**os.environ, "MUTUALS_DATA_DIR": str(tmp_path), "MUTUALS_SECRET_KEY": "startup-test"}
    env.pop("NUMBA_CACHE_DIR", None)
    probe = "import config.settings.base, numba.core.config as c; print(c.CACHE_DIR)"
    result = subprocess.run(  # noqa: S603 - our own interpreter and probe
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert result.stdout.strip() == str(tmp_path / "numba-cache")
    env["NUMBA_CACHE_DIR"] = str(tmp_path / "elsewhere")
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert result.stdout.strip() == str(tmp_path / "elsewhere")
