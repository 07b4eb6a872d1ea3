"""The helper that says what the ORM compiled (`core.tests.compiling`) sees a compilation:
otherwise the tests that a request compiles nothing would pass whatever happened."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db.models.sql.compiler import SQLCompiler

from mutuals.core.tests.compiling import statements_compiled

pytestmark = pytest.mark.django_db


def test_a_queryset_run_inside_the_block_is_seen_and_the_compiler_is_put_back():
    original = SQLCompiler.as_sql
    with statements_compiled() as compiled:
        list(ContentType.objects.filter(app_label="no such app"))
    assert compiled == ["ContentType"]
    assert SQLCompiler.as_sql is original
