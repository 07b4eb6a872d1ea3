"""The demo's moderation: the chapter president moderates, and two reports wait in her queue
(`mutuals demo` runs this from `site.demo.demo_seed`; idempotent)."""

from __future__ import annotations

from dataclasses import dataclass

from mutuals.accounts.models import User
from mutuals.feed.models import Post
from mutuals.moderation.models import Report
from mutuals.moderation.services import is_moderator, moderator_grant, report_create

DEMO_MODERATOR = "priya"


@dataclass(frozen=True)
class DemoReport:
    reporter: str
    kind: str  # "member", or "post" (then `about` wrote the post that starts with `starts`)
    about: str
    reason: str
    note: str
    starts: str = ""


REPORTS: tuple[DemoReport, ...] = (
    DemoReport(
        "ben",
        "member",
        "marcus",
        "spam",
        "Sent me the same sales pitch for his scheduling tool three times this week.",
    ),
    DemoReport(
        "ana",
        "post",
        "liam",
        "off_topic",
        "Reads like a tender notice more than a call for collaboration.",
        starts="Maple Civic Works is looking for partners",
    ),
)


def _target_id(report: DemoReport, members: dict[str, User]) -> int | None:
    if report.kind == "member":
        return members[report.about].pk
    post = (
        Post.objects.filter(author=members[report.about], body__startswith=report.starts)
        .order_by("id")
        .first()
    )
    return None if post is None else post.pk


def moderation_demo_seed(members: dict[str, User]) -> int:
    """Make the demo moderator one and file the demo's reports not yet filed (by reporter
    and item, in any status, so a report a moderator already closed is not filed again).
    Returns how many reports were filed."""
    moderator = members[DEMO_MODERATOR]
    if not is_moderator(User.objects.get(pk=moderator.pk)):
        moderator_grant(
            member=moderator,
            granted_by=None,
            reason="The chapter president moderates the demo community.",
        )
    filed = 0
    for report in REPORTS:
        target_id = _target_id(report, members)
        reporter = members[report.reporter]
        if (
            target_id is None
            or Report.objects.filter(
                reporter=reporter, target_kind=report.kind, target_id=target_id
            ).exists()
        ):
            continue
        report_create(
            reporter=reporter,
            kind=report.kind,
            target_id=target_id,
            reason=report.reason,
            note=report.note,
        )
        filed += 1
    return filed
