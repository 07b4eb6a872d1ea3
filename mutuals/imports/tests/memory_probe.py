"""Run by `test_memory.py` in a fresh interpreter: import a generated export into a fresh
SQLite database and print the import's peak resident memory, in bytes.

    python -m mutuals.imports.tests.memory_probe FOLDER CONNECTIONS MESSAGES [--in-memory]

The export is `benchmarks/audit.py`'s generator (the real formats) at the given size, every
connection messaged (`spread`), written in FOLDER. Django starts and the tables are created
first; then the process's peak resident set is reset (`core.process_memory`, Linux), so
what is printed is the import's own peak (`import_run`: parse, people, audit, contact book,
the audit saved), not start-up's.
`--in-memory` turns the message and interaction spools off (every record held in memory): the
regression the test must catch.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _generator() -> object:
    path = ROOT / "benchmarks" / "audit.py"
    spec = importlib.util.spec_from_file_location("audit_benchmark", path)
    if spec is None or spec.loader is None:
        raise RuntimeError("benchmarks/audit.py is missing")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    folder, connections, messages = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    archive = _generator().generate(folder, connections, messages, spread=True)  # type: ignore[attr-defined]
    os.environ.pop("DATABASE_URL", None)
    os.environ["MUTUALS_DATA_DIR"] = str(folder / "var")
    os.environ.setdefault("MUTUALS_SECRET_KEY", "memory-probe")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    import django

    django.setup()
    from django.apps import apps
    from django.db import connection

    from mutuals.accounts.models import User
    from mutuals.core.process_memory import peak_bytes, peak_reset
    from mutuals.imports import services
    from mutuals.imports.linkedin import spool

    if "--in-memory" in sys.argv:
        spool.BATCH = 10**9
    with connection.schema_editor() as editor:
        for model in apps.get_models():
            if model._meta.managed and not model._meta.proxy:
                editor.create_model(model)
    owner = User.objects.create(email="owner@probe.test", name="Probe Owner")
    created = services.import_create_from_path(owner=owner, path=archive)
    peak_reset()  # the peak resident set starts again from the current one
    before = peak_bytes()
    done = services.import_run(import_id=created.pk)
    if done is None or done.status != done.Status.DONE:
        raise RuntimeError(f"the import did not finish: {done and done.error}")
    print(before, peak_bytes(), done.counts["interactions"])


if __name__ == "__main__":
    main()
