"""Members: the account (`User`), the public `Profile` with its `Experience` and `Education`
entries, private `Boundaries`, API tokens.

Every member has exactly one profile and one boundaries row; `accounts.services.member_provision`
creates them wherever a user is created (sign-up, `createmember`, the demo, the admin).
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from mutuals.core.models import TimeStampedModel

MAX_TOPICS_PER_MEMBER = 12
MAX_LIST_ITEMS = 8


class Intent(models.TextChoices):
    """Why a member reaches out (DESIGN §1: be clear about intentions)."""

    ADVICE = "advice", "Advice"
    MENTORSHIP = "mentorship", "Mentorship"
    COLLABORATION = "collaboration", "Collaboration"
    REFERRAL = "referral", "Job referral"
    KNOWLEDGE_EXCHANGE = "knowledge_exchange", "Knowledge exchange"
    HIRING = "hiring", "Hiring"
    PEER = "peer", "Peer connection"


ALL_INTENTS: list[str] = [choice.value for choice in Intent]


class MemberManager(BaseUserManager["User"]):
    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        # Imported here: services imports this module.
        from mutuals.accounts.services import member_provision

        if not email:
            raise ValueError("A member needs an e-mail address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        member_provision(user=user)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A member's account. The e-mail is the login; the name is shown to other members."""

    email = models.EmailField("e-mail address", max_length=254, unique=True)
    name = models.CharField(max_length=120)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    # The profile photo (accounts.photos): the hash of its content names its files, so a new
    # photo gets new addresses and each can be cached for ever. Empty: the initials are shown.
    # On the account rather than the profile because a face goes wherever the name goes, and
    # every list that names a member already loads this row.
    photo_key = models.CharField(max_length=32, blank=True, db_default="")

    objects: ClassVar[MemberManager] = MemberManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ci"),
        ]
        indexes = [models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.name or self.email

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email


class Topic(models.Model):
    """A normalized, reusable tag: "Risk management" and "risk  Management" are one topic."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=60)

    class Meta:
        # Case-insensitively ("agile" among the A's, not after "Zoning"; issue 19), with an
        # index on that order. Lists that sort topics use TOPIC_ORDER.
        ordering = [Lower("name"), "id"]
        indexes = [models.Index(Lower("name"), "id", name="topic_name_ci")]

    def __str__(self) -> str:
        return self.name


class ProfileVisibility(models.TextChoices):
    """Who may see a member's profile: the directory, their page, the members API and
    people-you-may-know honour it (docs/api.md "Privacy")."""

    COMMUNITY = "community", "Every member of the community"
    CONNECTIONS = "connections", "My connections only"


class ContactDetail(models.TextChoices):
    """A contact detail a member may let their connections take (the vCard export)."""

    EMAIL = "email", "E-mail address"
    PHONE = "phone", "Phone number"
    LINKEDIN = "linkedin_url", "LinkedIn profile"


CONTACT_DETAILS: list[str] = [choice.value for choice in ContactDetail]
# How lists of topics are sorted everywhere: by name whatever its case, then by id.
TOPIC_ORDER = (Lower("name"), "id")


class Profile(TimeStampedModel):
    """What other members see: who they are and what they offer and seek."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    headline = models.CharField(max_length=160, blank=True)
    bio = models.TextField(max_length=2000, blank=True)
    company = models.CharField(max_length=120, blank=True, db_index=True)
    title = models.CharField(max_length=120, blank=True)
    location = models.CharField(max_length=120, blank=True, db_index=True)
    topics = models.ManyToManyField(Topic, blank=True, related_name="profiles")
    offers = models.JSONField(default=list, blank=True)
    looking_for = models.JSONField(default=list, blank=True)
    # Their public LinkedIn profile, normalized (imports match contacts to members by it).
    linkedin_url = models.CharField(max_length=300, blank=True, db_index=True)
    # Privacy (issue 18): who sees the profile, and what connections may take with them.
    visibility = models.CharField(
        max_length=12, choices=ProfileVisibility.choices, default=ProfileVisibility.COMMUNITY
    )
    # Never shown to anyone; given to connections only when "phone" is in `shared_contacts`.
    phone = models.CharField(max_length=40, blank=True)
    # Which of CONTACT_DETAILS connections may take (the vCard of "Download my data").
    shared_contacts = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return f"Profile of {self.user}"

    @property
    def role_line(self) -> str:
        """ "Title at Company", or whichever of the two is set."""
        return " at ".join(part for part in (self.title, self.company) if part)

    @property
    def headline_says_role(self) -> bool:
        """Whether the headline already reads as the role line (shown once, not twice)."""
        return " ".join(self.headline.lower().split()) == " ".join(self.role_line.lower().split())


MAX_EXPERIENCE_ENTRIES = 30
MAX_EDUCATION_ENTRIES = 15


class HistoryEntry(TimeStampedModel):
    """A dated line of a member's history, to the month: it began `started_on` and ended
    `ended_on` (both the first day of their month; no end is "present"). `year_only` when the
    source knew only years (LinkedIn's Education.csv writes "2014"), so the page shows "2014",
    not "Jan 2014". `position` is the member's own order on their page."""

    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    year_only = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True

    @property
    def is_current(self) -> bool:
        return self.started_on is not None and self.ended_on is None

    def _text(self, day: date | None) -> str:
        """As the forms and the API write it: "2021-03", or "2021" when only years are known."""
        if day is None:
            return ""
        return f"{day.year}" if self.year_only else f"{day.year}-{day.month:02d}"

    @property
    def start(self) -> str:
        return self._text(self.started_on)

    @property
    def end(self) -> str:
        return self._text(self.ended_on)

    def _label(self, day: date) -> str:
        return f"{day.year}" if self.year_only else day.strftime("%b %Y")

    @property
    def period(self) -> str:
        """ "Mar 2021 – present", "2014 – 2018", "until 2012", or "" when undated."""
        if self.started_on is None:
            return f"until {self._label(self.ended_on)}" if self.ended_on else ""
        end = self._label(self.ended_on) if self.ended_on else "present"
        start = self._label(self.started_on)
        return start if start == end else f"{start} – {end}"


def _dates_in_order(prefix: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=models.Q(ended_on__isnull=True)
        | models.Q(started_on__isnull=True)
        | models.Q(ended_on__gte=models.F("started_on")),
        name=f"{prefix}_ends_after_start",
    )


class Experience(HistoryEntry):
    """A position a member held or holds: an organisation, a role, when (issue 19)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="experiences")
    organisation = models.CharField(max_length=120)
    role = models.CharField(max_length=120)
    location = models.CharField(max_length=120, blank=True)
    description = models.TextField(max_length=1000, blank=True)

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["user", "position"])]
        constraints = [
            _dates_in_order("experience"),
            models.CheckConstraint(
                condition=models.Q(started_on__isnull=False), name="experience_has_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role} at {self.organisation}"


class Education(HistoryEntry):
    """A school a member attended, with the degree and field when they give them."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="education")
    school = models.CharField(max_length=160)
    degree = models.CharField(max_length=160, blank=True)
    field_of_study = models.CharField(max_length=120, blank=True)
    description = models.TextField(max_length=1000, blank=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name_plural = "education"
        indexes = [models.Index(fields=["user", "position"])]
        constraints = [_dates_in_order("education")]

    def __str__(self) -> str:
        return f"{self.degree or 'Studies'} at {self.school}"


class Boundaries(TimeStampedModel):
    """A member's private limits; never readable or writable by anyone else (DESIGN §1)."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="boundaries")
    weekly_capacity = models.PositiveSmallIntegerField(default=10)
    open_intents = models.JSONField(default=list)
    quiet_until = models.DateTimeField(null=True, blank=True)
    min_personalization = models.PositiveSmallIntegerField(default=40)
    open_to_introductions = models.BooleanField(default=True)
    low_bandwidth = models.BooleanField(default=False)
    # IANA name; pact deadlines fall at the end of the day here.
    time_zone = models.CharField(max_length=64, default="UTC")

    MIN_CAPACITY: ClassVar[int] = 1
    MAX_CAPACITY: ClassVar[int] = 50

    class Meta:
        verbose_name_plural = "boundaries"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weekly_capacity__gte=1, weekly_capacity__lte=50),
                name="boundaries_weekly_capacity_range",
            ),
            models.CheckConstraint(
                condition=models.Q(min_personalization__lte=100),
                name="boundaries_min_personalization_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Boundaries of {self.user}"

    def is_quiet(self, at: Any = None) -> bool:
        moment = at or timezone.now()
        return self.quiet_until is not None and self.quiet_until > moment


class ApiToken(models.Model):
    """A personal access token. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    label = models.CharField(max_length=80)
    prefix = models.CharField(max_length=12)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.label} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class AccountDeletion(models.Model):
    """A member's request to delete their account (issue 18). While it waits (`erase_after`
    in the future, neither cancelled nor erased) the account is inactive, so it is hidden
    like any inactive one; signing in cancels it (`services.account_deletion_cancel`); once
    due, `mutuals sweep` erases the member (`rights.erasure`). One row per member: asking
    again after a cancellation reuses it."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="deletion")
    requested_at = models.DateTimeField()
    erase_after = models.DateTimeField(db_index=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(erase_after__gte=models.F("requested_at")),
                name="account_deletion_erase_after_request",
            ),
        ]

    def __str__(self) -> str:
        return f"Deletion of member {self.user_id}"

    @property
    def pending(self) -> bool:
        return self.cancelled_at is None and self.erased_at is None


class CodeOfConduct(models.Model):
    """One published version of the community's code of conduct; the newest is in force.
    Organizers publish a new version (never edit one a member accepted)."""

    version = models.PositiveIntegerField(unique=True)
    text = models.TextField(max_length=20000)
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"Code of conduct v{self.version}"


class ConductAcceptance(models.Model):
    """A member accepted this version of the code of conduct (at sign-up, or later)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="conduct_acceptances")
    version = models.PositiveIntegerField()
    accepted_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "version"], name="one_acceptance_per_version")
        ]

    def __str__(self) -> str:
        return f"Member {self.user_id} accepted v{self.version}"
