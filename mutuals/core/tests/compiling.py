"""What the ORM compiles in a block of code: for tests that a request's reads are compiled
once per process (`core.compiled`, issue 20) and only sent afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db.models.sql.compiler import SQLCompiler


@contextmanager
def statements_compiled() -> Iterator[list[str]]:
    """The model of every SELECT the ORM compiles to SQL inside the block, in order (a
    subquery counts too); an empty list when the block only sent statements compiled before."""
    compiled: list[str] = []
    as_sql = SQLCompiler.as_sql

    def counted(self: SQLCompiler, *args: Any, **kwargs: Any) -> Any:
        model = self.query.model
        compiled.append(model.__name__ if model is not None else "(no model)")
        return as_sql(self, *args, **kwargs)

    SQLCompiler.as_sql = counted  # type: ignore[method-assign]
    try:
        yield compiled
    finally:
        SQLCompiler.as_sql = as_sql  # type: ignore[method-assign]
