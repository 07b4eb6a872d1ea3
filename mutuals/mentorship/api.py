"""Mentorship endpoints. Thin: check access, call one service, shape the answer."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["mentorship"])
