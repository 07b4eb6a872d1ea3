"""Benchmark: the offline audit of a large LinkedIn export (issue 6).

Generates, in a temporary folder, an export in the real formats — Connections.csv with the
`Notes:` preamble and `16 Dec 2024` dates, messages.csv with the 2024 header (recipient URLs,
draft flags, group conversations, sponsored and "LinkedIn Member" rows, multi-line quoted
content), Invitations.csv with `12/15/24, 7:47 AM` dates and template notes, Profile.csv —
zipped as LinkedIn sends it, then runs `mutuals audit export.zip --out report.html` in a
child process and prints its wall time and peak memory (the child's maximum resident set).

Target (issue 6): 30,000 connections and 200,000 messages in ≤ 15 s and ≤ 1 GB.

Then (issue 16) the same command on two hostile files — a ZIP that expands to 1.2 GB and a
1,000,000-row messages.csv — each refused, with its wall time and peak memory, and the pure
audit (parse, people, audit; no Django start-up) of the large export in a child of its own.
Target: ≤ 300 MB for any import or audit; the import into the database (what the worker runs
for an upload) is measured too, on a fresh SQLite database in the temporary folder.

    .venv/bin/python benchmarks/audit.py [--connections N] [--messages M]
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIRST = [
    "Ada",
    "Bilal",
    "Chiara",
    "Dewi",
    "Esme",
    "Femi",
    "Goran",
    "Hana",
    "Imani",
    "Jomo",
    "Keiko",
    "Lena",
    "Milan",
    "Nia",
    "Omar",
    "Priya",
]
LAST = [
    "Lovelace",
    "Okafor",
    "Mokoena",
    "Ito",
    "Park",
    "Rossi",
    "Novak",
    "Wen",
    "Dario",
    "Felix",
    "Costa",
    "Haddad",
    "Larsen",
    "Kim",
]
COMPANIES = [
    "Acme",
    "Initech",
    "Kestrel",
    "Umbrella",
    "Globex",
    "Hooli",
    "Vandelay",
    "Stark",
    "Wayne",
    "Tyrell",
]
TEMPLATES = [
    "Hi {first}, I came across your profile and would love to add you to my network.",
    "Hello {first}! I'm expanding my network in project management; let's connect.",
    "Dear {first}, as a fellow professional at {company}'s industry I'd like to connect.",
]
NOTES = "Connections.csv may not include email addresses (see privacy settings)."


def generate(
    folder: Path, connections: int, messages: int, seed: int = 6, *, spread: bool = False
) -> Path:
    """The export, zipped. `spread`: conversations go to each connection in turn instead of
    a long tail, so every connection is messaged once there are a sixth as many messages
    (the import's memory test compares two sizes with the same people)."""
    rng = random.Random(seed)
    now = datetime(2026, 2, 1, tzinfo=UTC)
    people = []
    for index in range(connections):
        first, last = rng.choice(FIRST), f"{rng.choice(LAST)}{index}"
        people.append((first, last, f"https://www.linkedin.com/in/member-{index:06d}"))
    with (folder / "Connections.csv").open("w", newline="", encoding="utf-8") as stream:
        stream.write(f'Notes:\n"{NOTES}"\n\n')
        writer = csv.writer(stream)
        writer.writerow(
            [
                "First Name",
                "Last Name",
                "URL",
                "Email Address",
                "Company",
                "Position",
                "Connected On",
            ]
        )
        for first, last, url in people:
            connected = now - timedelta(days=rng.randint(0, 15 * 365))
            writer.writerow(
                [
                    first,
                    last,
                    url,
                    "",
                    rng.choice(COMPANIES),
                    "Engineer",
                    connected.strftime("%d %b %Y"),
                ]
            )
    owner_url = "https://www.linkedin.com/in/owner"
    header = [
        "CONVERSATION ID", "CONVERSATION TITLE", "FROM", "SENDER PROFILE URL", "TO",
        "RECIPIENT PROFILE URLS", "DATE", "SUBJECT", "CONTENT", "FOLDER", "IS MESSAGE DRAFT",
        "IS CONVERSATION DRAFT",
    ]  # fmt: skip
    # A long tail: a few hundred people get most messages, as in real inboxes.
    weights = [1 / (rank + 1) ** 1.1 for rank in range(connections)]
    partners = rng.choices(range(connections), weights=weights, k=messages // 6 + 1)
    if spread:
        partners = list(range(connections))
    with (folder / "messages.csv").open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(header)
        written = 0
        conversation = 0
        while written < messages:
            who = partners[conversation % len(partners)]
            first, last, url = people[who]
            conversation += 1
            start = now - timedelta(days=rng.randint(0, 8 * 365), seconds=rng.randint(0, 86400))
            for turn in range(min(rng.randint(1, 12), messages - written)):
                at = start + timedelta(minutes=turn * rng.randint(5, 600))
                mine = rng.random() < 0.5
                sender, sender_url = ("Sam Owner", owner_url) if mine else (f"{first} {last}", url)
                recipient, recipient_url = (
                    (f"{first} {last}", url) if mine else ("Sam Owner", owner_url)
                )
                content = rng.choice(
                    [
                        "Thanks for the note — let's talk next week.",
                        'Sure, "quoted" and, with commas, on\ntwo lines.',
                        "Sounds good.",
                        "Here is the deck I mentioned: https://example.org/deck",
                    ]
                )
                folder_name = "INBOX"
                draft = "No"
                roll = rng.random()
                if roll < 0.01:
                    draft = "Yes"
                elif roll < 0.02:
                    sender, sender_url = "LinkedIn Member", ""
                elif roll < 0.03:
                    content = "<p>Hi %FIRSTNAME%, try Premium free for a month!</p>"
                    sender, sender_url, folder_name = "Sponsored Ad", "", "INBOX"
                writer.writerow(
                    [
                        f"conv-{conversation}", "", sender, sender_url, recipient, recipient_url,
                        at.strftime("%Y-%m-%d %H:%M:%S UTC"), "", content, folder_name, draft, "No",
                    ]
                )  # fmt: skip
                written += 1
    with (folder / "Invitations.csv").open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(
            [
                "From",
                "To",
                "Sent At",
                "Message",
                "Direction",
                "inviterProfileUrl",
                "inviteeProfileUrl",
            ]
        )
        for first, last, url in rng.sample(people, min(len(people), connections // 4)):
            at = now - timedelta(days=rng.randint(0, 3 * 365), minutes=rng.randint(0, 1440))
            stamp = (
                f"{at.month}/{at.day}/{at.strftime('%y')}, {at.strftime('%I:%M %p').lstrip('0')}"
            )
            if rng.random() < 0.5:
                writer.writerow(
                    [f"{first} {last}", "Sam Owner", stamp, "", "INCOMING", url, owner_url]
                )
                continue
            note = ""
            if rng.random() < 0.4:
                note = rng.choice(TEMPLATES).format(first=first, company=rng.choice(COMPANIES))
            writer.writerow(
                ["Sam Owner", f"{first} {last}", stamp, note, "OUTGOING", owner_url, url]
            )
    (folder / "Profile.csv").write_text(
        "First Name,Last Name,Maiden Name,Address,Birth Date,Headline,Summary,Industry,"
        "Zip Code,Geo Location,Twitter Handles,Websites,Instant Messengers\n"
        "Sam,Owner,,,,Programme manager,,Construction,,Lakeshore,,,\n",
        encoding="utf-8",
    )
    archive = folder / "Basic_LinkedInDataExport.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        for name in ("Connections.csv", "messages.csv", "Invitations.csv", "Profile.csv"):
            zipped.write(folder / name, arcname=name)
    return archive


def bomb(folder: Path, megabytes: int = 1200) -> Path:
    """A ZIP whose Connections.csv is a header and `megabytes` MB of one repeated row."""
    path = folder / "bomb.zip"
    row = b"Ada,Lovelace,https://www.linkedin.com/in/ada,,Acme,Engineer,1 Jan 2024\n"
    block = row * (1024 * 1024 // len(row))
    with (
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open("Connections.csv", "w", force_zip64=True) as member,
    ):
        member.write(b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n")
        for _ in range(megabytes):
            member.write(block)
    return path


def million_rows(folder: Path) -> Path:
    """An 100 MB messages.csv of 1,000,000 junk rows, every value different."""
    path = folder / "messages.csv"
    with path.open("w", encoding="utf-8") as stream:
        stream.write("CONVERSATION ID,FROM,SENDER PROFILE URL,TO,DATE,CONTENT\n")
        for index in range(1_000_000):
            stream.write(
                f"c{index},Sender {index},https://www.linkedin.com/in/s{index},Owner,"
                f"2024-01-01 10:00:00 UTC,junk {index}\n"
            )
    return path


def measured(command: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall seconds, peak resident MB and the last line of stderr of one child process."""
    started = time.perf_counter()
    child = subprocess.Popen(  # noqa: S603 - our own interpreter
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    stderr = child.stderr
    if stderr is None:
        raise RuntimeError("no stderr pipe")
    errors = stderr.read().decode(errors="replace").strip().splitlines()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - started, usage.ru_maxrss / 1024, (errors or [""])[-1]


PURE_AUDIT = """
import sys
from pathlib import Path
from mutuals.imports.audit import audit_export
from mutuals.imports.linkedin import parse_export
audit_export(parse_export(Path(sys.argv[1])))
"""


def _import_measured(folder: Path, archive: Path, env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak resident MB of importing the export for one member of a fresh
    SQLite database: the work `mutuals worker` does for an upload (`import_run`)."""
    cli = [sys.executable, "-m", "mutuals.cli"]
    quiet = {"cwd": ROOT, "env": env, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    subprocess.run([*cli, "migrate", "--noinput"], check=True, **quiet)  # type: ignore[call-overload]  # noqa: S603
    subprocess.run(  # type: ignore[call-overload]  # noqa: S603
        [*cli, "createmember", "--email", "owner@bench.test", "--password", "bench-pass-2026",
         "--name", "Export Owner"],
        check=True, **quiet,
    )  # fmt: skip
    seconds, peak, said = measured(
        [*cli, "import-linkedin", str(archive), "--email", "owner@bench.test", "--quiet"], env
    )
    if said:
        print(f"  import said: {said}")
    return seconds, peak


def _csv_megabytes(folder: Path) -> float:
    return sum(path.stat().st_size for path in folder.glob("*.csv")) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--connections", type=int, default=30_000)
    parser.add_argument("--messages", type=int, default=200_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        started = time.perf_counter()
        archive = generate(folder, args.connections, args.messages)
        print(
            f"generated {args.connections:,} connections and {args.messages:,} messages "
            f"({_csv_megabytes(folder):.0f} MB of CSV, "
            f"{archive.stat().st_size / 1e6:.1f} MB zipped) "
            f"in {time.perf_counter() - started:.1f} s"
        )
        report = folder / "report.html"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "MUTUALS_DATA_DIR": str(folder / "var"),
            "MUTUALS_SECRET_KEY": "benchmark",
        }
        command = [sys.executable, "-m", "mutuals.cli", "audit", str(archive), "--out", str(report)]
        started = time.perf_counter()
        subprocess.run(command, check=True, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)  # noqa: S603
        elapsed = time.perf_counter() - started
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        peak_kib = usage.ru_maxrss
        print(
            f"machine: {platform.machine()}, {os.cpu_count()} CPUs, "
            f"Python {platform.python_version()}"
        )
        print(f"audit wall time: {elapsed:.1f} s (target ≤ 15 s)")
        # CPU time is what the audit itself costs; wall time also counts waiting for a shared
        # machine's cores.
        print(f"audit CPU time: {usage.ru_utime + usage.ru_stime:.1f} s")
        print(f"load average while measuring: {os.getloadavg()[0]:.1f}")
        print(f"audit peak memory: {peak_kib / 1024:.0f} MB (target ≤ 1024 MB)")
        print(f"report: {report.stat().st_size / 1e6:.2f} MB of self-contained HTML")
        seconds, peak, _ = measured([sys.executable, "-c", PURE_AUDIT, str(archive)], env)
        print(
            f"pure audit (parse, people, audit; no Django): {seconds:.1f} s, "
            f"peak {peak:.0f} MB (target ≤ 300 MB)"
        )
        imported = _import_measured(folder, archive, env)
        print(
            f"import into the database (`mutuals import-linkedin`, as the worker runs it; SQLite): "
            f"{imported[0]:.1f} s, peak {imported[1]:.0f} MB (target ≤ 300 MB)"
        )
        for hostile in (bomb(folder), million_rows(folder)):
            command = [
                sys.executable, "-m", "mutuals.cli", "audit", str(hostile), "--out",
                str(folder / "hostile.html"), "--quiet",
            ]  # fmt: skip
            seconds, peak, said = measured(command, env)
            print(f"{hostile.name} ({hostile.stat().st_size / 1e6:.0f} MB): {said}")
            print(f"  refused in {seconds:.1f} s, peak {peak:.0f} MB (target ≤ 300 MB)")
            seconds, peak, _ = measured([sys.executable, "-c", PURE_AUDIT, str(hostile)], env)
            print(f"  the same without Django start-up: {seconds:.1f} s, peak {peak:.0f} MB")


if __name__ == "__main__":
    main()
