"""The type of a row id a client sends: a positive integer a bigint column can hold.

A query parameter such as `?author=2**63` reached a foreign-key lookup as it came and raised
OverflowError (SQLite); bounding the type makes it a 422 `invalid_fields` like any other bad
value (JSON bodies are bounded centrally, see mutuals/api/parser.py).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

ID_MAX = 2**63 - 1

Id = Annotated[int, Field(ge=1, le=ID_MAX)]
