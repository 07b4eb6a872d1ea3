"""Shared by the imports tests: where the real data is, and small export builders."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.datasets import DATA_DIR as DATA

FIXTURES = DATA / "linkedin-analyzer-fixtures"
EXPORT_2018 = DATA / "linkedin-export-2018"
EXPORT_2022 = DATA / "linkedin-export-2022"
HEADERS = DATA / "linkedin-export-headers" / "headers.tsv"

NOTES = (
    'Notes:\n"When exporting your connection data, you may notice that some of the email '
    'addresses are missing."\n\n'
)


def as_upload(data: bytes, name: str = "export.zip") -> SimpleUploadedFile:
    """Bytes as the web request hands them to `import_create`."""
    return SimpleUploadedFile(name, data)


def make_zip(files: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content.encode() if isinstance(content, str) else content)
    return buffer.getvalue()


def zip_folder(folder: Path) -> bytes:
    return make_zip(
        {
            path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*"))
            if path.is_file()
        }
    )


# A small export in the 2024 formats whose audit is known by construction. The owner is
# Sam Owner. Ada: a two-way relationship that went quiet in 2023. Bob: only Sam writes.
# Cleo: only she writes. Dan and Eve: connected, never a message (Dan since 2015).
# Fay and Gus: in a group conversation with Sam. Three invitations share one template.
OWNER_URL = "https://www.linkedin.com/in/sam-owner"
CONNECTIONS = NOTES + (
    "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
    "Ada,Lovelace,https://www.linkedin.com/in/ada,ada@example.com,Analytical,Engineer,16 Dec 2019\n"
    "Bob,Builder,https://www.linkedin.com/in/bob,,Builders,Foreman,3 Jan 2024\n"
    "Cleo,Patra,https://www.linkedin.com/in/cleo,,Nile,CEO,4 Feb 2024\n"
    "Dan,Dare,https://www.linkedin.com/in/dan,,Eagle,Pilot,1 Mar 2015\n"
    "Eve,Moneypenny,https://www.linkedin.com/in/eve,,MI6,Secretary,1 Jan 2025\n"
    "Fay,Wray,https://www.linkedin.com/in/fay,,RKO,Actor,2 Feb 2022\n"
    "Gus,Grissom,https://www.linkedin.com/in/gus,,NASA,Astronaut,3 Mar 2022\n"
    ",,,,,,5 May 2024\n"
)
MESSAGES_HEADER = (
    "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,RECIPIENT PROFILE URLS,"
    "DATE,SUBJECT,CONTENT,FOLDER,IS MESSAGE DRAFT\n"
)


def message(
    conversation: str,
    sender: str,
    sender_url: str,
    to: str,
    to_urls: str,
    date: str,
    content: str,
    folder: str = "INBOX",
    draft: str = "No",
) -> str:
    quoted = content.replace('"', '""')
    return (
        f'{conversation},,{sender},{sender_url},"{to}","{to_urls}",{date},,"{quoted}",'
        f"{folder},{draft}\n"
    )


MESSAGES = (
    MESSAGES_HEADER
    + message("c1", "Sam Owner", OWNER_URL, "Ada Lovelace", "https://www.linkedin.com/in/ada",
              "2023-01-10 10:00:00 UTC", "Hi Ada, how was the conference?")
    + message("c1", "Ada Lovelace", "https://www.linkedin.com/in/ada", "Sam Owner", OWNER_URL,
              "2023-01-10 12:00:00 UTC", "Great, thanks!\nLet's talk.")
    + message("c1", "Sam Owner", OWNER_URL, "Ada Lovelace", "https://www.linkedin.com/in/ada",
              "2023-01-11 09:00:00 UTC", "Tuesday?")
    + message("c1", "Ada Lovelace", "https://www.linkedin.com/in/ada", "Sam Owner", OWNER_URL,
              "2023-01-11 10:00:00 UTC", "Tuesday works.")
    + message("c2", "Sam Owner", OWNER_URL, "Bob Builder", "https://www.linkedin.com/in/bob",
              "2024-02-01 10:00:00 UTC", "Hi Bob, can we fix it?")
    + message("c2", "Sam Owner", OWNER_URL, "Bob Builder", "https://www.linkedin.com/in/bob",
              "2024-03-01 10:00:00 UTC", "Bob?")
    + message("c3", "Cleo Patra", "https://www.linkedin.com/in/cleo", "Sam Owner", OWNER_URL,
              "2025-06-01 10:00:00 UTC", "Hello Sam, I'd like your advice on pricing.")
    + message("c4", "Sam Owner", OWNER_URL, "Wray, Fay, Gus Grissom",
              "https://www.linkedin.com/in/fay,https://www.linkedin.com/in/gus",
              "2025-06-10 10:00:00 UTC", "Welcome both, to the launch crew!")
    + message("c4", "Gus Grissom", "https://www.linkedin.com/in/gus", "Sam Owner, Fay Wray",
              f"{OWNER_URL},https://www.linkedin.com/in/fay", "2025-06-10 11:00:00 UTC",
              "Thanks Sam!")
    + message("c5", "LinkedIn Member", "", "Sam Owner", OWNER_URL,
              "2025-06-11 10:00:00 UTC", "Hello from a deleted account")
    + message("c6", "Premium Team", "", "Sam Owner", OWNER_URL,
              "2025-06-12 10:00:00 UTC", "<p>Hi %FIRSTNAME%, try Premium!</p>")
    + message("c7", "Sam Owner", OWNER_URL, "Eve Moneypenny", "https://www.linkedin.com/in/eve",
              "2025-06-13 10:00:00 UTC", "Draft I never sent", draft="Yes")
)  # fmt: skip
TEMPLATE = "Hi {name}, I came across your profile and would love to connect with you."
INVITATIONS = (
    "From,To,Sent At,Message,Direction,inviterProfileUrl,inviteeProfileUrl\n"
    f'Sam Owner,Bob Builder,"12/15/23, 7:47 AM","{TEMPLATE.format(name="Bob")}",OUTGOING,'
    f"{OWNER_URL},https://www.linkedin.com/in/bob\n"
    f'Sam Owner,Eve Moneypenny,"12/30/24, 9:05 PM","{TEMPLATE.format(name="Eve")}",OUTGOING,'
    f"{OWNER_URL},https://www.linkedin.com/in/eve\n"
    f'Sam Owner,Fay Wray,"1/2/22, 8:00 AM","{TEMPLATE.format(name="Fay")}",OUTGOING,'
    f"{OWNER_URL},https://www.linkedin.com/in/fay\n"
    f'Sam Owner,Gus Grissom,"3/1/22, 8:00 AM",,OUTGOING,{OWNER_URL},https://www.linkedin.com/in/gus\n'
    f'Cleo Patra,Sam Owner,"2/3/24, 1:00 PM",,INCOMING,https://www.linkedin.com/in/cleo,{OWNER_URL}\n'
)
PROFILE = (
    "First Name,Last Name,Maiden Name,Address,Birth Date,Headline,Summary,Industry,Zip Code,"
    "Geo Location,Twitter Handles,Websites,Instant Messengers\n"
    "Sam,Owner,,,,Programme manager,,Construction,,Lakeshore,,,\n"
)


def small_export(**replace: str | bytes) -> bytes:
    files: dict[str, str | bytes] = {
        "Connections.csv": CONNECTIONS,
        "messages.csv": MESSAGES,
        "Invitations.csv": INVITATIONS,
        "Profile.csv": PROFILE,
        "Rich_Media.csv": "Date/Time,Media Description\n",
        "Articles/Articles/hello.html": "<html></html>",
    }
    files.update(replace)
    return make_zip(files)
