"""How the API reads what a client sends, with the refusals that hold for every operation.

- A JSON body must be an object: every operation's body is one (a list or a bare value used
  to be mapped onto the schema's fields and accepted).
- No text may hold the NUL character (U+0000): PostgreSQL cannot store it in text, so it
  used to surface as a 500 there, and SQLite stored it. It is refused wherever it comes from
  (JSON strings and keys at any depth, form fields, the query string, the path) with 422
  `invalid_fields` naming the field, on every database alike. HTML forms refuse it already
  (Django's `ProhibitNullCharactersValidator`).
- No number in a JSON body may lie beyond a signed 64-bit integer (a bigint, the widest
  integer column): an id of 2**63 used to raise OverflowError (SQLite) or DataError
  (PostgreSQL) in a lookup or an insert. Query parameters that are ids are bounded by their
  type (`mutuals.core.ids.Id`); an id in the path that no row can have is simply not found.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from django.core.handlers.asgi import ASGIRequest
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja.parser import Parser

from mutuals.core.errors import Refused

BIGINT_MIN, BIGINT_MAX = -(2**63), 2**63 - 1
BIGINT_MESSAGE = f"must be a whole number between {BIGINT_MIN} and {BIGINT_MAX}."
NUL = "\x00"
NUL_MESSAGE = "must not contain the NUL character (\\u0000)."


def fields_with_nul(value: Any, name: str = "") -> Iterator[str]:
    """The dotted names (`offers.2`, `context.text`) of every string in `value` that holds
    NUL, keys included."""
    if isinstance(value, str):
        if NUL in value:
            yield name or "body"
    elif isinstance(value, dict):
        for key, item in value.items():
            key_name = str(key).replace(NUL, "\\u0000")
            child = f"{name}.{key_name}" if name else key_name
            if NUL in str(key):
                yield child
            else:
                yield from fields_with_nul(item, child)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from fields_with_nul(item, f"{name}.{index}" if name else str(index))


def fields_beyond_bigint(value: Any, name: str = "") -> Iterator[str]:
    """The dotted names of every integer in `value` beyond a signed 64-bit integer."""
    if isinstance(value, int) and not isinstance(value, bool):
        if not BIGINT_MIN <= value <= BIGINT_MAX:
            yield name or "body"
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from fields_beyond_bigint(item, f"{name}.{key}" if name else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from fields_beyond_bigint(item, f"{name}.{index}" if name else str(index))


def refuse_nul(value: Any) -> None:
    names = list(dict.fromkeys(fields_with_nul(value)))
    if names:
        raise Refused.for_fields({name: [NUL_MESSAGE] for name in names})


def refuse_beyond_bigint(value: Any) -> None:
    names = list(dict.fromkeys(fields_beyond_bigint(value)))
    if names:
        raise Refused.for_fields({name: [BIGINT_MESSAGE] for name in names})


class MutualsParser(Parser):
    def parse_body(self, request: HttpRequest) -> Any:
        data = json.loads(request.body)
        # ninja also parses each part of a multipart body through here, with a stand-in
        # request; the shape rule is for a real request's whole body.
        if isinstance(request, WSGIRequest | ASGIRequest) and not isinstance(data, dict):
            raise Refused.for_fields({"body": [f"must be a JSON object, not {_json_kind(data)}."]})
        refuse_nul(data)
        refuse_beyond_bigint(data)
        return data

    def parse_querydict(
        self, data: MultiValueDict[str, Any], list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        parsed = super().parse_querydict(data, list_fields, request)
        refuse_nul({key: value for key, value in parsed.items() if isinstance(value, str | list)})
        return parsed


def _json_kind(data: Any) -> str:
    if isinstance(data, list):
        return "an array"
    if data is None:
        return "null"
    return f"a {type(data).__name__.replace('str', 'string').replace('bool', 'boolean')}"
