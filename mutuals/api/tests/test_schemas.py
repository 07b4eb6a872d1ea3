"""The API's schemas validate what they hold once (core.schemas.Schema, issue 20)."""

from __future__ import annotations

import importlib
import inspect
from datetime import UTC, datetime
from types import SimpleNamespace

import ninja
import pytest
from pydantic import ValidationError

from mutuals.accounts.schemas import ApiTokenOut, ApiTokenPage
from mutuals.api.api import ROUTERS
from mutuals.core.schemas import Schema


def _token(**fields: object) -> ApiTokenOut:
    values = {
        "id": 1,
        "label": "laptop",
        "prefix": "mut_abc",
        "created_at": datetime(2026, 12, 2, tzinfo=UTC),
        "last_used_at": None,
    }
    return ApiTokenOut.model_validate({**values, **fields})


def test_a_nested_schema_instance_is_kept_as_it_is():
    token = _token()
    page = ApiTokenPage(items=[token], next=None)
    assert page.items[0] is token  # not read again attribute by attribute
    assert page.model_dump()["items"][0]["label"] == "laptop"


def test_anything_else_is_still_read_and_validated():
    page = ApiTokenPage.model_validate({"items": [_token().model_dump()], "next": None})
    assert page.items[0].label == "laptop"
    with pytest.raises(ValidationError):
        ApiTokenPage.model_validate({"items": [{"id": "not a number"}], "next": None})
    with pytest.raises(ValidationError):
        _token(id="not a number")


def test_a_dict_is_validated_by_pydantic_without_ninjas_getter(monkeypatch):
    """Keyword arguments and parsed bodies skip the attribute-by-attribute getter (issue 20:
    a fifth of building a page of members); an object still goes through it."""

    class GetterUsed(Exception):
        pass

    class Refused:
        def __init__(self, *args: object) -> None:
            raise GetterUsed

    monkeypatch.setattr("mutuals.core.schemas.DjangoGetter", Refused)
    assert _token(label="phone").label == "phone"
    page = ApiTokenPage.model_validate({"items": [_token().model_dump()], "next": None})
    assert page.items[0].prefix == "mut_abc"
    with pytest.raises(GetterUsed):
        ApiTokenOut.model_validate(SimpleNamespace(**_token().model_dump()))


def test_what_the_getter_converted_is_refused_in_a_dict():
    """The getter made a callable's result or a queryset's list of what an object held; a dict
    holding one is a mistake pydantic refuses, not a value silently called."""
    with pytest.raises(ValidationError):
        _token(label=lambda: "laptop")
    with pytest.raises(ValidationError):
        ApiTokenPage.model_validate({"items": iter_tokens, "next": None})  # not a list


def iter_tokens() -> list[ApiTokenOut]:
    return [_token()]


def test_every_api_schema_derives_from_the_project_schema():
    modules = {f"mutuals.{name}.schemas" for name in _apps_with_routers()}
    schemas = [
        value
        for module in modules
        for value in vars(importlib.import_module(module)).values()
        if inspect.isclass(value) and issubclass(value, ninja.Schema)
    ]
    assert schemas
    assert [s.__qualname__ for s in schemas if not issubclass(s, Schema)] == []


def _apps_with_routers() -> set[str]:
    apps = set()
    for router in ROUTERS:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                apps.add(operation.view_func.__module__.split(".")[1])
    return apps
