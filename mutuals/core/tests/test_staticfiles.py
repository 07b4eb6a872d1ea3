"""`mutuals serve` collects static files only when they changed (issue 13)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.test import override_settings

from mutuals.core.staticfiles import collect_static_if_changed


@pytest.fixture
def static_dirs(tmp_path: Path):
    """A source folder with one stylesheet and an empty STATIC_ROOT, collected with a
    manifest storage (hashed names, like production) and only this folder as a source."""
    source = tmp_path / "source"
    (source / "css").mkdir(parents=True)
    (source / "css" / "site.css").write_text("body { color: black; }\n")
    root = tmp_path / "static"
    with override_settings(
        STATIC_ROOT=root,
        STATICFILES_DIRS=[source],
        STATICFILES_FINDERS=["django.contrib.staticfiles.finders.FileSystemFinder"],
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
            "staticfiles": {
                "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
            },
        },
    ):
        yield source, root


def _collected_css(root: Path) -> str:
    manifest = json.loads((root / "staticfiles.json").read_text())
    return (root / manifest["paths"]["css/site.css"]).read_text()


def test_the_first_start_collects_and_a_restart_does_not(static_dirs):
    _, root = static_dirs
    assert collect_static_if_changed() is True
    assert "black" in _collected_css(root)
    (root / "css" / "site.css").unlink()  # a second collection would bring it back
    assert collect_static_if_changed() is False
    assert not (root / "css" / "site.css").exists()


def test_a_changed_source_file_is_collected_again(static_dirs):
    source, root = static_dirs
    collect_static_if_changed()
    (source / "css" / "site.css").write_text("body { color: navy; }\n")
    assert collect_static_if_changed() is True
    assert "navy" in _collected_css(root)


def test_a_missing_manifest_is_collected_again(static_dirs):
    _, root = static_dirs
    collect_static_if_changed()
    (root / "staticfiles.json").unlink()
    assert collect_static_if_changed() is True
    assert "black" in _collected_css(root)
