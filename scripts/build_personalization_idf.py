"""Build the personalization engine's background word table, mutuals/personalization/data/idf.json.

The table holds, for each word stem, in how many background documents it occurs; the engine
turns that into inverse document frequency (text.idf), so "found", "through" and "platform"
weigh little and "retros", "Kestrel" and "FreeRTOS" weigh much. Run it offline after changing
the background texts, and commit the table:

    .venv/bin/python scripts/build_personalization_idf.py

The documents are text the repository ships and may redistribute: every message and
invitation note in the vendored LinkedIn exports and fixtures (tests/data), the demo cast's
headlines and bios, the project's docs (one document a paragraph; docs/personalization.md
aside, since it quotes the evaluation corpus), and the TUNING part of the evaluation corpus
(tests/data/personalization-corpus: notes and recipient profiles). The held-out part is never
read, so the evaluation's held-out figures stay honest.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mutuals.imports.linkedin.parser import parse_export, parse_upload  # noqa: E402
from mutuals.personalization.text import WORD, normalize, stem  # noqa: E402
from mutuals.site.demo_cast import CAST  # noqa: E402
from tests.datasets import DATA_DIR  # noqa: E402

OUT = ROOT / "mutuals" / "personalization" / "data" / "idf.json"
CORPUS = DATA_DIR / "personalization-corpus"
MIN_DF = 2  # rarer stems are left out: the engine treats an absent stem as df 0


def documents() -> list[str]:
    docs: list[str] = []
    for name in ("linkedin-export-2018", "linkedin-export-2022"):
        export = parse_export(DATA_DIR / name)
        docs += [m.content for m in export.messages if m.content.strip()]
        docs += [i.message for i in export.invitations if i.message.strip()]
    fixtures = DATA_DIR / "linkedin-analyzer-fixtures"
    for file in ("messages-corpus.csv", "messages-parity.csv"):
        export = parse_upload(file, (fixtures / file).read_bytes())
        docs += sorted({m.content for m in export.messages if m.content.strip()})
    for person in CAST:
        docs += [person.headline, person.bio]
    for page in sorted((ROOT / "docs").glob("*.md")):
        if page.name == "personalization.md":
            continue
        docs += [p for p in page.read_text().split("\n\n") if len(p.split()) >= 5]
    if CORPUS.exists():
        profiles = {}
        for line in (CORPUS / "profiles.jsonl").read_text().splitlines():
            if line.strip():
                record = json.loads(line)
                profiles[record["id"]] = record
        used: set[str] = set()
        for notes in sorted(CORPUS.glob("notes-*.jsonl")):
            for line in notes.read_text().splitlines():
                if not line.strip():
                    continue
                record = json.loads(line)
                if record["split"] != "tune":
                    continue
                docs.append(record["note"])
                used.add(record["recipient"])
        for key in sorted(used):
            profile = profiles.get(key, {})
            for field in ("headline", "about", "mentor_offer"):
                if profile.get(field):
                    docs.append(profile[field])
            docs += list(profile.get("posts", []))
    return docs


def main() -> None:
    docs = documents()
    df: dict[str, int] = {}
    for doc in docs:
        for root in {stem(w) for w in WORD.findall(normalize(doc))}:
            df[root] = df.get(root, 0) + 1
    table = {
        "documents": len(docs),
        "df": {k: v for k, v in sorted(df.items()) if v >= MIN_DF},
    }
    OUT.write_text(json.dumps(table, ensure_ascii=False, separators=(",", ":"), sort_keys=True))
    print(f"{len(docs)} documents, {len(df)} stems → {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
