"""Reads about members used by the directory, profiles and the API."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest

from mutuals.accounts.models import (
    ApiToken,
    Education,
    Experience,
    Profile,
    ProfileVisibility,
    Topic,
    User,
)
from mutuals.accounts.providers import (
    member_ids_matching,
    not_blocked_with,
    sees_private_profile_of,
)
from mutuals.accounts.topics import topic_slug
from mutuals.core.compiled import CompiledQuery, CompiledShapes, ids_text, in_ids, prefetched
from mutuals.core.pagination import (
    keyset_after,
    keyset_page,
    keyset_result,
    keyset_values,
    page_limit,
)
from mutuals.core.search_terms import MAX_QUERY_LENGTH, terms_parse


def visible_members(viewer: User | int) -> QuerySet[User]:
    """The one rule of which members a member may find (the directory, search): active, not
    themselves, on neither side of a block with them. A member's own choice of who may see
    their profile belongs here too, so every list that finds members honours it. (`viewer`:
    the member or their id.)"""
    viewer_id = viewer if isinstance(viewer, int) else viewer.pk
    # The profile's visibility as a value of the member's row (a scalar subquery on its
    # unique key), not a join: joined, the database hashes every profile before it looks at
    # the members a search's index found; this way each member in question costs one lookup.
    visibility = Subquery(Profile.objects.filter(user_id=OuterRef("pk")).values("visibility")[:1])
    return (
        User.objects.filter(is_active=True)
        .exclude(pk=viewer_id)
        .filter(not_blocked_with(viewer_id))
        .alias(profile_visibility=visibility)
        .filter(
            Q(profile_visibility=ProfileVisibility.COMMUNITY) | sees_private_profile_of(viewer_id)
        )
    )


def member_directory(
    *,
    viewer: User,
    q: str = "",
    topic: str = "",
    company: str = "",
    location: str = "",
) -> QuerySet[User]:
    """Active members the viewer may see (never the viewer, never a blocked pair, never a
    connections-only profile of someone the viewer is not connected to), filtered.

    `q` is searched as the header's search box searches members (`providers.
    member_ids_matching`: name, headline, title, company, topics, experience, education,
    location and bio; every word, the last one as a prefix, case and accents folded; the
    first 200 characters); `topic` is a topic name or slug; `company` and `location` match
    case-insensitively on a part of the field. Ordered by name, then id (stable for cursors).
    """
    members = _directory(viewer.pk)
    if terms := terms_parse(q[:MAX_QUERY_LENGTH]):
        members = members.filter(pk__in=member_ids_matching(terms))
    if topic.strip():
        topic_id = topic_id_of(topic)
        if topic_id is None:
            return members.none()
        members = _following(members, topic_id)
    if company.strip():
        members = members.filter(profile__company__icontains=company.strip())
    if location.strip():
        members = members.filter(profile__location__icontains=location.strip())
    return members.order_by("name", "id")


def _directory(viewer_id: int) -> QuerySet[User]:
    return visible_members(viewer_id).select_related("profile").prefetch_related("profile__topics")


def topic_id_of(topic: str) -> int | None:
    """The id of a topic given by name or slug, or None when there is no such topic."""
    return Topic.objects.filter(slug=topic_slug(topic)).values_list("pk", flat=True).first()


def _following(members: QuerySet[User], topic_id: int) -> QuerySet[User]:
    """The members who follow a topic. A subquery, not a join: every filter keeps one row per
    member, so the list needs no DISTINCT, which would sort every visible member (all their
    columns) before the page is cut (2.5 s at 100,000 members); without it the name index is
    walked in order and stops after a page. The topic's id is read first so that the planner
    knows how common the topic is: by slug it guessed a few hundred members, and for a topic
    a fifth of the community follows, it checked all of them (1 s at 100,000 members)
    instead of walking the names until a page is full (6 ms)."""
    return members.filter(
        Exists(
            Profile.topics.through.objects.filter(
                profile__user_id=OuterRef("pk"), topic_id=topic_id
            )
        )
    )


@dataclass(frozen=True, slots=True)
class MemberCard:
    """What a list shows of a member (the directory, people you may know): read as plain
    values, not model instances, so a page of twenty costs two compiled statements and no
    model building (issue 20: loading the members and their profiles and topics as instances
    was half of `GET /api/members`)."""

    id: int
    name: str
    photo_key: str
    headline: str
    company: str
    title: str
    topics: tuple[str, ...]

    @property
    def pk(self) -> int:  # what the avatar tag and templates read of a member
        return self.id

    @property
    def short_name(self) -> str:
        return self.name.split(" ")[0]

    @staticmethod
    def of(member: User) -> MemberCard:
        """From a member loaded with their profile and its topics."""
        profile = member.profile
        return MemberCard(
            id=member.pk,
            name=member.name,
            photo_key=member.photo_key,
            headline=profile.headline,
            company=profile.company,
            title=profile.title,
            topics=tuple(topic.name for topic in profile.topics.all()),
        )


# A card's columns as read: id, name, photo key, headline, company, title.
type CardRow = tuple[int, str, str, str, str, str]
_CARD_COLUMNS = (
    "pk",
    "name",
    "photo_key",
    "profile__headline",
    "profile__company",
    "profile__title",
)

_card_rows: CompiledQuery[CardRow] = CompiledQuery(
    lambda ids: (
        User.objects.filter(in_ids("pk", ids), is_active=True)
        .order_by()
        .values_list(*_CARD_COLUMNS)
    ),
    ids="-730014,-730015",
)
# The topics' own order (Topic.Meta.ordering: by name, case aside, then id).
_card_topics: CompiledQuery[tuple[int, str]] = CompiledQuery(
    lambda ids: Topic.objects.filter(in_ids("profiles__user_id", ids)).values_list(
        "profiles__user_id", "name"
    ),
    ids="-730016,-730017",
)


def member_cards(ids: Iterable[int]) -> dict[int, MemberCard]:
    """The cards of the active members among `ids`, by id (inactive ones are left out). Two
    statements compiled once per process, whatever the number of ids."""
    text = ids_text(sorted(set(ids)))
    if not text:
        return {}
    return {card.id: card for card in _cards(_card_rows.fetch(ids=text))}


def _cards(rows: list[CardRow]) -> list[MemberCard]:
    """Cards from rows of `_CARD_COLUMNS`, in their order, with their topics (one statement)."""
    if not rows:
        return []
    topics: dict[int, list[str]] = {}
    for member_id, topic in _card_topics.fetch(ids=ids_text(row[0] for row in rows)):
        topics.setdefault(member_id, []).append(topic)
    return [
        MemberCard(
            member_id, name, photo_key, headline, company, title, tuple(topics.get(member_id, ()))
        )
        for member_id, name, photo_key, headline, company, title in rows
    ]


DIRECTORY_KEYS = ("name", "id")


@dataclass(frozen=True)
class _DirectoryShape:
    after: bool  # from a cursor's (name, id)
    topic: bool
    rows: int  # the page's length + 1


def _directory_statement(
    shape: _DirectoryShape,
    viewer_id: int,
    topic_id: int = 0,
    after_name: str = "",
    after_id: int = 0,
) -> QuerySet[User, CardRow]:
    members = visible_members(viewer_id)
    if shape.topic:
        members = _following(members, topic_id)
    members = members.order_by(*DIRECTORY_KEYS)
    if shape.after:
        members = members.filter(keyset_after(DIRECTORY_KEYS, [after_name, after_id]))
    return members.values_list(*_CARD_COLUMNS)[: shape.rows]


_directory_compiled: CompiledShapes[_DirectoryShape, CardRow] = CompiledShapes(
    _directory_statement,
    {
        "viewer_id": -730_011,
        "topic_id": -730_012,
        "after_name": "directory stand-in: name",
        "after_id": -730_013,
    },
)


def member_directory_page(
    *,
    viewer: User,
    q: str = "",
    topic: str = "",
    company: str = "",
    location: str = "",
    cursor: str | None,
    limit: int | None,
) -> tuple[list[MemberCard], str | None]:
    """One page of `member_directory` by name, then id (`keyset_page`'s cursors and limits),
    as cards. Without the text filters (`q`, `company`, `location`: the ORM turns them into
    patterns, so their queryset is built each time) the page is one statement compiled once
    per process and shape (topic or not, cursor or not, length), and its members' topics a
    second: the directory as every member first opens it (issue 20)."""
    if q.strip() or company.strip() or location.strip():
        members, next_cursor = keyset_page(
            member_directory(viewer=viewer, q=q, topic=topic, company=company, location=location),
            keys=DIRECTORY_KEYS,
            cursor=cursor,
            limit=limit,
        )
        return [MemberCard.of(member) for member in members], next_cursor
    limit = page_limit(limit)
    values: dict[str, str | int] = {"viewer_id": viewer.pk}
    if cursor:
        values["after_name"], values["after_id"] = keyset_values(User, DIRECTORY_KEYS, cursor)
    if topic.strip():
        topic_id = topic_id_of(topic)
        if topic_id is None:
            return [], None
        values["topic_id"] = topic_id
    shape = _DirectoryShape(after=bool(cursor), topic="topic_id" in values, rows=limit + 1)
    rows = _directory_compiled.fetch(shape, **values)
    return keyset_result(_cards(rows), keys=DIRECTORY_KEYS, limit=limit)


def member_for_request(request: HttpRequest) -> User:
    """The signed-in member of a web request, with profile and boundaries loaded."""
    return User.objects.select_related("profile", "boundaries").get(pk=cast(int, request.user.pk))


def email_verification_pending(user: User, email: str) -> bool:
    """True while a member may not sign in with `email` because it is not verified and
    verification is mandatory (MUTUALS_EMAIL_VERIFICATION): the sign-in page's rule, which
    allauth applies to its pages and its headless API, and POST /api/auth/token applies too."""
    # Imported here: every command loads this module at start-up and needs none of allauth's
    # account helpers (docs/benchmarks.md, "Start-up").
    from allauth.account import app_settings as account_settings
    from allauth.account.utils import has_verified_email

    mandatory = (
        account_settings.EMAIL_VERIFICATION == account_settings.EmailVerificationMethod.MANDATORY
    )
    return mandatory and not has_verified_email(user, email)


def api_tokens_active(user: User) -> QuerySet[ApiToken]:
    """The member's own tokens not revoked, newest first: the tokens page and the API list."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).order_by(
        "-created_at", "-id"
    )


def topics_search(q: str = "") -> QuerySet[Topic]:
    """Every topic, by slug; `q` matches the name or, written any way, the slug ("Risk Mgmt"
    and "risk-mgmt" find the same)."""
    topics = Topic.objects.all()
    if q := " ".join(q.split()):
        topics = topics.filter(Q(name__icontains=q) | Q(slug__icontains=topic_slug(q)))
    return topics.order_by("slug")


# A member's own profile, read on every `GET /api/me`: compiled once per process.
_own_member: CompiledQuery[User] = CompiledQuery(
    lambda member_id: User.objects.select_related("profile", "boundaries").filter(pk=member_id),
    member_id=-730_001,
)
_profile_topics: CompiledQuery[Topic] = CompiledQuery(
    lambda profile_id: Topic.objects.filter(profiles=profile_id), profile_id=-730_002
)
_experience: CompiledQuery[Experience] = CompiledQuery(
    lambda member_id: Experience.objects.filter(user_id=member_id), member_id=-730_003
)
_education: CompiledQuery[Education] = CompiledQuery(
    lambda member_id: Education.objects.filter(user_id=member_id), member_id=-730_004
)


_active_member: CompiledQuery[User] = CompiledQuery(
    lambda member_id: User.objects.select_related("profile", "boundaries").filter(
        pk=member_id, is_active=True
    ),
    member_id=-730_005,
)


def active_member_with_profile(member_id: int) -> User | None:
    """An active member with their profile (its topics prefetched) and boundaries, or None:
    what the composer's check reads of a recipient on every keystroke (issue 20: two compiled
    queries, as `prefetch_related("profile__topics")` sends)."""
    found: User | None = _active_member.first(member_id=member_id)
    if found is not None:
        prefetched(found.profile, "topics", _profile_topics.fetch(profile_id=found.profile.pk))
    return found


def member_own_profile(member_id: int) -> User:
    """The member with their profile (its topics, experience and education) and boundaries,
    as `GET /api/me` shows them: five compiled queries, no query when the answer is built."""
    member: User | None = _own_member.first(member_id=member_id)
    if member is None:
        raise User.DoesNotExist(member_id)
    prefetched(member.profile, "topics", _profile_topics.fetch(profile_id=member.profile.pk))
    prefetched(member, "experiences", _experience.fetch(member_id=member_id))
    prefetched(member, "education", _education.fetch(member_id=member_id))
    return member
