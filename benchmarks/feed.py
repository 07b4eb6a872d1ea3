"""Benchmark: the feed endpoint (`GET /api/feed`) on PostgreSQL at community scale.

Target (issue 7): median ≤ 20 ms and p99 ≤ 50 ms per request, measured through Django's test
Client with a personal access token (authentication, the ranked feed's queries, scoring and
JSON included), for many random members of a community of 100,000 members with 2,000,000
connections (each side with a tie and its strength) and 1,000,000 posts over the last year on
500 topics (1–2 each), every member listing 3 profile topics (followed by default).

The data is bulk-loaded with COPY through psycopg 3 into its own database (never the test
suite's): created and migrated when missing, loaded once, reused by later runs
(`--reload` loads it again). Foreign keys are not checked row by row during the load and the
secondary indexes are built once after it (12 minutes instead of 37 on the loaded 2-core
machine, docs/benchmarks.md).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mutuals_bench \\
        .venv/bin/python benchmarks/feed.py [--members 100000] [--requests 500]
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlparse

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/mutuals_bench"
TOPICS = 500
PROFILE_TOPICS = 3
TIERS = (("inner", 5), ("close", 15), ("active", 50), ("wider", 150))
WORDS = [
    "risk",
    "schedule",
    "supplier",
    "contract",
    "portfolio",
    "agile",
    "scrum",
    "stakeholder",
    "benefits",
    "budget",
    "delivery",
    "migration",
    "procurement",
    "quality",
    "lean",
    "remote",
    "team",
    "sprint",
    "milestone",
    "review",
    "gate",
    "vendor",
    "forecast",
    "baseline",
    "change",
    "adoption",
    "workshop",
    "lessons",
    "estimate",
    "hybrid",
    "pilot",
]


def ensure_database(url: str) -> None:
    import psycopg

    name = urlparse(url).path.lstrip("/")
    if name in {"test", "postgres", ""}:
        raise SystemExit(f"refusing to use the {name!r} database: use its own, e.g. mutuals_bench")
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}", flush=True)


def copy_rows(cursor: object, table: str, columns: str, rows: Iterator[str]) -> int:
    """COPY tab-separated lines into `table`, streamed in chunks."""
    count = 0
    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:  # type: ignore[attr-defined]
        buffer = io.StringIO()
        for line in rows:
            buffer.write(line)
            count += 1
            if count % 50_000 == 0:
                copy.write(buffer.getvalue())
                buffer = io.StringIO()
        copy.write(buffer.getvalue())
    return count


LOADED_TABLES = (
    "accounts_user",
    "accounts_profile",
    "accounts_boundaries",
    "accounts_topic",
    "accounts_profile_topics",
    "connections_connection",
    "engagement_tie",
    "feed_post",
    "feed_posttopic",
)


def _secondary_indexes(cursor: object, tables: tuple[str, ...]) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the indexes on `tables` that back no constraint."""
    cursor.execute(  # type: ignore[attr-defined]
        "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
        "JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
        "WHERE t.relname = ANY(%s) AND t.relnamespace = 'public'::regnamespace "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
        (list(tables),),
    )
    return list(cursor.fetchall())  # type: ignore[attr-defined]


def load(members: int, connections: int, posts: int, seed: int) -> None:
    from django.db import connection

    rng = np.random.default_rng(seed)
    now = datetime.now(UTC)
    stamp = now.isoformat()
    started = time.perf_counter()

    def step(label: str, count: int) -> None:
        print(f"  {label}: {count:,} rows ({time.perf_counter() - started:.0f} s)", flush=True)

    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor  # the psycopg 3 cursor, for COPY
        cursor.execute(
            "TRUNCATE feed_posttopic, feed_post, engagement_tie, connections_connection, "
            "accounts_profile_topics, accounts_profile, accounts_boundaries, accounts_apitoken, "
            "accounts_topic, accounts_user RESTART IDENTITY CASCADE"
        )
        # Generated rows are consistent by construction: skip the foreign keys' per-row
        # triggers, and build the secondary indexes once at the end instead of row by row
        # (the load took 37 minutes on the loaded 2-core machine with both).
        cursor.execute("SET session_replication_role = replica")
        secondary = _secondary_indexes(cursor, LOADED_TABLES)
        for name, _ in secondary:
            cursor.execute(f'DROP INDEX "{name}"')
        # Every member signs in with the same unusable password; the benchmark uses tokens.
        step(
            "members",
            copy_rows(
                cursor,
                "accounts_user",
                "id, email, name, password, is_active, is_staff, is_superuser, date_joined",
                (
                    f"{i}\tmember{i}@bench.test\tMember {i}\t!\tt\tf\tf\t{stamp}\n"
                    for i in range(1, members + 1)
                ),
            ),
        )
        step(
            "profiles",
            copy_rows(
                cursor,
                "accounts_profile",
                "id, user_id, headline, bio, company, title, location, offers, looking_for, "
                "linkedin_url, phone, shared_contacts, visibility, created_at, updated_at",
                (
                    f"{i}\t{i}\tProject lead {i % 97}\t\tCompany {i % 1000}\tLead\t\t[]\t[]\t\t"
                    f"\t[]\tcommunity\t{stamp}\t{stamp}\n"
                    for i in range(1, members + 1)
                ),
            ),
        )
        step(
            "boundaries",
            copy_rows(
                cursor,
                "accounts_boundaries",
                "id, user_id, weekly_capacity, open_intents, min_personalization, "
                "open_to_introductions, low_bandwidth, time_zone, created_at, updated_at",
                (
                    f'{i}\t{i}\t10\t["advice"]\t40\tt\tf\tUTC\t{stamp}\t{stamp}\n'
                    for i in range(1, members + 1)
                ),
            ),
        )
        step(
            "topics",
            copy_rows(
                cursor,
                "accounts_topic",
                "id, slug, name",
                (f"{t}\ttopic-{t}\tTopic {t}\n" for t in range(1, TOPICS + 1)),
            ),
        )
        # Topic popularity is skewed (Zipf-like): a few topics carry most posts.
        weights = 1.0 / np.arange(1, TOPICS + 1) ** 0.8
        weights /= weights.sum()
        profile_topics = rng.choice(TOPICS, size=(members, PROFILE_TOPICS), p=weights) + 1

        def profile_topic_rows() -> Iterator[str]:
            for i in range(members):
                for topic in sorted(set(profile_topics[i].tolist())):
                    yield f"{i + 1}\t{topic}\n"

        step(
            "profile topics",
            copy_rows(
                cursor, "accounts_profile_topics", "profile_id, topic_id", profile_topic_rows()
            ),
        )

        # Connections: random pairs, de-duplicated, ordered low < high.
        wanted = connections
        pairs = np.empty(0, dtype=np.int64)
        while pairs.size < wanted:
            a = rng.integers(1, members + 1, size=int(wanted * 1.1))
            b = rng.integers(1, members + 1, size=int(wanted * 1.1))
            keep = a != b
            low, high = np.minimum(a[keep], b[keep]), np.maximum(a[keep], b[keep])
            pairs = np.unique(np.concatenate([pairs, low * (members + 1) + high]))
        pairs = rng.permutation(pairs)[:wanted]
        pairs.sort()
        lows, highs = pairs // (members + 1), pairs % (members + 1)
        ages = rng.integers(1, 1500, size=wanted)
        # Python ints format several times faster than NumPy scalars, row by row.
        low_list, high_list, age_list = lows.tolist(), highs.tolist(), ages.tolist()
        step(
            "connections",
            copy_rows(
                cursor,
                "connections_connection",
                "id, member_low_id, member_high_id, intent, created_at",
                (
                    f"{n + 1}\t{low_list[n]}\t{high_list[n]}\tpeer\t"
                    f"{(now - timedelta(days=age_list[n])).isoformat()}\n"
                    for n in range(wanted)
                ),
            ),
        )
        # Ties: strength per side, tiers by rank within each member's network.
        strengths = np.clip(rng.beta(1.2, 5.0, size=(wanted, 2)), 0.01, 1.0)
        members_of = np.concatenate([lows, highs])
        others_of = np.concatenate([highs, lows])
        conn_of = np.concatenate([np.arange(1, wanted + 1)] * 2)
        strength_of = np.concatenate([strengths[:, 0], strengths[:, 1]])
        order = np.lexsort((-strength_of, members_of))
        sorted_members = members_of[order]
        starts = np.searchsorted(sorted_members, sorted_members, side="left")
        rank = np.empty_like(order)
        rank[order] = np.arange(order.size) - starts
        bounds = np.cumsum([size for _, size in TIERS])
        tier_index = np.searchsorted(bounds, rank, side="right")
        tier_names = [name for name, _ in TIERS] + ["acquaintance"]

        def tie_rows() -> Iterator[str]:
            member_list, other_list = members_of.tolist(), others_of.tolist()
            conn_list, strength_list = conn_of.tolist(), strength_of.tolist()
            tier_list = tier_index.tolist()
            for n in range(len(member_list)):
                yield (
                    f"{n + 1}\t{member_list[n]}\t{other_list[n]}\t{conn_list[n]}\t"
                    f"{strength_list[n]:.4f}\t{tier_names[tier_list[n]]}\twarm\t{stamp}\n"
                )

        step(
            "ties",
            copy_rows(
                cursor,
                "engagement_tie",
                "id, member_id, other_id, connection_id, strength, tier, state, computed_at",
                tie_rows(),
            ),
        )

        # Posts over the last year, more recent ones denser; 1–2 topics each; 15 %
        # connections-only; a few hundred hidden by moderators.
        authors = rng.integers(1, members + 1, size=posts)
        age_seconds = np.sort(rng.exponential(60 * 86400, size=posts).clip(0, 365 * 86400))[::-1]
        visibility = np.where(rng.random(posts) < 0.15, "connections", "community")
        kinds = rng.choice(["insight", "question", "opportunity", "event_recap"], size=posts)
        hidden = rng.random(posts) < 0.0005
        first_topic = rng.choice(TOPICS, size=posts, p=weights) + 1
        second_topic = np.where(
            rng.random(posts) < 0.5, rng.choice(TOPICS, size=posts, p=weights) + 1, 0
        )
        created = [(now - timedelta(seconds=s)).isoformat() for s in age_seconds.tolist()]
        authors, visibility, kinds, hidden = (
            authors.tolist(),
            visibility.tolist(),
            kinds.tolist(),
            hidden.tolist(),
        )
        first_topic, second_topic = first_topic.tolist(), second_topic.tolist()

        def post_rows() -> Iterator[str]:
            for n in range(posts):
                topic_ids = str(first_topic[n])
                if second_topic[n] and second_topic[n] != first_topic[n]:
                    topic_ids += f",{second_topic[n]}"
                words = " ".join(WORDS[(n * 7 + k * 13) % len(WORDS)] for k in range(18))
                kind = str(kinds[n])
                opportunity = "job" if kind == "opportunity" else ""
                yield (
                    f"{n + 1}\t{authors[n]}\t{kind}\tPost {n}: {words}.\t{visibility[n]}\t"
                    f"{opportunity}\t\tf\t{created[n]}\t"
                    f"{created[n] if hidden[n] else chr(92) + 'N'}\t"
                    f"0\t0\t0\t{topic_ids}\n"
                )

        step(
            "posts",
            copy_rows(
                cursor,
                "feed_post",
                "id, author_id, kind, body, visibility, opportunity_kind, company, "
                "referrals_welcome, created_at, hidden_at, comment_count, reaction_count, "
                "reshare_count, topic_ids",
                post_rows(),
            ),
        )

        def post_topic_rows() -> Iterator[str]:
            row = 0
            for n in range(posts):
                row += 1
                yield f"{row}\t{n + 1}\t{first_topic[n]}\t{created[n]}\n"
                if second_topic[n] and second_topic[n] != first_topic[n]:
                    row += 1
                    yield f"{row}\t{n + 1}\t{second_topic[n]}\t{created[n]}\n"

        step(
            "post topics",
            copy_rows(
                cursor, "feed_posttopic", "id, post_id, topic_id, created_at", post_topic_rows()
            ),
        )
        cursor.execute("SET session_replication_role = DEFAULT")
        for _, definition in secondary:
            cursor.execute(definition)
        step("secondary indexes", len(secondary))
        for table in LOADED_TABLES:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 - fixed names
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )
        # What autovacuum does in production: the visibility map (index-only scans) and the
        # statistics.
        for table in LOADED_TABLES:
            cursor.execute(f"VACUUM ANALYZE {table}")
    print(f"loaded in {time.perf_counter() - started:.0f} s", flush=True)


def gather_times(member_ids: list[int]) -> list[float]:
    """Server-side execution time (EXPLAIN ANALYZE) of the feed's gather statement."""
    from django.db import connection
    from django.utils import timezone

    from mutuals.feed import selectors

    reference = timezone.now()
    times = []
    with connection.cursor() as cursor:
        for member_id in member_ids:
            params: dict[str, int | datetime] = {
                "v": member_id,
                "since": reference - selectors.FEED_WINDOW,
                "ref": reference,
                "per_source": selectors.CANDIDATES_PER_SOURCE,
                "per_topic": selectors.CANDIDATES_PER_TOPIC,
            }
            cursor.execute("EXPLAIN (ANALYZE, TIMING OFF) " + selectors._GATHER_SQL, params)
            last = cursor.fetchall()[-1][0]  # "Execution Time: 1.234 ms"
            times.append(float(last.split()[2]))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--connections", type=int, default=2_000_000)
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--reload", action="store_true", help="load the data again")
    args = parser.parse_args()

    url = os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    ensure_database(url)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ["MUTUALS_ALLOWED_HOSTS"] = "testserver,localhost"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from mutuals.accounts.models import ApiToken, User
    from mutuals.accounts.services import api_token_create
    from mutuals.feed.models import Post

    call_command("migrate", verbosity=0)
    have = (User.objects.count(), Post.objects.count())
    if args.reload or have != (args.members, args.posts):
        print(
            f"loading {args.members:,} members, {args.connections:,} connections, "
            f"{args.posts:,} posts …",
            flush=True,
        )
        load(args.members, args.connections, args.posts, args.seed)

    print(f"# feed benchmark — {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    load_avg = os.getloadavg()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, "
        f"PostgreSQL {connection.cursor().connection.info.server_version}, "
        f"load average {load_avg[0]:.1f}"
    )
    rng = random.Random(args.seed)
    sample = rng.sample(range(1, args.members + 1), min(args.members, args.requests + args.warmup))
    clients = []
    for member_id in sample:
        _, raw = api_token_create(user=User.objects.get(pk=member_id), label="bench")
        clients.append(Client(headers={"Authorization": f"Bearer {raw}"}))

    for client in clients[: args.warmup]:
        if client.get("/api/feed").status_code != 200:
            raise SystemExit("the feed endpoint did not answer 200")
    # A token records its last use at most once a minute (a write): touch every measured
    # member's token first, so the timings are the feed's, as for a member scrolling.
    for member_id in sample[args.warmup :]:
        ApiToken.objects.filter(user_id=member_id).update(last_used_at=timezone.now())
    with CaptureQueriesContext(connection) as queries:
        response = clients[0].get("/api/feed")
    body = response.json()
    print(
        f"ORM queries per request: {len(queries.captured_queries)} (plus the feed's two "
        f"prepared statements on the raw connection); items on a page: "
        f"{len(body['items'])}; reasons e.g. {body['items'][0]['reasons'] if body['items'] else []}"
    )

    first: list[float] = []
    second: list[float] = []
    cpu: list[float] = []
    items: list[int] = []
    for client in clients[args.warmup :]:
        start, start_cpu = time.perf_counter(), time.thread_time()
        response = client.get("/api/feed")
        first.append((time.perf_counter() - start) * 1000)
        cpu.append((time.thread_time() - start_cpu) * 1000)
        page = response.json()
        items.append(len(page["items"]))
        if page["next"]:
            start = time.perf_counter()
            client.get(f"/api/feed?cursor={page['next']}")
            second.append((time.perf_counter() - start) * 1000)

    def summary(label: str, times: list[float]) -> str:
        ordered = sorted(times)
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
        return (
            f"| {label} | {len(times)} | {statistics.median(times):.1f} | {p99:.1f} | "
            f"{ordered[-1]:.1f} |"
        )

    print(f"\n{len(first)} members, {statistics.mean(items):.1f} items per first page")
    print("| request | n | median ms | p99 ms | max ms |")
    print("|---|---:|---:|---:|---:|")
    print(summary("GET /api/feed (first page)", first))
    if second:
        print(summary("GET /api/feed?cursor= (second page)", second))
    print(summary("Django process CPU per first page", cpu))
    print(summary("PostgreSQL execution of the gather statement", gather_times(sample[:100])))
    median = statistics.median(first)
    p99 = sorted(first)[min(len(first) - 1, int(len(first) * 0.99))]
    verdict = "MET" if median <= 20 and p99 <= 50 else "MISSED"
    print(f"target median ≤ 20 ms, p99 ≤ 50 ms: {verdict}")


if __name__ == "__main__":
    main()
