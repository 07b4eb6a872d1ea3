"""From an export's records to people and what passed between them and the export's owner.

Pure Python, no Django: the import service stores what this finds in the member's private
contact book, and the audit (`audit.py`) computes from it, online and offline.

Who is who
- A person is identified by their LinkedIn profile URL when the export gives one, else by their
  name (2018 and 2022 exports have no URL column in Connections.csv). Messages find their person
  by URL first, then by a name that only one connection has.
- The export's owner is found from Profile.csv's name, the sender of OUTGOING invitations and
  messages, and the profile URL present in most conversations.

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
import itertools
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from mutuals.imports.linkedin.records import Export, MessageRecord

LINKEDIN_MEMBER = "linkedin member"
_SPACES = re.compile(r"\s+")
_HTML = re.compile(r"<(?:html|body|div|table|p|br|span|a)\b", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"%(?:FIRSTNAME|LASTNAME|FULLNAME|COMPANY)%", re.IGNORECASE)
_SPONSOR_WORDS = re.compile(
    r"\b(?:sponsored|linkedin premium|premium team|inmail campaign)\b", re.IGNORECASE
)
_SPONSOR_HINTS = ("remium", "REMIUM", "ponsor", "PONSOR", "nMail", "nmail", "NMAIL", "ampaign")
_SPONSOR_HINT = re.compile("|".join(_SPONSOR_HINTS))
_LINKEDIN_SENDER = re.compile(r"(?:\blinkedin\b|\bfrom$)", re.IGNORECASE)


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
    invitation_sent_at: datetime | None = None
    invitation_received_at: datetime | None = None
    invitation_note: str = ""
    endorsements_received: int = 0
    endorsements_given: int = 0
    recommendations: int = 0
    message_times: list[datetime] = field(default_factory=list)

    @property
    def messages(self) -> int:
        return self.sent + self.received


@dataclass(slots=True)
class Interaction:
    """One event between the owner and a person, for the contact book."""

    person_key: str
    kind: str  # message_sent, message_received, invitation_sent, invitation_received, ...
    at: datetime | None
    text: str
    conversation: str = ""


@dataclass
class Network:
    owner_name: str
    owner_headline: str
    people: dict[str, Person]
    interactions: list[Interaction]
    excluded: dict[str, int]  # drafts, spam, sponsored, linkedin_member, unattributed
    reference_time: datetime | None  # the export's own "now": its latest dated record
    invitations_sent: list[tuple[str, str, datetime | None]]  # (person key, note, sent at)
    invitations_received: int
    sent_per_month: dict[tuple[int, int], int]  # (year, month) -> messages the owner sent
    received_per_month: dict[tuple[int, int], int]


class _Resolver:
    """Finds the person a (url, name) pair means, creating one for strangers."""

    def __init__(self, people: dict[str, Person]) -> None:
        self.people = people
        self.by_url: dict[str, str] = {}
        names: dict[str, list[str]] = {}
        for person in people.values():
            if person.url:
                self.by_url[normalize_url(person.url)] = person.key
            names.setdefault(normalize_name(person.name), []).append(person.key)
        self.by_name = {name: keys[0] for name, keys in names.items() if len(keys) == 1}

    def resolve(self, url: str, name: str) -> Person | None:
        normalized_url = normalize_url(url)
        if normalized_url and (key := self.by_url.get(normalized_url)):
            return self.people[key]
        normalized_name = normalize_name(name)
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
        person = self.people.get(key)
        if person is None:
            person = Person(key=key, name=name or url, url=url)
            self.people[key] = person
            if normalized_url:
                self.by_url[normalized_url] = key
            if normalized_name and normalized_name not in self.by_name:
                self.by_name[normalized_name] = key
        return person


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
    if presence:
        top, count = presence.most_common(1)[0]
        if count * 2 >= len(by_conversation) or name_of_url.get(top) in names:
            urls.add(top)
            if top in name_of_url:
                names.add(name_of_url[top])
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


def build_network(export: Export, *, keep_interactions: bool = True) -> Network:
    """People, their histories and (for the contact book, `keep_interactions`) every
    interaction. The offline audit needs no interactions and skips building them."""
    owner_names, owner_urls = _owner(export)
    people: dict[str, Person] = {}
    for record in export.connections:
        key = person_key(record.url, record.name)
        person = people.get(key)
        if person is None:
            person = Person(key=key, name=record.name)
            people[key] = person
        person.first_name = person.first_name or record.first_name
        person.last_name = person.last_name or record.last_name
        person.url = person.url or record.url
        person.email = person.email or record.email
        person.company = person.company or record.company
        person.position = person.position or record.position
        person.is_connection = True
        if record.connected_on and (
            person.connected_on is None or record.connected_on < person.connected_on
        ):
            person.connected_on = record.connected_on
    resolver = _Resolver(people)
    interactions: list[Interaction] = []
    excluded: Counter[str] = Counter()
    sent_months: Counter[tuple[int, int]] = Counter()
    received_months: Counter[tuple[int, int]] = Counter()
    latest: datetime | None = None

    def is_owner(name: str, url: str) -> bool:
        normalized_url = normalize_url(url)
        if normalized_url and owner_urls:
            return normalized_url in owner_urls
        return normalize_name(name) in owner_names

    # conversation -> person key -> [(time, outgoing)] to count replies and two-way threads
    threads: dict[tuple[str, str], list[tuple[datetime | None, bool]]] = {}
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
            continue
        if message.direction:
            outgoing = message.direction == "OUTGOING"
        else:
            outgoing = is_owner(message.sender, message.sender_url)
        counterparts = list(_counterparts(message, outgoing, owner_urls, resolver))
        if not counterparts:
            excluded["unattributed"] += 1
            continue
        counterparts = [p for p in counterparts if normalize_name(p.name) != LINKEDIN_MEMBER]
        if not counterparts:
            excluded["linkedin_member"] += 1
            continue
        conversation = message.conversation_id or message.subject
        text = message.content
        for person in counterparts:
            if outgoing:
                person.sent += 1
                if message.sent_at and (
                    person.last_sent_at is None or message.sent_at > person.last_sent_at
                ):
                    person.last_sent_at = message.sent_at
            else:
                person.received += 1
                if message.sent_at and (
                    person.last_received_at is None or message.sent_at > person.last_received_at
                ):
                    person.last_received_at = message.sent_at
            if message.sent_at:
                person.message_times.append(message.sent_at)
                if person.last_message_at is None or message.sent_at > person.last_message_at:
                    person.last_message_at = message.sent_at
                if person.first_message_at is None or message.sent_at < person.first_message_at:
                    person.first_message_at = message.sent_at
            threads.setdefault((conversation, person.key), []).append((message.sent_at, outgoing))
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
    for (_, key), turns in threads.items():
        person = people[key]
        person.conversations += 1
        turns.sort(key=lambda turn: (turn[0] is None, turn[0]))
        switches = sum(1 for a, b in itertools.pairwise(turns) if a[1] != b[1])
        person.replies += switches
        if switches:
            person.two_way_conversations += 1

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
        person = resolver.resolve(endorsement.url, endorsement.name)
        if person is None:
            continue
        if endorsement.received:
            person.endorsements_received += 1
        else:
            person.endorsements_given += 1
        interactions.append(
            Interaction(
                person_key=person.key,
                kind="endorsement_received" if endorsement.received else "endorsement_given",
                at=endorsement.date,
                text=endorsement.skill,
            )
        )
    for recommendation in export.recommendations:
        person = resolver.resolve("", recommendation.name)
        if person is None:
            continue
        person.recommendations += 1
        interactions.append(
            Interaction(
                person_key=person.key,
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
