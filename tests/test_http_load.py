"""The HTTP benchmark's writes (`benchmarks/http_load.py`, issue 20) stay valid for any run
length: every note passes the server's check, the writers never ask each other or their
neighbours, and enough writers are made for the rate and the run."""

from __future__ import annotations

import importlib.util
import sys
import threading
import time
from pathlib import Path

import pytest

from mutuals.accounts.models import Boundaries
from mutuals.accounts.tests.factories import make_member
from mutuals.connections.services import Draft, invitation_check

_PATH = Path(__file__).resolve().parent.parent / "benchmarks" / "http_load.py"
_spec = importlib.util.spec_from_file_location("http_load", _PATH)
assert _spec is not None
assert _spec.loader is not None
http_load = importlib.util.module_from_spec(_spec)
sys.modules["http_load"] = http_load
_spec.loader.exec_module(http_load)


@pytest.mark.django_db
def test_every_note_scores_at_least_a_new_members_minimum():
    """The earlier notes scored 10–40 against a recipient nothing is known about: half the
    requests to connect of a run were refused (`below_personalization_threshold`)."""
    sender = make_member(name="Zz Bench 0000")
    recipient = make_member(name="Zz Bench 0002")
    minimum = Boundaries.objects.get(user=recipient).min_personalization
    for note in http_load.NOTES:
        draft = Draft(
            recipient_id=recipient.pk,
            context_kind="other",
            context_text=http_load.CONTEXT_TEXT,
            intent="advice",
            message=note,
        )
        assert invitation_check(sender=sender, draft=draft).score >= minimum, note


@pytest.mark.parametrize(("rate", "seconds"), [(2.0, 33.0), (2.0, 603.0), (10.0, 3600.0), (0.1, 5)])
def test_the_writers_suffice_and_never_ask_each_other(rate, seconds):
    size = http_load.writers_needed(rate, seconds)
    rounds = len(http_load.NOTES)
    assert size * rounds >= rate * seconds + 1  # none sends more than it has notes
    asked = set()
    for round_ in range(rounds):
        for sender in range(size):
            recipient = http_load.ring_recipient(sender, round_, size)
            # Not itself, not its neighbours (connected to it), not twice, not both ways.
            assert recipient not in {sender, (sender + 1) % size, (sender - 1) % size}
            assert (sender, recipient) not in asked
            assert (recipient, sender) not in asked
            asked.add((sender, recipient))


def test_the_pacer_bounds_a_write_to_its_rate():
    pacer = http_load.Pacer(rate=50.0)
    taken, until = 0, time.perf_counter() + 0.5
    while time.perf_counter() < until:
        taken += pacer.take()
    assert 1 <= taken <= 50 * 0.5 + 1


def test_rotating_signers_use_each_member_once_before_any_twice():
    """--rotate: eight client threads taking turns sign 400 requests as 400 members, each
    exactly once (what makes every request its member's first)."""
    tokens = [f"token-{number}" for number in range(400)]
    signers = http_load.Signers(tokens)
    used: list[str] = []
    start = threading.Barrier(8)

    def take() -> None:
        start.wait()
        taken = [signers.next() for _ in range(50)]
        used.extend(taken)

    threads = [threading.Thread(target=take) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(used) == sorted(tokens)
    assert signers.next() == "token-0"  # then round again


@pytest.mark.django_db
def test_rotation_tokens_are_made_per_member_and_only_they_are_revoked():
    """--rotate makes a token for member 1 … N of the pattern, in order, and deletes those
    tokens after the run, not another run's "benchmark" tokens (it deleted every token of
    that label)."""
    from mutuals.accounts.models import ApiToken
    from mutuals.accounts.services import api_token_authenticate, api_token_create

    members = [make_member(email=f"rotate{number}@bench.test") for number in (1, 2, 3)]
    other_run, _ = api_token_create(user=members[0], label="benchmark")

    ids, raws = http_load.tokens_made_for_members("rotate{}@bench.test", 3)

    assert [api_token_authenticate(raw) for raw in raws] == members
    http_load.revoke_made_tokens(ids)
    assert list(ApiToken.objects.values_list("pk", flat=True)) == [other_run.pk]


@pytest.mark.django_db
def test_rotation_refuses_a_pattern_that_names_missing_members():
    make_member(email="rotate1@bench.test")
    with pytest.raises(SystemExit, match=r"1 members not found, the first rotate2@bench\.test"):
        http_load.tokens_made_for_members("rotate{}@bench.test", 2)
