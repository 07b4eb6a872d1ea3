"""The files of a LinkedIn export the importer reads, and their columns by name.

Columns are found by name (normalized: lower-case letters and digits), never by position:
the headers changed in 2018, 2022, 2024 and 2026 (tests/data/linkedin-export-headers/
headers.tsv) and re-saved copies reorder them. Each column lists every name it has had.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import PurePosixPath

from mutuals.imports.linkedin.csvfile import normalize_column


class Kind(enum.StrEnum):
    CONNECTIONS = "connections"
    MESSAGES = "messages"
    INVITATIONS = "invitations"
    PROFILE = "profile"
    POSITIONS = "positions"
    EDUCATION = "education"
    SKILLS = "skills"
    ENDORSEMENTS_RECEIVED = "endorsements_received"
    ENDORSEMENTS_GIVEN = "endorsements_given"
    RECOMMENDATIONS_RECEIVED = "recommendations_received"
    RECOMMENDATIONS_GIVEN = "recommendations_given"
    EVENTS = "events"


@dataclass(frozen=True)
class FileSpec:
    kind: Kind
    file_names: tuple[str, ...]  # normalized file names (without .csv) this kind is found under
    columns: dict[str, tuple[str, ...]]  # field -> every header name it has had
    required: tuple[str, ...]  # fields whose columns must be in the header

    def required_columns(self) -> frozenset[str]:
        return frozenset(normalize_column(self.columns[field][0]) for field in self.required)

    def resolve(self, header: list[str]) -> dict[str, str]:
        """field -> the header's (normalized) column holding it, for the fields present."""
        present = set(header)
        found: dict[str, str] = {}
        for field, names in self.columns.items():
            for name in names:
                if (normalized := normalize_column(name)) in present:
                    found[field] = normalized
                    break
        return found


SPECS: dict[Kind, FileSpec] = {
    spec.kind: spec
    for spec in [
        FileSpec(
            Kind.CONNECTIONS,
            ("connections",),
            {
                "first_name": ("First Name",),
                "last_name": ("Last Name",),
                "url": ("URL", "Profile URL"),
                "email": ("Email Address", "Email"),
                "company": ("Company",),
                "position": ("Position", "Title"),
                "connected_on": ("Connected On",),
            },
            ("first_name", "last_name", "connected_on"),
        ),
        FileSpec(
            Kind.MESSAGES,
            ("messages",),
            {
                "conversation_id": ("CONVERSATION ID",),
                "conversation_title": ("CONVERSATION TITLE",),
                "sender": ("FROM",),
                "sender_url": ("SENDER PROFILE URL",),
                "recipients": ("TO",),
                "recipient_urls": ("RECIPIENT PROFILE URLS", "RECIPIENT PROFILE URL"),
                "date": ("DATE",),
                "subject": ("SUBJECT",),
                "content": ("CONTENT",),
                "folder": ("FOLDER",),
                "direction": ("DIRECTION",),
                "is_draft": ("IS MESSAGE DRAFT",),
                "is_conversation_draft": ("IS CONVERSATION DRAFT",),
            },
            ("sender", "recipients", "date", "content"),
        ),
        FileSpec(
            Kind.INVITATIONS,
            ("invitations", "linkedininvitations"),
            {
                "sender": ("From",),
                "recipient": ("To",),
                "sent_at": ("Sent At", "Date Sent"),
                "message": ("Message",),
                "direction": ("Direction",),
                "sender_url": ("inviterProfileUrl",),
                "recipient_url": ("inviteeProfileUrl",),
            },
            ("sender", "recipient", "direction"),
        ),
        FileSpec(
            Kind.PROFILE,
            ("profile",),
            {
                "first_name": ("First Name",),
                "last_name": ("Last Name",),
                "headline": ("Headline",),
                "summary": ("Summary",),
                "industry": ("Industry",),
                "location": ("Geo Location", "Location"),
            },
            ("first_name", "last_name"),
        ),
        FileSpec(
            Kind.POSITIONS,
            ("positions",),
            {
                "company": ("Company Name",),
                "title": ("Title",),
                "description": ("Description",),
                "location": ("Location",),
                "started_on": ("Started On",),
                "finished_on": ("Finished On",),
            },
            ("company", "title"),
        ),
        FileSpec(
            Kind.EDUCATION,
            ("education",),
            {
                "school": ("School Name",),
                "started": ("Start Date",),
                "finished": ("End Date",),
                "notes": ("Notes",),
                "degree": ("Degree Name",),
                "activities": ("Activities",),
            },
            ("school",),
        ),
        FileSpec(Kind.SKILLS, ("skills",), {"name": ("Name",)}, ("name",)),
        FileSpec(
            Kind.ENDORSEMENTS_RECEIVED,
            ("endorsementreceivedinfo",),
            {
                "date": ("Endorsement Date",),
                "skill": ("Skill Name",),
                "first_name": ("Endorser First Name",),
                "last_name": ("Endorser Last Name",),
                "url": ("Endorser Public Url",),
                "status": ("Endorsement Status",),
            },
            ("skill", "first_name", "last_name"),
        ),
        FileSpec(
            Kind.ENDORSEMENTS_GIVEN,
            ("endorsementgiveninfo",),
            {
                "date": ("Endorsement Date",),
                "skill": ("Skill Name",),
                "first_name": ("Endorsee First Name",),
                "last_name": ("Endorsee Last Name",),
                "url": ("Endorsee Public Url",),
                "status": ("Endorsement Status",),
            },
            ("skill", "first_name", "last_name"),
        ),
        FileSpec(
            Kind.RECOMMENDATIONS_RECEIVED,
            ("recommendationsreceived",),
            {
                "first_name": ("First Name",),
                "last_name": ("Last Name",),
                "company": ("Company",),
                "title": ("Job Title",),
                "text": ("Text",),
                "date": ("Creation Date",),
                "status": ("Status",),
            },
            ("first_name", "last_name", "text"),
        ),
        FileSpec(
            Kind.RECOMMENDATIONS_GIVEN,
            ("recommendationsgiven",),
            {
                "first_name": ("First Name",),
                "last_name": ("Last Name",),
                "company": ("Company",),
                "title": ("Job Title",),
                "text": ("Text",),
                "date": ("Creation Date",),
                "status": ("Status",),
            },
            ("first_name", "last_name", "text"),
        ),
        FileSpec(
            Kind.EVENTS,
            ("events",),
            {
                "name": ("Event Name",),
                "time": ("Event Time",),
                "status": ("Status",),
                "url": ("External Url",),
            },
            ("name",),
        ),
    ]
}

# Kinds a lone CSV of an unknown name is recognized as by its header (an upload called
# "export (1).csv"); the header must hold all of these columns.
SIGNATURES: list[tuple[Kind, frozenset[str]]] = [
    (Kind.CONNECTIONS, frozenset({"firstname", "lastname", "connectedon"})),
    (Kind.MESSAGES, frozenset({"from", "to", "date", "content"})),
    (Kind.INVITATIONS, frozenset({"from", "to", "direction"})),
    (Kind.ENDORSEMENTS_RECEIVED, frozenset({"skillname", "endorserfirstname"})),
    (Kind.ENDORSEMENTS_GIVEN, frozenset({"skillname", "endorseefirstname"})),
    (Kind.POSITIONS, frozenset({"companyname", "title", "startedon"})),
    (Kind.EDUCATION, frozenset({"schoolname", "degreename"})),
]


def kind_by_name(path: str) -> Kind | None:
    """The kind of an export file by its name (`Endorsement Received Info.csv` and
    `Endorsement_Received_Info.csv` are one kind); None for files the importer does not read
    (coach_messages.csv, Learning.csv, Shares.csv, ...)."""
    stem = normalize_column(PurePosixPath(path).stem)
    for spec in SPECS.values():
        if stem in spec.file_names:
            return spec.kind
    return None
