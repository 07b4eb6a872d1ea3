"""From an export's records to people and what passed between them and the export's owner.

Pure Python, no Django: the import service stores what this finds in the member's private
contact book, and the audit (`audit.py`) computes from it, online and offline.

Who is who
- Every row of Connections.csv is one connection, as LinkedIn counts them. A connection is
  keyed by their LinkedIn profile URL when the export gives one, else by their name (2018 and
  2022 exports have no URL column). Two rows never merge: when a second row has the same key
  (37 people sharing one placeholder URL, two namesakes without URLs) it is keyed by URL and
  name, then e-mail, then its row; each such collision is reported (`Network.collisions`).
- Rows with neither a name nor a URL are people who hide their details from exports: counted
  (`Network.hidden`, with their dates), never a person, since nothing tells them apart.
- Messages find their person by URL and name: a URL that several connections share is
  resolved by the name beside it, and a name none of them has is someone else.
- The export's owner is found from Profile.csv's name, the sender of OUTGOING invitations and
  messages, and the profile URL present in most conversations. A connection with the owner's
  name or URL is the owner's own other profile (`Person.own_profile`): kept in the contact
  book, never ranked as a relationship.
- LinkedIn's own accounts ("The LinkedIn Team", "LinkedIn Premium", ...: a name with the word
  LinkedIn) are not relationships: their messages are excluded and they are listed once
  (`Network.linkedin_accounts`), as are the senders of sponsored messages.

What counts towards a relationship
- Sent and received messages, except drafts (never sent), the SPAM folder, sponsored messages
  (LinkedIn's own promotions and InMail campaigns: `%FIRSTNAME%` placeholders, HTML bodies,
  "LinkedIn Premium" offers) and messages with "LinkedIn Member" (a deleted account: nobody to
  keep a relationship with). Those are counted, never attributed.
- Group conversations: an outgoing message counts for every recipient (read from RECIPIENT
  PROFILE URLS, since names in TO may themselves contain commas); an incoming one for its sender.
"""

from __future__ import annotations

import functools
import re
from array import array
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np

from mutuals.imports.linkedin.records import Export, MessageRecord
from mutuals.imports.linkedin.spool import Spool

LINKEDIN_MEMBER = "linkedin member"
_UNDATED = float("inf")
_SPACES = re.compile(r"\s+")
_HTML = re.compile(r"<(?:html|body|div|table|p|br|span|a)\b", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"%(?:FIRSTNAME|LASTNAME|FULLNAME|COMPANY)%", re.IGNORECASE)
_SPONSOR_WORDS = re.compile(
    r"\b(?:sponsored|linkedin premium|premium team|inmail campaign)\b", re.IGNORECASE
)
_SPONSOR_HINTS = ("remium", "REMIUM", "ponsor", "PONSOR", "nMail", "nmail", "NMAIL", "ampaign")
_SPONSOR_HINT = re.compile("|".join(_SPONSOR_HINTS))
_LINKEDIN_SENDER = re.compile(r"(?:\blinkedin\b|\bfrom$)", re.IGNORECASE)
_LINKEDIN_ACCOUNT = re.compile(r"\blinkedin\b", re.IGNORECASE)


@functools.lru_cache(maxsize=1 << 16)
def normalize_name(name: str) -> str:
    return _SPACES.sub(" ", name).strip().casefold()


@functools.lru_cache(maxsize=1 << 16)
def normalize_url(url: str) -> str:
    """`https://www.linkedin.com/in/Ada/?trk=x` and `linkedin.com/in/ada` are one profile."""
    text = url.strip().lower()
    if not text or "/" not in text:
        return ""
    text = text.split("?", 1)[0].split("#", 1)[0]
    for prefix in ("https://", "http://"):
        text = text.removeprefix(prefix)
    text = text.removeprefix("www.").rstrip("/")
    parts = text.split("/")
    if len(parts) >= 3 and parts[0].endswith("linkedin.com") and parts[1] == "in":
        return f"linkedin.com/in/{parts[2]}"
    return text


def person_key(url: str, name: str) -> str:
    normalized = normalize_url(url)
    return f"url:{normalized}" if normalized else f"name:{normalize_name(name)}"


def is_sponsored(message: MessageRecord) -> bool:
    if message.folder == "SPONSORED":
        return True
    text = message.content
    # Substring tests first: they are cheap, and nearly every message fails all of them.
    if "%" in text and _PLACEHOLDER.search(text):
        return True
    if "<" in text and _HTML.search(text):
        return True
    heading = f"{message.subject} {message.conversation_title}"
    if _SPONSOR_WORDS.search(heading):
        return True
    head = text[:2000]
    if _SPONSOR_HINT.search(head) and _SPONSOR_WORDS.search(head):
        return True
    return not message.sender_url and bool(_LINKEDIN_SENDER.search(message.sender))


EXCERPT_CHARS = 200


def excerpt(text: str) -> str:
    """The start of a message on one line, cut at a word near EXCERPT_CHARS with an ellipsis."""
    flat = " ".join(text.split())
    if len(flat) <= EXCERPT_CHARS:
        return flat
    cut = flat[:EXCERPT_CHARS].rsplit(" ", 1)[0] or flat[:EXCERPT_CHARS]
    return cut.rstrip(",.;:") + "…"


@dataclass(slots=True)
class Person:
    key: str
    name: str
    url: str = ""
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    company: str = ""
    position: str = ""
    connected_on: datetime | None = None
    is_connection: bool = False
    sent: int = 0  # messages the owner sent them
    received: int = 0  # messages they sent the owner
    first_message_at: datetime | None = None
    last_message_at: datetime | None = None
    replies: int = 0  # turns in a conversation where the writer changed (a reply)
    two_way_conversations: int = 0
    conversations: int = 0
    last_sent_at: datetime | None = None
    last_received_at: datetime | None = None
    # The start of the latest message each way: what a re-engage entry quotes.
    last_sent_excerpt: str = ""
    last_received_excerpt: str = ""
    invitation_sent_at: datetime | None = None
    invitation_received_at: datetime | None = None
    invitation_note: str = ""
    endorsements_received: int = 0
    endorsements_given: int = 0
    recommendations: int = 0
    own_profile: bool = False  # the owner's own other profile: never a relationship

    @property
    def messages(self) -> int:
        return self.sent + self.received


@dataclass(slots=True)
class MessageLedger:
    """Every dated message counted towards a relationship, once per person it counts for, in
    the order read: whose (`person`, an index into `keys`), when (POSIX seconds) and whether
    the owner sent it. Three flat arrays, 17 bytes a message: a list of `(datetime, bool)`
    per person was about 110 (200,000 tuples and datetimes, 22 MB for the benchmark's
    export). The strength model reads the arrays as they are (`strength.score_ledger`)."""

    keys: list[str] = field(default_factory=list)
    person: array[int] = field(default_factory=lambda: array("q"))
    at: array[float] = field(default_factory=lambda: array("d"))
    mine: array[int] = field(default_factory=lambda: array("b"))
    _index: dict[str, int] = field(default_factory=dict, repr=False, compare=False)

    def add(self, key: str, at: float, mine: bool) -> None:
        index = self._index.get(key)
        if index is None:
            index = self._index[key] = len(self.keys)
            self.keys.append(key)
        self.person.append(index)
        self.at.append(at)
        self.mine.append(mine)

    def __len__(self) -> int:
        return len(self.at)


class _Threads:
    """The turns of each conversation with each person, to count replies (a turn whose writer
    differs from the one before, in time order) and two-way conversations. Flat arrays, as the
    ledger: a thread number, a time (undated: +inf, so after every dated turn, in the order
    read) and who wrote, per turn."""

    def __init__(self) -> None:
        self.ids: dict[tuple[str, str], int] = {}
        self.thread = array("q")
        self.at = array("d")
        self.mine = array("b")

    def add(self, conversation: str, key: str, at: float, mine: bool) -> None:
        self.thread.append(self.ids.setdefault((conversation, key), len(self.ids)))
        self.at.append(at)
        self.mine.append(mine)

    def count(self, people: dict[str, Person]) -> None:
        """Each person's conversations, replies and two-way conversations."""
        thread = np.frombuffer(self.thread, dtype=np.int64)
        mine = np.frombuffer(self.mine, dtype=np.int8)
        # Stable: turns at the same time (and the undated ones) stay in the order read.
        order = np.lexsort((np.frombuffer(self.at, dtype=np.float64), thread))
        thread, mine = thread[order], mine[order]
        switched = (thread[1:] == thread[:-1]) & (mine[1:] != mine[:-1])
        switches = np.bincount(thread[1:][switched], minlength=len(self.ids)).tolist()
        for (_, key), number in self.ids.items():
            person = people[key]
            person.conversations += 1
            person.replies += switches[number]
            if switches[number]:
                person.two_way_conversations += 1


@dataclass(slots=True)
class Interaction:
    """One event between the owner and a person, for the contact book."""

    person_key: str
    kind: str  # message_sent, message_received, invitation_sent, invitation_received, ...
    at: datetime | None
    text: str
    conversation: str = ""

    def as_tuple(self) -> tuple[str, str, datetime | None, str, str]:
        return (self.person_key, self.kind, self.at, self.text, self.conversation)


def interaction_spool() -> Spool[Interaction]:
    """The interactions of an import, kept on disk past the first batch (`spool.py`): the
    contact book writes them a slice at a time, once every person is known."""
    return Spool(Interaction.as_tuple, _interaction_from_tuple)


def _interaction_from_tuple(values: tuple[Any, ...]) -> Interaction:
    return Interaction(*values)


@dataclass(slots=True)
class Collision:
    """Connections that share a key (a URL or, without URLs, a name): kept apart."""

    by: str  # "url" or "name"
    value: str
    names: list[str]


@dataclass
class Network:
    owner_name: str
    owner_headline: str
    people: dict[str, Person]
    interactions: Spool[Interaction]
    # drafts, spam, sponsored, linkedin_member, linkedin_account, own_profile, unattributed
    excluded: dict[str, int]
    reference_time: datetime | None  # the export's own "now": its latest dated record
    invitations_sent: list[tuple[str, str, datetime | None]]  # (person key, note, sent at)
    invitations_received: int
    sent_per_month: dict[tuple[int, int], int]  # (year, month) -> messages the owner sent
    received_per_month: dict[tuple[int, int], int]
    # Hidden connections (no name, no URL): their "Connected On" dates, one per row.
    hidden: list[datetime | None] = field(default_factory=list)
    collisions: list[Collision] = field(default_factory=list)
    # name -> messages, for LinkedIn's own accounts and the senders of sponsored messages
    linkedin_accounts: dict[str, int] = field(default_factory=dict)
    sponsored_senders: dict[str, int] = field(default_factory=dict)
    messages_attributed: int = 0  # messages counted towards relationships, each once
    ledger: MessageLedger = field(default_factory=MessageLedger)
    messages_undated: int = 0  # of those, without a date


class _Resolver:
    """Finds the person a (url, name) pair means, creating one for strangers."""

    def __init__(self, people: dict[str, Person], owner_names: set[str]) -> None:
        self.people = people
        self.owner_names = owner_names
        urls: dict[str, list[str]] = {}
        names: dict[str, list[str]] = {}
        for person in people.values():
            if person.url:
                urls.setdefault(normalize_url(person.url), []).append(person.key)
            names.setdefault(normalize_name(person.name), []).append(person.key)
        self.by_url = {url: keys[0] for url, keys in urls.items() if len(keys) == 1}
        # A URL several connections share: which of them, by name.
        self.shared = {
            url: {normalize_name(people[key].name): key for key in keys}
            for url, keys in urls.items()
            if len(keys) > 1
        }
        self.by_name = {name: keys[0] for name, keys in names.items() if len(keys) == 1}

    def _create(self, key: str, name: str, url: str) -> Person:
        person = self.people.get(key)
        if person is None:
            person = Person(key=key, name=name or url, url=url)
            person.own_profile = normalize_name(name) in self.owner_names
            self.people[key] = person
        return person

    def resolve(self, url: str, name: str) -> Person | None:
        normalized_url = normalize_url(url)
        normalized_name = normalize_name(name)
        if normalized_url and (key := self.by_url.get(normalized_url)):
            return self.people[key]
        if normalized_url and (group := self.shared.get(normalized_url)) is not None:
            if key := group.get(normalized_name):
                return self.people[key]
            # Behind a URL several connections share, a name none of them has: someone else.
            return self._create(f"url:{normalized_url}|name:{normalized_name}", name, url)
        if not normalized_url and (key := self.by_name.get(normalized_name)):
            return self.people[key]
        if not normalized_url and not normalized_name:
            return None
        if normalized_url and (key := self.by_name.get(normalized_name)):
            # A connection without a URL column (2018/2022) met again with its URL.
            known = self.people[key]
            if not known.url:
                known.url = url
                self.by_url[normalized_url] = key
                return known
        key = person_key(url, name)
        fresh = key not in self.people
        person = self._create(key, name, url)
        if fresh:
            if normalized_url:
                self.by_url[normalized_url] = key
            if normalized_name and normalized_name not in self.by_name:
                self.by_name[normalized_name] = key
        return person


def is_linkedin_account(name: str) -> bool:
    """LinkedIn's own senders ("The LinkedIn Team", "LinkedIn Premium", "LinkedIn Learning"):
    a name with the word LinkedIn, which no person's name has."""
    return bool(_LINKEDIN_ACCOUNT.search(name))


def _connections(
    export: Export, owner_names: set[str], owner_urls: set[str]
) -> tuple[dict[str, Person], list[datetime | None], list[Collision]]:
    """People from Connections.csv, one per row; hidden rows' dates; the collisions."""
    people: dict[str, Person] = {}
    hidden: list[datetime | None] = []
    collided: dict[str, Collision] = {}
    for record in export.connections:
        if record.hidden:
            hidden.append(record.connected_on)
            continue
        key = base = person_key(record.url, record.name)
        if base in people:
            by, value = base.split(":", 1)
            collision = collided.get(base)
            if collision is None:
                collision = Collision(by=by, value=value, names=[people[base].name])
                collided[base] = collision
            collision.names.append(record.name or record.url)
            candidates = [f"{base}|name:{normalize_name(record.name)}"] if by == "url" else []
            if record.email:
                candidates.append(f"{base}|email:{record.email.strip().lower()}")
            candidates.append(f"{base}|row:{record.file}:{record.line}")
            key = next(candidate for candidate in candidates if candidate not in people)
        people[key] = Person(
            key=key,
            name=record.name or record.url,
            url=record.url,
            first_name=record.first_name,
            last_name=record.last_name,
            email=record.email,
            company=record.company,
            position=record.position,
            connected_on=record.connected_on,
            is_connection=True,
            own_profile=normalize_name(record.name) in owner_names
            or normalize_url(record.url) in owner_urls - {""},
        )
    return people, hidden, list(collided.values())


def _owner(export: Export) -> tuple[set[str], set[str]]:
    """The owner's normalized names and profile URLs."""
    names: set[str] = set()
    urls: set[str] = set()
    if export.profile.name:
        names.add(normalize_name(export.profile.name))
    for invitation in export.invitations:
        if invitation.direction == "OUTGOING":
            names.add(normalize_name(invitation.sender))
            if invitation.sender_url:
                urls.add(normalize_url(invitation.sender_url))
        elif invitation.direction == "INCOMING":
            names.add(normalize_name(invitation.recipient))
            if invitation.recipient_url:
                urls.add(normalize_url(invitation.recipient_url))
    presence: Counter[str] = Counter()
    name_of_url: dict[str, str] = {}
    by_conversation: dict[str, set[str]] = {}
    for message in export.messages:
        if message.direction == "OUTGOING":
            names.add(normalize_name(message.sender))
        sender = normalize_url(message.sender_url)
        if sender:
            name_of_url.setdefault(sender, normalize_name(message.sender))
        participants = by_conversation.setdefault(message.conversation_id or message.subject, set())
        if sender:
            participants.add(sender)
        participants.update(normalize_url(url) for url in message.recipient_urls)
    for participants in by_conversation.values():
        presence.update(participants - {""})
    owner_url = _most_present(presence, len(by_conversation), name_of_url, names)
    if owner_url:
        urls.add(owner_url)
        if owner_url in name_of_url:
            names.add(name_of_url[owner_url])
    if not names and export.messages:
        # Nothing else says who the owner is: the name in most messages, as sender or recipient.
        counts: Counter[str] = Counter()
        for message in export.messages:
            counts[normalize_name(message.sender)] += 1
            counts[normalize_name(message.recipients)] += 1
        names.add(counts.most_common(1)[0][0])
    names.discard("")
    urls.discard("")
    return names, urls


def _most_present(
    presence: Counter[str], conversations: int, name_of_url: dict[str, str], names: set[str]
) -> str:
    """The profile URL in most conversations, taken as the owner's when it is in at least
    half of them or carries a name already known as the owner's; "" when nothing decides.

    URLs tied for most conversations (two people writing only to each other) decide only
    through a known name: a tie broken by the order of a set would make the owner depend on
    the process's hash seed, and the name-count fallback below is the better guess.
    """
    if not presence:
        return ""
    top_count = presence.most_common(1)[0][1]
    leaders = sorted(url for url, count in presence.items() if count == top_count)
    known = [url for url in leaders if name_of_url.get(url) in names]
    if len(known) == 1:
        return known[0]
    if len(leaders) == 1 and top_count * 2 >= conversations:
        return leaders[0]
    return ""


def build_network(export: Export, *, keep_interactions: bool = True) -> Network:
    """People, their histories and (for the contact book, `keep_interactions`) every
    interaction. The offline audit needs no interactions and skips building them."""
    owner_names, owner_urls = _owner(export)
    people, hidden, collisions = _connections(export, owner_names, owner_urls)
    resolver = _Resolver(people, owner_names)
    interactions = interaction_spool()
    excluded: Counter[str] = Counter()
    accounts: Counter[str] = Counter()
    sponsors: Counter[str] = Counter()
    attributed = undated = 0
    sent_months: Counter[tuple[int, int]] = Counter()
    received_months: Counter[tuple[int, int]] = Counter()
    latest: datetime | None = None

    def is_owner(name: str, url: str) -> bool:
        normalized_url = normalize_url(url)
        if normalized_url and owner_urls:
            return normalized_url in owner_urls
        return normalize_name(name) in owner_names

    ledger = MessageLedger()
    threads = _Threads()
    for message in export.messages:
        if message.sent_at and (latest is None or message.sent_at > latest):
            latest = message.sent_at
        if message.is_draft:
            excluded["drafts"] += 1
            continue
        if message.folder == "SPAM":
            excluded["spam"] += 1
            continue
        if normalize_name(message.sender) == LINKEDIN_MEMBER:
            excluded["linkedin_member"] += 1
            continue
        if is_sponsored(message):
            excluded["sponsored"] += 1
            sponsors[message.sender] += 1
            continue
        if message.direction:
            outgoing = message.direction == "OUTGOING"
        else:
            outgoing = is_owner(message.sender, message.sender_url)
        if not outgoing and is_linkedin_account(message.sender):
            excluded["linkedin_account"] += 1
            accounts[message.sender] += 1
            continue
        counterparts = list(_counterparts(message, outgoing, owner_urls, resolver))
        if not counterparts:
            excluded["unattributed"] += 1
            continue
        counterparts = [p for p in counterparts if normalize_name(p.name) != LINKEDIN_MEMBER]
        if not counterparts:
            excluded["linkedin_member"] += 1
            continue
        for person in counterparts:
            if is_linkedin_account(person.name):
                accounts[person.name] += 1
        counterparts = [p for p in counterparts if not is_linkedin_account(p.name)]
        if not counterparts:
            excluded["linkedin_account"] += 1
            continue
        counterparts = [p for p in counterparts if not p.own_profile]
        if not counterparts:
            excluded["own_profile"] += 1
            continue
        attributed += 1
        if message.sent_at is None:
            undated += 1
        conversation = message.conversation_id or message.subject
        text = message.content
        stamp = message.sent_at.timestamp() if message.sent_at else _UNDATED
        for person in counterparts:
            if outgoing:
                person.sent += 1
                if message.sent_at and (
                    person.last_sent_at is None or message.sent_at > person.last_sent_at
                ):
                    person.last_sent_at = message.sent_at
                    person.last_sent_excerpt = excerpt(text)
            else:
                person.received += 1
                if message.sent_at and (
                    person.last_received_at is None or message.sent_at > person.last_received_at
                ):
                    person.last_received_at = message.sent_at
                    person.last_received_excerpt = excerpt(text)
            if message.sent_at:
                if person.last_message_at is None or message.sent_at > person.last_message_at:
                    person.last_message_at = message.sent_at
                if person.first_message_at is None or message.sent_at < person.first_message_at:
                    person.first_message_at = message.sent_at
                ledger.add(person.key, stamp, outgoing)
            threads.add(conversation, person.key, stamp, outgoing)
            if keep_interactions:
                interactions.append(
                    Interaction(
                        person_key=person.key,
                        kind="message_sent" if outgoing else "message_received",
                        at=message.sent_at,
                        text=text,
                        conversation=conversation,
                    )
                )
        if message.sent_at is not None:
            month = (message.sent_at.year, message.sent_at.month)
            (sent_months if outgoing else received_months)[month] += 1
    threads.count(people)
    del threads

    invitations_sent: list[tuple[str, str, datetime | None]] = []
    invitations_received = 0
    for invitation in export.invitations:
        if invitation.sent_at and (latest is None or invitation.sent_at > latest):
            latest = invitation.sent_at
        outgoing = invitation.direction == "OUTGOING"
        if outgoing:
            invited = resolver.resolve(invitation.recipient_url, invitation.recipient)
        else:
            invited = resolver.resolve(invitation.sender_url, invitation.sender)
        if invited is None:
            continue
        if outgoing:
            invited.invitation_sent_at = invitation.sent_at
            invited.invitation_note = invitation.message
            invitations_sent.append((invited.key, invitation.message, invitation.sent_at))
        else:
            invited.invitation_received_at = invitation.sent_at
            invitations_received += 1
        interactions.append(
            Interaction(
                person_key=invited.key,
                kind="invitation_sent" if outgoing else "invitation_received",
                at=invitation.sent_at,
                text=invitation.message,
            )
        )
    for endorsement in export.endorsements:
        found = resolver.resolve(endorsement.url, endorsement.name)
        if found is None:
            continue
        if endorsement.received:
            found.endorsements_received += 1
        else:
            found.endorsements_given += 1
        interactions.append(
            Interaction(
                person_key=found.key,
                kind="endorsement_received" if endorsement.received else "endorsement_given",
                at=endorsement.date,
                text=endorsement.skill,
            )
        )
    for recommendation in export.recommendations:
        found = resolver.resolve("", recommendation.name)
        if found is None:
            continue
        found.recommendations += 1
        interactions.append(
            Interaction(
                person_key=found.key,
                kind="recommendation_received"
                if recommendation.received
                else "recommendation_given",
                at=recommendation.date,
                text=recommendation.text,
            )
        )
    member = people.get(f"name:{LINKEDIN_MEMBER}")
    if member is not None and not member.is_connection:
        del people[member.key]
    for person in people.values():
        if person.connected_on and (latest is None or person.connected_on > latest):
            latest = person.connected_on
    for moment in hidden:
        if moment and (latest is None or moment > latest):
            latest = moment
    return Network(
        owner_name=export.profile.name or _display_owner(owner_names),
        owner_headline=export.profile.headline,
        people=people,
        interactions=interactions,
        excluded=dict(excluded),
        reference_time=latest,
        invitations_sent=invitations_sent,
        invitations_received=invitations_received,
        sent_per_month=dict(sent_months),
        received_per_month=dict(received_months),
        hidden=hidden,
        collisions=collisions,
        linkedin_accounts=dict(accounts),
        sponsored_senders=dict(sponsors),
        messages_attributed=attributed,
        messages_undated=undated,
        ledger=ledger,
    )


def _display_owner(names: set[str]) -> str:
    return min(names, key=len).title() if names else ""


def _counterparts(
    message: MessageRecord, outgoing: bool, owner_urls: set[str], resolver: _Resolver
) -> Iterable[Person]:
    if not outgoing:
        person = resolver.resolve(message.sender_url, message.sender)
        return [person] if person is not None else []
    urls = [url for url in message.recipient_urls if normalize_url(url) not in owner_urls]
    if urls:
        names = [part.strip() for part in message.recipients.split(",")]
        if len(urls) > 1 and len(names) != len(urls):
            names = [""] * len(urls)  # names with commas: only the URLs can be trusted
        elif len(urls) == 1:
            names = [message.recipients]
        found = [resolver.resolve(url, name) for url, name in zip(urls, names, strict=False)]
        return [person for person in found if person is not None]
    if not message.recipients:
        return []
    if "," in message.recipients and normalize_name(message.recipients) not in resolver.by_name:
        # "A, B" is a group, or one name with a comma ("Brennan, Thandi"): a group only when
        # every part is someone already known.
        parts = [part.strip() for part in message.recipients.split(",") if part.strip()]
        known = [resolver.by_name.get(normalize_name(part)) for part in parts]
        if len(parts) > 1 and all(known):
            return [resolver.people[key] for key in known if key]
    whole = resolver.resolve("", message.recipients)
    return [whole] if whole is not None else []
