"""Which refusals can an endpoint produce? Read from the code, not from its docs.

Walks the source of an endpoint and, transitively, of every function of mutuals it calls
(resolved through module globals: `services.event_rsvp`, `access_event_by_id`, a helper
`_closed(...)` that builds the error it returns), and collects every `MutualsError` built on
the way as `(status, code)`. It over-approximates on purpose: an error built in a branch the
endpoint never takes still counts, so the test can demand that everything found is
documented, and name the few exceptions with their reason. Calls it cannot resolve (methods of
model instances, callables held in variables) are not followed; the fuzz test covers what
really happens.
"""

from __future__ import annotations

import ast
import builtins
import inspect
import textwrap
import types
from collections.abc import Callable
from functools import cache
from typing import Any

from django.http import Http404

from mutuals.core.errors import MutualsError, Refused

UNKNOWN_CODE = "?"
_FOR_FIELDS = vars(Refused)["for_fields"].__func__
Refusal = tuple[int, str]


def refusals_of(func: Callable[..., Any]) -> frozenset[Refusal]:
    """Every (status, code) the function, or a function of mutuals it calls, can raise."""
    found: set[Refusal] = set()
    seen: set[types.CodeType] = set()
    _walk(func, found, seen)
    return frozenset(found)


def _walk(func: Callable[..., Any], found: set[Refusal], seen: set[types.CodeType]) -> None:
    func = inspect.unwrap(func)
    code = getattr(func, "__code__", None)
    if code is None or code in seen or not _ours(func):
        return
    seen.add(code)
    tree = _tree(code)
    if tree is None:
        return
    namespace: dict[str, Any] = {**vars(builtins), **func.__globals__}
    if func.__closure__:
        for name, cell in zip(code.co_freevars, func.__closure__, strict=True):
            try:
                namespace[name] = cell.cell_contents
            except ValueError:  # an empty cell
                continue
    built: dict[str, int] = {}  # local name → status of the error built into it
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            _note_assignment(node, node.targets[0], namespace, built, found)
        target: ast.expr | None = None
        if isinstance(node, ast.Call):
            target = node.func
        elif isinstance(node, ast.Raise) and node.exc is not None:
            target = node.exc
        if target is None:
            continue
        resolved = _resolve(target, namespace)
        if resolved is None:
            continue
        refusal = _refusal(resolved, node, target)
        if refusal is not None:
            found.add(refusal)
        elif isinstance(node, ast.Call) and callable(resolved):
            _walk(resolved, found, seen)
            # A class of ours: the checks live in its methods, reached through its constructor.
            if isinstance(resolved, type) and _ours(resolved):
                for member in vars(resolved).values():
                    if inspect.isfunction(member):
                        _walk(member, found, seen)


def _note_assignment(
    node: ast.Assign,
    target: ast.expr,
    namespace: dict[str, Any],
    built: dict[str, int],
    found: set[Refusal],
) -> None:
    """`refusal = Refused.for_fields(...)` then `refusal.code = "capacity_below_active"`: the
    error leaves with the second code (ast.walk reaches the outer statement first)."""
    if isinstance(target, ast.Name) and isinstance(node.value, ast.Call):
        resolved = _resolve(node.value.func, namespace)
        refusal = _refusal(resolved, node.value, node.value.func) if resolved else None
        if refusal is not None:
            built[target.id] = refusal[0]
    elif (
        isinstance(target, ast.Attribute)
        and target.attr == "code"
        and isinstance(target.value, ast.Name)
        and target.value.id in built
    ):
        found.add((built[target.value.id], _code_pattern(node.value)))


def _refusal(resolved: Any, node: ast.AST, target: ast.expr) -> Refusal | None:
    if resolved is Http404 or getattr(resolved, "__name__", "") == "get_object_or_404":
        return (404, "not_found")
    if isinstance(resolved, types.MethodType) and resolved.__func__ is _FOR_FIELDS:
        return (422, "invalid_fields")
    if isinstance(resolved, type) and issubclass(resolved, MutualsError):
        code = resolved.default_code
        if isinstance(node, ast.Call) and node.func is target:
            for keyword in node.keywords:
                if keyword.arg == "code":
                    code = _code_pattern(keyword.value)
        return (resolved.status, code)
    return None


def _code_pattern(value: ast.expr) -> str:
    """A literal code, or a glob for a formatted one (`f"not_{state}"` is `not_*`)."""
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return value.value
    if isinstance(value, ast.JoinedStr):
        return "".join(
            str(part.value) if isinstance(part, ast.Constant) else "*" for part in value.values
        )
    return UNKNOWN_CODE


def _resolve(node: ast.expr, namespace: dict[str, Any]) -> Any:
    if isinstance(node, ast.Name):
        return namespace.get(node.id)
    if isinstance(node, ast.Attribute):
        base = _resolve(node.value, namespace)
        if isinstance(base, types.ModuleType | type):
            return getattr(base, node.attr, None)
    return None


def _ours(obj: Any) -> bool:
    module = getattr(obj, "__module__", "") or ""
    return module.startswith("mutuals.") and ".tests" not in module


@cache
def _tree(code: types.CodeType) -> ast.AST | None:
    """The AST of exactly this function (nested functions are walked when called)."""
    try:
        lines, _ = inspect.getsourcelines(code)
    except (OSError, TypeError):
        return None
    parsed = ast.parse(textwrap.dedent("".join(lines)))
    function = parsed.body[0]
    assert isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
    # Only the body (nested functions included): decorators (`@router.post(...)`) are not
    # part of what a call does.
    return ast.Module(body=function.body, type_ignores=[])
