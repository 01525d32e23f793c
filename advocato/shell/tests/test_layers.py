"""The layers hold (the import-linter contract in pyproject.toml checks every import in
`make lint`); these tests pin what it cannot see: no app hides an import of another app inside
a function, and every question a lower layer asks through a hook has its answer registered."""

import ast
from pathlib import Path

import advocato
from advocato.lib import hooks

ROOT = Path(advocato.__file__).parent
APPS = sorted(p.name for p in ROOT.iterdir() if (p / "__init__.py").exists())


def imports_inside_functions(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for inner in ast.walk(node):
                if isinstance(inner, ast.ImportFrom) and inner.level == 0 and inner.module:
                    found.append((inner.lineno, inner.module))
                elif isinstance(inner, ast.Import):
                    found.extend((inner.lineno, alias.name) for alias in inner.names)
    return found


def test_no_app_imports_another_app_inside_a_function():
    """Outside tests, migrations and the demo builders, an app imports another app at the top
    of the module, where the reader and the layers contract see it."""
    hidden = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            parts = path.relative_to(ROOT).parts
            if "tests" in parts or "migrations" in parts or path.name in ("demo.py", "conftest.py"):
                continue
            for line, module in imports_inside_functions(path):
                names = module.split(".")
                if names[0] == "advocato" and len(names) > 1 and names[1] != app:
                    hidden.append(f"{path.relative_to(ROOT.parent)}:{line} imports {module}")
    assert hidden == []


def test_every_hook_has_its_answer_registered():
    declared = [value for value in vars(hooks).values() if isinstance(value, hooks.Hook)]
    assert {hook.name for hook in declared} == {
        "shared_item_ids",
        "best_slot_from_data",
        "may_share",
        "share_page_sections",
        "quarter_figures",
        "person_results",
        "evidence_figures",
        "challenges_starting",
        "weekly_top",
    }
    assert [hook.name for hook in declared if not hook.registered] == []
