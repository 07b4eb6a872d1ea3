"""The vCard 4.0 file of "Download my data": one card per connection (RFC 6350)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from mutuals.accounts.models import ContactDetail, User


def _vcard_text(value: str) -> str:
    """RFC 6350 §3.4: escape backslash, comma, semicolon and newlines in a text value."""
    return (
        value.replace("\\", "\\\\")
        .replace(",", "\\,")
        .replace(";", "\\;")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """RFC 6350 §3.2: lines longer than 75 octets are folded (CRLF + one space)."""
    raw = line.encode()
    if len(raw) <= 75:
        return line
    parts, start, limit = [], 0, 75
    while start < len(raw):
        end = min(start + limit, len(raw))
        while end < len(raw) and (raw[end] & 0xC0) == 0x80:  # never split a character
            end -= 1
        parts.append(raw[start:end].decode())
        start, limit = end, 74
    return "\r\n ".join(parts)


def _since(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def vcards(people: Iterable[tuple[User, datetime]], base_url: str) -> str:
    """One vCard 4.0 per person: what their profile shows every member, and the contact
    details they allow their connections to take (`Profile.shared_contacts`), nothing else."""
    cards = []
    for other, since in people:
        p = other.profile
        shared = set(p.shared_contacts)
        lines = [
            "BEGIN:VCARD",
            "VERSION:4.0",
            f"FN:{_vcard_text(other.name)}",
            f"N:{_vcard_text(other.name)};;;;",
            f"UID:urn:mutuals:member:{other.pk}",
            f"URL:{base_url}/members/{other.pk}/",
        ]
        if p.company:
            lines.append(f"ORG:{_vcard_text(p.company)}")
        if p.title:
            lines.append(f"TITLE:{_vcard_text(p.title)}")
        if p.location:
            lines.append(f"ADR:;;;{_vcard_text(p.location)};;;")
        if p.headline:
            lines.append(f"NOTE:{_vcard_text(p.headline)}")
        if ContactDetail.EMAIL in shared and other.email:
            lines.append(f"EMAIL;TYPE=work:{_vcard_text(other.email)}")
        if ContactDetail.PHONE in shared and p.phone:
            lines.append(f"TEL;VALUE=uri;TYPE=work:tel:{p.phone.replace(' ', '-')}")
        if ContactDetail.LINKEDIN in shared and p.linkedin_url:
            lines.append(f"X-SOCIALPROFILE;TYPE=linkedin:{p.linkedin_url}")
        lines.append(f"X-MUTUALS-CONNECTED-SINCE:{_since(since)}")
        lines.append("END:VCARD")
        cards.append("\r\n".join(_fold(line) for line in lines) + "\r\n")
    return "".join(cards)
