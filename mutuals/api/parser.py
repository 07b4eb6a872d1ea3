"""How the API reads what a client sends, with the refusals that hold for every operation.

- A JSON body must be an object: every operation's body is one (a list or a bare value used
  to be mapped onto the schema's fields and accepted).
- No text may hold the NUL character (U+0000): PostgreSQL cannot store it in text, so it
  used to surface as a 500 there, and SQLite stored it. It is refused wherever it comes from
  (JSON strings and keys at any depth, form fields, the query string, the path) with 422
  `invalid_fields` naming the field, on every database alike. HTML forms refuse it already
  (Django's `ProhibitNullCharactersValidator`).
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


def refuse_nul(value: Any) -> None:
    names = list(dict.fromkeys(fields_with_nul(value)))
    if names:
        raise Refused.for_fields({name: [NUL_MESSAGE] for name in names})


class MutualsParser(Parser):
    def parse_body(self, request: HttpRequest) -> Any:
        data = json.loads(request.body)
        # ninja also parses each part of a multipart body through here, with a stand-in
        # request; the shape rule is for a real request's whole body.
        if isinstance(request, WSGIRequest | ASGIRequest) and not isinstance(data, dict):
            raise Refused.for_fields({"body": [f"must be a JSON object, not {_json_kind(data)}."]})
        refuse_nul(data)
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
