"""The builder's warm-up compiles every search kernel a server process uses, for the types it
uses them with: after it, no graph question compiles anything (issue 20: a new install's
first people page waited for about 23 s of compilation)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

# Run in a fresh interpreter: in the suite's own process other tests have already compiled
# kernels, which would hide a type the warm-up missed. The child shares the suite's numba
# cache, so it loads compiled code rather than compiling it (after the first run).
CHILD = textwrap.dedent(
    """
    import json, sys, tempfile
    from pathlib import Path
    import numpy as np
    from numba.core.registry import CPUDispatcher
    from mutuals.graph import _kernels, search, store
    from mutuals.graph.overlay import PairChanges, overlaid
    from mutuals.graph.snapshot import build_snapshot
    from mutuals.graph.warm import compile_search_kernels

    def compiled():
        return {
            name: sorted(str(s) for s in value.signatures)
            for name, value in vars(_kernels).items()
            if isinstance(value, CPUDispatcher)
        }

    compile_search_kernels()
    warmed = compiled()

    # What a server process does: map a real-sized published graph, lay changes over it,
    # and ask every question for many members.
    rng = np.random.default_rng(20)
    n = 300
    ids = np.arange(1000, 1000 + n, dtype=np.int64)
    src = rng.choice(ids, 1500)
    dst = rng.choice(ids, 1500)
    snapshot = build_snapshot(
        member_ids=ids, sources=src, targets=dst,
        strengths=rng.random(1500).astype(np.float32),
        companies=[f"Company {i % 7}" if i % 3 else "" for i in range(n)],
        topic_pairs=(np.stack([ids[::2], np.arange(n // 2) % 5], axis=1),
                     [f"t{i}" for i in range(5)]),
        event_pairs=(np.stack([ids[::3], np.arange(n // 3 + 1)[: ids[::3].size] % 4], axis=1),
                     [f"e{i}" for i in range(4)]),
        blocked_pairs=(ids[:5], ids[5:10]),
    )
    with tempfile.TemporaryDirectory() as directory:
        name = store.publish(Path(directory), snapshot)
        mapped = store.load(Path(directory), name).snapshot
        changes = PairChanges(
            connected=(ids[10:15], ids[20:25]), strengths=np.full(5, 0.7, dtype=np.float32),
            apart=(src[:5], dst[:5]), blocked=(ids[30:32], ids[40:42]),
            unblocked=(ids[:2], ids[5:7]),
        )
        for graph in (mapped, overlaid(mapped, changes, version=mapped.version + 1)):
            for member in ids[:40]:
                m = int(member)
                search.degree_of_separation(graph, m, int(ids[-1]), max_hops=3)
                circle = search.Circle(graph, m)
                for other in ids[40:60]:
                    circle.proximity(int(other))
                search.strongest_paths(graph, m, to=int(ids[-1]))
                search.strongest_paths(graph, m, company="Company 3")
                search.strongest_paths(graph, m, topic="t2")
                search.people_you_may_know(graph, m, excluded=[int(ids[-2])])
        del mapped
    print(json.dumps({"warmed": warmed, "after": compiled()}))
    """
)


def test_after_the_warm_up_no_graph_question_compiles_a_kernel():
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", CHILD],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    warmed, after = report["warmed"], report["after"]
    # Every kernel the searches use was compiled by the warm-up itself.
    for kernel in (
        "distance",
        "strongest",
        "two_hop",
        "two_hop_cost",
        "adamic_adar_top",
        "top_candidates",
        "named_mutuals",
        "get_strengths",
    ):
        assert warmed[kernel], f"the warm-up did not compile {kernel}"
    # And the questions compiled nothing more.
    assert after == warmed
