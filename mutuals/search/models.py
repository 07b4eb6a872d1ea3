"""The member document: what member search reads, one row per member.

A member's searchable text comes from several tables (the user's name, the profile, its
topics, and whatever else `documents.MEMBER_FIELDS` lists), so it cannot be a generated
column of any one of them. `documents.member_documents_refresh` writes it, in the
transaction of the change (accounts announces every change, `hooks.py`); the text is kept
in four columns by weight, A (most telling) to D. The index over it is the engine's
(`engines.py`): a stored `tsvector` column with a GIN index on PostgreSQL, an FTS5 table
kept by triggers on SQLite, both made by this app's migrations, neither named here.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class MemberDocument(models.Model):
    member = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="search_document",
    )
    a = models.TextField(blank=True, default="")
    b = models.TextField(blank=True, default="")
    c = models.TextField(blank=True, default="")
    d = models.TextField(blank=True, default="")
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"search document of {self.member_id}"
