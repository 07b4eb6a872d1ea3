"""What apps above accounts provide to it, registered when they start (`AppConfig.ready`).

- **Who a member may not see.** A block hides two members from each other, and blocks are
  connections' (`ConnectionsConfig.ready` registers `blocked_ids`, `is_blocked_between` and
  `not_blocked_with`):
  `access.access_member_by_id` and `selectors.member_directory` ask here. Nothing registered
  is an error, not "nobody is hidden": a missing rule must not show a blocked member.
- **Who sees a connections-only profile.** A member may show their profile to their
  connections only (`Profile.visibility`); connections are connections' too
  (`ConnectionsConfig.ready` registers `sees_private_profile_of`, a filter on members):
  `access.access_profile_by_id` and `selectors.member_directory` ask here.
- **The boundaries page's other parts.** How a member hears of each kind of notification is
  engagement's (`EngagementConfig.ready` registers `pages.delivery_section`): the page shows
  every registered part below its own form, each with its own form and URL.
- **Degree of separation.** The graph is introductions' (`IntroductionsConfig.ready`
  registers `proximity_for`): the members API and pages show each member's degree and the
  connections they share.
- **What a member leaving pauses.** The pact is engagement's (`EngagementConfig.ready`
  registers `pact_pauses.pact_leaving`): a member in their deletion grace period
  (`deletion.account_deletion_request`) pauses it, and resumes it if they stay
  (`deletion.account_deletion_cancel`). Nothing registered pauses nothing.
- **Member search.** The index is search's (`SearchConfig.ready` registers
  `member_ids_matching`): the connections list (engagement) filters by the same search as
  the header's box.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q
from django.db.models.expressions import RawSQL

from mutuals.core.search_terms import Terms

if TYPE_CHECKING:
    from django.http import HttpRequest

    from mutuals.accounts.models import User


class MemberProximity(Protocol):
    @property
    def degree(self) -> int | None: ...  # 1, 2, 3 (exactly three hops), None further

    @property
    def mutual_count(self) -> int: ...


@dataclass(frozen=True)
class BlockRule:
    blocked_ids: Callable[[int], Collection[int]]  # members blocked either way with one
    is_blocked_between: Callable[[int, int], bool]
    # The same as a filter on rows whose member field (the second argument) is blocked
    # with neither side, in SQL (no query of its own).
    not_blocked_with: Callable[[int, str], Q]


class LeavingListener(Protocol):
    """Told when a member starts their deletion grace period (`leaving=True`) or cancels it
    (`leaving=False`), inside the same transaction."""

    def __call__(self, *, member_id: int, leaving: bool, at: datetime) -> object: ...


# A filter on members: those whose connections-only profile the viewer (the id) sees.
AudienceFilter = Callable[[int], Q]

ProximityFor = Callable[[int, Iterable[int]], Mapping[int, MemberProximity]]
# A part of the boundaries page: its HTML for the member (with its own form).
BoundariesSection = Callable[["HttpRequest", "User"], str]
# The ids of members whose searchable text matches these words, as a subquery.
MemberMatching = Callable[[Terms], RawSQL]

_block_rule: list[BlockRule] = []
_proximity: list[ProximityFor] = []
_audience: list[AudienceFilter] = []
_boundaries_sections: list[BoundariesSection] = []
_member_matching: list[MemberMatching] = []
_leaving_listeners: list[LeavingListener] = []


def block_rule_register(rule: BlockRule) -> None:
    """The one rule of who is hidden from whom (registering it again is harmless)."""
    _register_one(_block_rule, rule, "block rule")


def proximity_register(proximity_for: ProximityFor) -> None:
    """The one source of degrees of separation (registering it again is harmless)."""
    _register_one(_proximity, proximity_for, "source of degrees of separation")


def audience_register(audience_filter: AudienceFilter) -> None:
    """The one rule of who sees a connections-only profile (registering it again is
    harmless)."""
    _register_one(_audience, audience_filter, "audience of connections-only profiles")


def sees_private_profile_of(viewer_id: int) -> Q:
    """A filter on members: those whose connections-only profile the viewer sees (their
    connections, and members with a request open between them: to answer it, one must see
    who asks)."""
    return _one(_audience, "audience of connections-only profiles")(viewer_id)


def boundaries_section_register(section: BoundariesSection) -> None:
    """Add a part to the boundaries page (registering the same one again is harmless)."""
    if section not in _boundaries_sections:
        _boundaries_sections.append(section)


def boundaries_sections(request: HttpRequest, member: User) -> list[str]:
    """The registered parts of the boundaries page, rendered for the member."""
    return [section(request, member) for section in _boundaries_sections]


def member_matching_register(matching: MemberMatching) -> None:
    """The one member search (registering it again is harmless)."""
    _register_one(_member_matching, matching, "member search")


def blocked_ids(member_id: int) -> Collection[int]:
    """Members blocked either way with this member."""
    return _one(_block_rule, "block rule").blocked_ids(member_id)


def not_blocked_with(member_id: int, field: str = "pk") -> Q:
    """A filter on rows whose member `field` is on neither side of a block with this member
    (subqueries: a list filtered by it costs no extra query)."""
    return _one(_block_rule, "block rule").not_blocked_with(member_id, field)


def is_blocked_between(member_id: int, other_id: int) -> bool:
    return _one(_block_rule, "block rule").is_blocked_between(member_id, other_id)


def proximity_for(viewer_id: int, member_ids: Iterable[int]) -> Mapping[int, MemberProximity]:
    """Each member's degree of separation from the viewer and the connections they share."""
    return _one(_proximity, "source of degrees of separation")(viewer_id, member_ids)


def member_ids_matching(terms: Terms) -> RawSQL:
    """Ids of members matching these words as the search box matches them (a subquery for
    `pk__in`), before any visibility rule."""
    return _one(_member_matching, "member search")(terms)


def leaving_listener_register(listener: LeavingListener) -> None:
    """Add what hears of a member leaving or staying (once)."""
    if listener not in _leaving_listeners:
        _leaving_listeners.append(listener)


def leaving_listeners() -> list[LeavingListener]:
    return list(_leaving_listeners)


def _register_one[T](slot: list[T], provider: T, what: str) -> None:
    if slot and slot[0] != provider:
        raise ImproperlyConfigured(f"Two apps register the {what}.")
    slot[:] = [provider]


def _one[T](slot: list[T], what: str) -> T:
    if not slot:
        raise ImproperlyConfigured(f"No app registered the {what}.")
    return slot[0]
