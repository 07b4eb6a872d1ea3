"""Who owns an export must not depend on the process: the owner was found through
`Counter.most_common` over sets of profile URLs, so when two URLs were in equally many
conversations the set's iteration order (the hash seed) decided, and the parity fixture's
owner was Bob in one process and Ada in another."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

from mutuals.imports.network import _most_present

REPOSITORY = Path(__file__).resolve().parents[3]
PARITY = REPOSITORY / "tests" / "data" / "linkedin-analyzer-fixtures" / "messages-parity.csv"

PRINT_OWNER = """
import sys
from pathlib import Path
from mutuals.imports.linkedin.parser import parse_export
from mutuals.imports.network import build_network
print(build_network(parse_export(Path(sys.argv[1]))).owner_name)
"""


def test_the_owner_is_the_same_under_every_hash_seed() -> None:
    owners = set()
    for seed in range(6):  # seed 3 gave Ada before the fix, 0-2 Bob
        result = subprocess.run(  # noqa: S603 - our own interpreter and script
            [sys.executable, "-c", PRINT_OWNER, str(PARITY)],
            capture_output=True,
            text=True,
            cwd=REPOSITORY,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
        )
        owners.add(result.stdout.strip())
    # Bob receives every message of the file; Ada writes two of them.
    assert owners == {"Bob"}


def test_urls_tied_for_most_conversations_decide_only_through_a_known_name() -> None:
    tied = Counter({"linkedin.com/in/ada": 2, "linkedin.com/in/bob": 2})
    names = {"linkedin.com/in/ada": "ada", "linkedin.com/in/bob": "bob"}
    assert _most_present(tied, 2, names, set()) == ""
    assert _most_present(tied, 2, names, {"bob"}) == "linkedin.com/in/bob"
    alone = Counter({"linkedin.com/in/ada": 2, "linkedin.com/in/bob": 1})
    assert _most_present(alone, 3, names, set()) == "linkedin.com/in/ada"
    assert _most_present(alone, 5, names, set()) == ""  # in fewer than half the conversations
    assert _most_present(Counter(), 0, names, set()) == ""
