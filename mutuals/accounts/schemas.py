"""API shapes for members (docs/api.md "Accounts and members")."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from pydantic import Field

from mutuals.accounts.models import ApiToken, Boundaries, Education, Experience, Profile, User
from mutuals.accounts.photos import photo_url, photo_url_for, photo_urls
from mutuals.core.schemas import Schema

if TYPE_CHECKING:
    from mutuals.accounts.selectors import MemberCard


class TokenIn(Schema):
    email: str = Field(max_length=254)
    password: str = Field(max_length=4096)
    label: str = Field(default="API token", max_length=80)


class TokenOut(Schema):
    token: str


class ApiTokenOut(Schema):
    """A token as its owner sees it later: never the token itself, only where it starts."""

    id: int
    label: str = Field(description="the name given when it was created")
    prefix: str = Field(description="its first characters, to recognise it")
    created_at: datetime
    last_used_at: datetime | None = Field(description="to the minute; null when never used")

    @staticmethod
    def build(token: ApiToken) -> ApiTokenOut:
        return ApiTokenOut(
            id=token.pk,
            label=token.label,
            prefix=token.prefix,
            created_at=token.created_at,
            last_used_at=token.last_used_at,
        )


class ApiTokenPage(Schema):
    items: list[ApiTokenOut]
    next: str | None


_START = "month as YYYY-MM, or the year alone as YYYY when only years are known"
_END = "as `start`; empty or null: it goes on (present)"


class ExperienceOut(Schema):
    id: int
    organisation: str
    role: str
    location: str
    description: str
    start: str = Field(description=_START)
    end: str | None = Field(description="as `start`; null while it goes on (present)")

    @staticmethod
    def build(entry: Experience) -> ExperienceOut:
        return ExperienceOut(
            id=entry.pk,
            organisation=entry.organisation,
            role=entry.role,
            location=entry.location,
            description=entry.description,
            start=entry.start,
            end=entry.end or None,
        )


class EducationOut(Schema):
    id: int
    school: str
    degree: str
    field_of_study: str
    description: str
    start: str | None = Field(description=f"{_START}; null when not given")
    end: str | None = Field(description="as `start`; null when not given (with a start: present)")

    @staticmethod
    def build(entry: Education) -> EducationOut:
        return EducationOut(
            id=entry.pk,
            school=entry.school,
            degree=entry.degree,
            field_of_study=entry.field_of_study,
            description=entry.description,
            start=entry.start or None,
            end=entry.end or None,
        )


class ExperienceIn(Schema):
    organisation: str = Field(max_length=500)
    role: str = Field(max_length=500)
    location: str = Field(default="", max_length=500)
    description: str = Field(default="", max_length=4000)
    start: str = Field(max_length=20, description=_START)
    end: str | None = Field(default=None, max_length=20, description=_END)


class ExperiencePatch(Schema):
    """Any subset of an entry; `end: null` makes it current."""

    organisation: str = Field(default=None, max_length=500)  # type: ignore[assignment]
    role: str = Field(default=None, max_length=500)  # type: ignore[assignment]
    location: str = Field(default=None, max_length=500)  # type: ignore[assignment]
    description: str = Field(default=None, max_length=4000)  # type: ignore[assignment]
    start: str = Field(default=None, max_length=20, description=_START)  # type: ignore[assignment]
    end: str | None = Field(default=None, max_length=20, description=_END)


class EducationIn(Schema):
    school: str = Field(max_length=500)
    degree: str = Field(default="", max_length=500)
    field_of_study: str = Field(default="", max_length=500)
    description: str = Field(default="", max_length=4000)
    start: str | None = Field(default=None, max_length=20, description=_START)
    end: str | None = Field(default=None, max_length=20, description=_END)


class EducationPatch(Schema):
    """Any subset of an entry; `start: null` or `end: null` clears that date."""

    school: str = Field(default=None, max_length=500)  # type: ignore[assignment]
    degree: str = Field(default=None, max_length=500)  # type: ignore[assignment]
    field_of_study: str = Field(default=None, max_length=500)  # type: ignore[assignment]
    description: str = Field(default=None, max_length=4000)  # type: ignore[assignment]
    start: str | None = Field(default=None, max_length=20, description=_START)
    end: str | None = Field(default=None, max_length=20, description=_END)


class HistoryOrderIn(Schema):
    ids: list[int] = Field(max_length=100, description="every entry of yours, in the new order")


class ExperienceList(Schema):
    items: list[ExperienceOut]
    next: None = None


class EducationList(Schema):
    items: list[EducationOut]
    next: None = None


class PhotoOut(Schema):
    photo_url: str | None = Field(description="the 160-pixel square; null without a photo")
    sizes: dict[str, str] = Field(description="pixels a side → address of that square")

    @staticmethod
    def build(member: User) -> PhotoOut:
        return PhotoOut(
            photo_url=photo_url(member),
            sizes={str(size): url for size, url in photo_urls(member).items()},
        )


class ProfileOut(Schema):
    name: str
    headline: str
    bio: str
    company: str
    title: str
    location: str
    topics: list[str]
    offers: list[str]
    looking_for: list[str]
    linkedin_url: str
    photo_url: str | None
    experience: list[ExperienceOut]
    education: list[EducationOut]

    @staticmethod
    def build(profile: Profile) -> ProfileOut:
        member = profile.user
        return ProfileOut(
            name=profile.user.name,
            headline=profile.headline,
            bio=profile.bio,
            company=profile.company,
            title=profile.title,
            location=profile.location,
            topics=[topic.name for topic in profile.topics.all()],
            offers=list(profile.offers),
            looking_for=list(profile.looking_for),
            linkedin_url=profile.linkedin_url,
            photo_url=photo_url(member),
            experience=[ExperienceOut.build(e) for e in member.experiences.all()],
            education=[EducationOut.build(e) for e in member.education.all()],
        )


class BoundariesOut(Schema):
    weekly_capacity: int
    open_intents: list[str]
    quiet_until: datetime | None
    min_personalization: int
    open_to_introductions: bool
    low_bandwidth: bool
    time_zone: str

    @staticmethod
    def build(boundaries: Boundaries) -> BoundariesOut:
        return BoundariesOut(
            weekly_capacity=boundaries.weekly_capacity,
            open_intents=list(boundaries.open_intents),
            quiet_until=boundaries.quiet_until,
            min_personalization=boundaries.min_personalization,
            open_to_introductions=boundaries.open_to_introductions,
            low_bandwidth=boundaries.low_bandwidth,
            time_zone=boundaries.time_zone,
        )


class MeOut(Schema):
    id: int
    name: str
    email: str
    profile: ProfileOut
    boundaries: BoundariesOut

    @staticmethod
    def build(user: User) -> MeOut:
        return MeOut(
            id=user.pk,
            name=user.name,
            email=user.email,
            profile=ProfileOut.build(user.profile),
            boundaries=BoundariesOut.build(user.boundaries),
        )


class ProfilePatch(Schema):
    """Any subset of the profile; fields left out stay as they are."""

    name: str = Field(default=None, max_length=120)  # type: ignore[assignment]
    headline: str = Field(default=None, max_length=160)  # type: ignore[assignment]
    bio: str = Field(default=None, max_length=2000)  # type: ignore[assignment]
    company: str = Field(default=None, max_length=120)  # type: ignore[assignment]
    title: str = Field(default=None, max_length=120)  # type: ignore[assignment]
    location: str = Field(default=None, max_length=120)  # type: ignore[assignment]
    topics: list[str] = Field(default=None, max_length=50)  # type: ignore[arg-type]
    offers: list[str] = Field(default=None, max_length=50)  # type: ignore[arg-type]
    looking_for: list[str] = Field(default=None, max_length=50)  # type: ignore[arg-type]
    linkedin_url: str = Field(default=None, max_length=300)  # type: ignore[assignment]


class BoundariesPatch(Schema):
    """Any subset of the boundaries; `quiet_until: null` ends a quiet period."""

    weekly_capacity: int = None  # type: ignore[assignment]
    open_intents: list[str] = Field(default=None, max_length=20)  # type: ignore[arg-type]
    quiet_until: datetime | None = None
    min_personalization: int = None  # type: ignore[assignment]
    open_to_introductions: bool = None  # type: ignore[assignment]
    low_bandwidth: bool = None  # type: ignore[assignment]
    time_zone: str = Field(default=None, max_length=64)  # type: ignore[assignment]


# How every other answer names a member (a sender, an author, an organizer, a participant…):
# one shape, so a client reads a member the same way everywhere.
class MemberRefOut(Schema):
    id: int
    name: str
    headline: str
    photo_url: str | None = Field(
        default=None, description="their photo, a 160-pixel square; null: show their initials"
    )

    @staticmethod
    def build(member: User) -> MemberRefOut:
        """From a member loaded with their profile."""
        return MemberRefOut(
            id=member.pk,
            name=member.name,
            headline=member.profile.headline,
            photo_url=photo_url(member),
        )


class MemberOut(Schema):
    id: int
    name: str
    headline: str
    company: str
    title: str
    topics: list[str]
    degree: int | None = Field(description="1, 2 or 3 (3rd+), null when not reachable")
    photo_url: str | None = Field(description="a 160-pixel square; null: show their initials")

    @staticmethod
    def build(card: MemberCard, degree: int | None) -> MemberOut:
        """From a member's card (`MemberCard.of(member)` for a member loaded with their profile
        and its topics)."""
        return MemberOut(
            id=card.id,
            name=card.name,
            headline=card.headline,
            company=card.company,
            title=card.title,
            topics=list(card.topics),
            degree=degree,
            photo_url=photo_url_for(card.id, card.photo_key),
        )


class MemberDetailOut(MemberOut):
    bio: str
    location: str
    offers: list[str]
    looking_for: list[str]
    mutual_count: int
    experience: list[ExperienceOut]
    education: list[EducationOut]


class MemberPage(Schema):
    items: list[MemberOut]
    next: str | None


class PrivacyOut(Schema):
    """Who sees your profile and what your connections may take (docs/api.md "Privacy")."""

    visibility: str = Field(description="community or connections")
    phone: str
    shared_contacts: list[str] = Field(description="among email, phone, linkedin_url")

    @staticmethod
    def build(profile: Profile) -> PrivacyOut:
        return PrivacyOut(
            visibility=profile.visibility,
            phone=profile.phone,
            shared_contacts=list(profile.shared_contacts),
        )


class PrivacyPatch(Schema):
    """Any subset of the privacy settings; fields left out stay as they are."""

    visibility: str = Field(default=None, max_length=20)  # type: ignore[assignment]
    phone: str = Field(default=None, max_length=60)  # type: ignore[assignment]
    shared_contacts: list[str] = Field(default=None, max_length=10)  # type: ignore[arg-type]


class ConductOut(Schema):
    """The code of conduct in force, and whether you accepted it."""

    version: int
    text: str
    published_at: datetime
    accepted: bool = Field(description="you accepted this version")


class ConductIn(Schema):
    text: str = Field(max_length=20000)


class ConductAcceptIn(Schema):
    version: int = Field(ge=1, le=2_000_000_000)
