"""`scripts/check_architecture.py` (run by `make lint`): the count of imports inside
functions may not grow past its baseline, and the count it keeps is the tree's."""

from __future__ import annotations

import ast
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def check() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "check_architecture", ROOT / "scripts" / "check_architecture.py"
    )
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_imports_inside_functions_are_counted_once_each(check: ModuleType) -> None:
    tree = ast.parse(
        "import os\n"
        "def f():\n"
        "    import json\n"
        "    def g():\n"
        "        from datetime import UTC\n"
        "class C:\n"
        "    import re\n"
        "    def m(self):\n"
        "        import sys\n"
    )
    assert check._imports_inside_functions(tree) == 3


def test_the_baseline_is_the_count_and_one_more_fails(
    check: ModuleType, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert check.main() == 0
    counted = f"{check.INNER_IMPORTS} imports inside functions"
    assert counted in capsys.readouterr().out, "lower INNER_IMPORTS to the new count"
    monkeypatch.setattr(check, "INNER_IMPORTS", check.INNER_IMPORTS - 1)
    assert check.main() == 1
    assert "more than" in capsys.readouterr().err
