"""What the parser reads out of an export: one plain record type per file kind.

Every record keeps the file and line it came from, so later steps can say where a value was
read. Dates are aware UTC datetimes, or None when the export's value names no real date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mutuals.imports.linkedin.spool import Spool


@dataclass(slots=True)
class ConnectionRecord:
    file: str
    line: int
    first_name: str
    last_name: str
    url: str
    email: str
    company: str
    position: str
    connected_on: datetime | None

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def hidden(self) -> bool:
        """A row with neither a name nor a profile URL: someone whose privacy settings keep
        their details out of exports. LinkedIn counts them; nobody can be told apart."""
        return not self.first_name and not self.last_name and not self.url


@dataclass(slots=True)
class MessageRecord:
    file: str
    line: int
    conversation_id: str
    conversation_title: str
    sender: str
    sender_url: str
    recipients: str
    recipient_urls: tuple[str, ...]
    sent_at: datetime | None
    subject: str
    content: str
    folder: str
    direction: str  # "INCOMING" / "OUTGOING" in 2018 exports, "" after
    is_draft: bool

    def as_tuple(self) -> tuple[Any, ...]:
        return (
            self.file,
            self.line,
            self.conversation_id,
            self.conversation_title,
            self.sender,
            self.sender_url,
            self.recipients,
            self.recipient_urls,
            self.sent_at,
            self.subject,
            self.content,
            self.folder,
            self.direction,
            self.is_draft,
        )


def message_spool() -> Spool[MessageRecord]:
    """An export's messages, kept on disk past the first batch (`spool.py`): they are read
    twice (who the owner is, then each message's person) and never needed all at once."""
    return Spool(MessageRecord.as_tuple, _message_from_tuple)


def _message_from_tuple(values: tuple[Any, ...]) -> MessageRecord:
    return MessageRecord(*values)


@dataclass(slots=True)
class InvitationRecord:
    file: str
    line: int
    sender: str
    recipient: str
    sent_at: datetime | None
    message: str
    direction: str  # INCOMING or OUTGOING
    sender_url: str
    recipient_url: str


@dataclass(slots=True)
class ProfileRecord:
    first_name: str = ""
    last_name: str = ""
    headline: str = ""
    summary: str = ""
    industry: str = ""
    location: str = ""

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


# A Positions or Education date: (year, month), month None when the export gives the year only.
YearMonth = tuple[int, int | None]


@dataclass(slots=True)
class PositionRecord:
    company: str
    title: str
    location: str
    started_on: datetime | None
    finished_on: datetime | None
    description: str = ""
    started: YearMonth | None = None
    finished: YearMonth | None = None


@dataclass(slots=True)
class EducationRecord:
    """A row of Education.csv: a school, with the degree, notes and activities when given.
    Dates are usually years ("2014"), sometimes months ("Nov 2021"), often absent."""

    school: str
    degree: str
    notes: str
    activities: str
    started: YearMonth | None
    finished: YearMonth | None


@dataclass(slots=True)
class EndorsementRecord:
    file: str
    line: int
    received: bool
    skill: str
    first_name: str
    last_name: str
    url: str
    date: datetime | None

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(slots=True)
class RecommendationRecord:
    file: str
    line: int
    received: bool
    first_name: str
    last_name: str
    company: str
    text: str
    date: datetime | None

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(slots=True)
class EventRecord:
    name: str
    time: datetime | None
    status: str
    url: str


@dataclass
class Export:
    """Everything read from one export. `files` lists each file read with its kind and row
    count; `ignored` the CSV files the importer does not read (a ZIP's extra files are fine)."""

    source: str
    profile: ProfileRecord = field(default_factory=ProfileRecord)
    connections: list[ConnectionRecord] = field(default_factory=list)
    messages: Spool[MessageRecord] = field(default_factory=message_spool)
    invitations: list[InvitationRecord] = field(default_factory=list)
    positions: list[PositionRecord] = field(default_factory=list)
    education: list[EducationRecord] = field(default_factory=list)
    skills: list[str] = field(default_factory=list)
    endorsements: list[EndorsementRecord] = field(default_factory=list)
    recommendations: list[RecommendationRecord] = field(default_factory=list)
    events: list[EventRecord] = field(default_factory=list)
    files: list[tuple[str, str, int]] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "connections": len(self.connections),
            "connections_hidden": sum(1 for record in self.connections if record.hidden),
            "messages": len(self.messages),
            "invitations": len(self.invitations),
            "positions": len(self.positions),
            "education": len(self.education),
            "skills": len(self.skills),
            "endorsements": len(self.endorsements),
            "recommendations": len(self.recommendations),
            "events": len(self.events),
        }
