"""`make lint`: the size rules of docs/architecture.md that import-linter cannot check.

- a view stays thin: no function or class at the top of a `views.py` (or a `views/` package)
  is longer than VIEW_LINES lines — context assembly belongs in selectors, forms in forms.py;
- a services module stays one subject: no `services*.py` module (or module of a `services/`
  package) is longer than SERVICES_LINES lines.

- imports inside functions (outside tests and migrations) stay at most INNER_IMPORTS. Each
  needs a reason, said in a comment or by where it stands (docs/architecture.md, "Layers"):
  `AppConfig.ready`, a service and its task (which import each other), a model imported by
  a module that loads before the apps are ready, a heavy dependency kept out of start-up
  (numba, granian, allauth's helpers). Dodging a cycle between apps is not one: move the
  import up. Lower INNER_IMPORTS when you remove one, so the count cannot grow back.

Run: `python scripts/check_architecture.py` (exit 1 when a rule is broken).
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

VIEW_LINES = 30
SERVICES_LINES = 600
# The count on 2026-12-02 (100 before the imports without a reason moved to the top; 87 then,
# 93 after the merge of that day: six more in `AppConfig.ready` and a service beside its task).
INNER_IMPORTS = 93
ROOT = Path(__file__).resolve().parent.parent / "mutuals"


def _is_view_module(path: Path) -> bool:
    return path.name == "views.py" or path.parent.name == "views"


def _is_services_module(path: Path) -> bool:
    return path.name.startswith("services") or path.parent.name == "services"


def _source_files() -> list[Path]:
    return sorted(
        path
        for path in ROOT.rglob("*.py")
        if "migrations" not in path.parts and "tests" not in path.parts
    )


def _imports_inside_functions(tree: ast.Module) -> int:
    """Import statements whose nearest enclosing scope is a function (each counted once)."""
    count = 0

    def visit(node: ast.AST, in_function: bool) -> None:
        nonlocal count
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom) and in_function:
                count += 1
            inside = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            visit(child, inside)

    visit(tree, False)
    return count


def main() -> int:
    failures: list[str] = []
    inner_imports = 0
    for path in _source_files():
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source, filename=str(path))
        inner_imports += _imports_inside_functions(tree)
        relative = path.relative_to(ROOT.parent)
        if _is_view_module(path):
            for node in tree.body:
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                    length = (node.end_lineno or node.lineno) - node.lineno + 1
                    if length > VIEW_LINES:
                        failures.append(
                            f"{relative}:{node.lineno}: {node.name} is {length} lines "
                            f"(a view is at most {VIEW_LINES}; move context to a selector)"
                        )
        if _is_services_module(path):
            lines = len(source.splitlines())
            if lines > SERVICES_LINES:
                failures.append(
                    f"{relative}: {lines} lines (a services module is at most "
                    f"{SERVICES_LINES}; split it by subject)"
                )
    if inner_imports > INNER_IMPORTS:
        failures.append(
            f"{inner_imports} imports inside functions, more than {INNER_IMPORTS}: import at "
            "the top of the module unless a reason in scripts/check_architecture.py applies"
        )
    for failure in failures:
        print(failure, file=sys.stderr)
    print(
        f"check_architecture: {inner_imports} imports inside functions (outside tests; "
        f"at most {INNER_IMPORTS})"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
