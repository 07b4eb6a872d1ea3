"""Migrations that run while the old version still serves (issue 21; docs/operations.md,
"Upgrades: expand, then contract").

During an upgrade the new code's migrations run while servers of the old version still answer,
so a migration must leave a schema the old code can still read and write. `mutuals
lintmigrations` (in `make lint`) checks every migration of mutuals' apps that is not in the
baseline (`migration_baseline.txt`: the ones that existed when the rule was written) and
refuses:

- **a contract step** — `RemoveField`, `DeleteModel`, `RenameField`, `RenameModel`,
  `AlterModelTable`: the old code still selects or writes that column or table. It belongs in
  a later release than the code that stopped using it, and the migration says so with
  `contract = True` on its `Migration` class (the reviewer checks that claim);
- **a new NOT NULL column without a database default** on an existing table: the old code's
  INSERTs do not name the column and fail. Give it `null=True` (expand), or `db_default=`
  (Django's `default=` is applied by Python only, not by the database);
- **an existing column made NOT NULL**, or **its type changed**: the old code may still write
  NULL, or values of the old type, and a type change rewrites the table under a lock.

Models created by the same migration are exempt: no old code knows them. Warnings that do not
fail: `AddIndex`/`AddConstraint` on an existing table (on PostgreSQL they lock writes while
they build; fine for small tables, plan it for big ones).

django-migration-linter (which reads the SQL of `sqlmigrate`) was the first choice; it needs a
live PostgreSQL to produce that SQL, flags every SQLite table rebuild, and declares support up
to Django 6.0, so the rule is checked on the operations instead, the same on any database.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

from django.db import connections
from django.db.migrations import Migration
from django.db.migrations import operations as ops
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations.base import Operation
from django.db.migrations.state import ProjectState
from django.db.models import NOT_PROVIDED, Field, GeneratedField

CONTRACT_OPERATIONS = (
    ops.RemoveField,
    ops.DeleteModel,
    ops.RenameField,
    ops.RenameModel,
    ops.AlterModelTable,
)
LOCKING_OPERATIONS = (ops.AddIndex, ops.AddConstraint)


@dataclass(frozen=True)
class Finding:
    migration: str  # "app_label.name"
    operation: str
    message: str
    error: bool

    def __str__(self) -> str:
        kind = "error" if self.error else "warning"
        return f"{self.migration}: {kind}: {self.operation}: {self.message}"


def baseline() -> frozenset[str]:
    """`app_label.migration_name` of the migrations written before the rule (not checked)."""
    text = resources.files("mutuals.core").joinpath("migration_baseline.txt").read_text()
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def _model_key(operation: Operation, app_label: str) -> tuple[str, str] | None:
    name = getattr(operation, "model_name", None) or getattr(operation, "name", None)
    return (app_label, name.lower()) if isinstance(name, str) else None


def _needs_a_value(field: Field) -> bool:  # type: ignore[type-arg]
    """A column old INSERTs, which do not name it, cannot leave out."""
    return (
        not field.many_to_many
        and not isinstance(field, GeneratedField)
        and not field.null
        and field.db_default is NOT_PROVIDED
    )


def check_migration(
    migration: Migration, state_before: ProjectState, *, connection_alias: str = "default"
) -> list[Finding]:
    """What in `migration` would break the previous version's code still serving."""
    label = f"{migration.app_label}.{migration.name}"
    findings: list[Finding] = []
    created: set[tuple[str, str]] = set()
    contract = bool(getattr(migration, "contract", False))
    connection = connections[connection_alias]
    state = state_before.clone()
    for operation in migration.operations:
        name = type(operation).__name__
        model = _model_key(operation, migration.app_label)
        if isinstance(operation, ops.CreateModel) and model:
            created.add(model)
        elif model in created:
            pass
        elif isinstance(operation, CONTRACT_OPERATIONS) and not contract:
            findings.append(
                Finding(
                    label,
                    name,
                    "the old version still uses what this removes or renames: ship it a "
                    "release after the code stopped using it, with `contract = True` on the "
                    "Migration (docs/operations.md, 'Upgrades')",
                    error=True,
                )
            )
        elif isinstance(operation, ops.AddField) and _needs_a_value(operation.field):
            findings.append(
                Finding(
                    label,
                    f"{name} {operation.model_name}.{operation.name}",
                    "a NOT NULL column without a database default: the old version's INSERTs "
                    "fail; add it with null=True or db_default=",
                    error=True,
                )
            )
        elif isinstance(operation, ops.AlterField) and model:
            before = state.models[model].fields.get(operation.name)
            if before is not None:
                findings.extend(_altered(label, operation, before, operation.field, connection))
        elif isinstance(operation, LOCKING_OPERATIONS):
            findings.append(
                Finding(
                    label,
                    name,
                    "builds on an existing table: PostgreSQL locks its writes meanwhile",
                    error=False,
                )
            )
        operation.state_forwards(migration.app_label, state)
    return findings


def _altered(
    label: str,
    operation: ops.AlterField,
    before: Field,  # type: ignore[type-arg]
    after: Field,  # type: ignore[type-arg]
    connection: object,
) -> list[Finding]:
    where = f"AlterField {operation.model_name}.{operation.name}"
    findings = []
    if before.null and not after.null:
        findings.append(
            Finding(
                label,
                where,
                "made NOT NULL: the old version may still write NULL; fill it and ship the "
                "constraint a release later (contract)",
                error=True,
            )
        )
    before_type, after_type = _db_type(before, connection), _db_type(after, connection)
    if before_type != after_type:
        findings.append(
            Finding(
                label,
                where,
                f"type {before_type} → {after_type}: rewrites "
                "the table and the old version writes the old type; add a new column instead",
                error=True,
            )
        )
    return findings


def _db_type(field: Field, connection: object) -> str | None:  # type: ignore[type-arg]
    """The column's type; for a relation, the model it points at (its column has that
    model's key's type, which a migration's state cannot resolve outside the app registry)."""
    if field.is_relation and field.remote_field is not None:
        return f"key of {str(field.remote_field.model).lower()}"
    return field.db_type(connection)  # type: ignore[arg-type]


def check_all(*, skip: frozenset[str] | None = None) -> list[Finding]:
    """Findings for every migration of mutuals' apps not in `skip` (default: the baseline)."""
    skip = baseline() if skip is None else skip
    loader = MigrationLoader(None, ignore_no_migrations=True)
    findings: list[Finding] = []
    for (app_label, name), migration in sorted(loader.disk_migrations.items()):
        module = type(migration).__module__
        if not module.startswith("mutuals.") or f"{app_label}.{name}" in skip:
            continue
        state_before = loader.project_state((app_label, name), at_end=False)
        findings.extend(check_migration(migration, state_before))
    return findings
