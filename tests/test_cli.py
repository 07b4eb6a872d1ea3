"""The `mutuals` command line: help, createmember, and the wrapped Django commands."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from mutuals.accounts.models import User
from mutuals.cli import main

pytestmark = pytest.mark.django_db


def test_help_lists_the_product_commands_and_djangos(capsys):
    main(["mutuals", "--help"])
    out = capsys.readouterr().out
    for command in (
        "serve",
        "demo",
        "worker",
        "sweep",
        "createmember",
        "migrate",
        "audit",
        "import-linkedin",
        "backup",
        "restore",
        "db_worker",
    ):
        assert command in out
    assert out.startswith("mutuals — a professional network")


def test_version_names_the_product_and_django(capsys):
    """`mutuals --version` printed Django's version alone ("6.1.3")."""
    from importlib.metadata import version

    import django

    main(["mutuals", "--version"])
    expected = f"mutuals {version('mutuals')} (Django {django.get_version()})\n"
    assert capsys.readouterr().out == expected
    assert expected.startswith("mutuals 0.1")


def test_createmember_creates_a_verified_member(capsys):
    call_command(
        "createmember", email="ops@example.com", password="long enough pw 7", name="Ops Person"
    )
    user = User.objects.get(email="ops@example.com")
    assert user.emailaddress_set.get().verified  # type: ignore[attr-defined]
    assert not user.is_staff
    assert "Created member Ops Person" in capsys.readouterr().out


def test_createmember_reports_each_problem_and_creates_nothing():
    with pytest.raises(CommandError) as caught:
        call_command("createmember", email="nope", password="1", name="X")
    message = str(caught.value)
    assert "email:" in message
    assert "password:" in message
    assert User.objects.count() == 0


def test_createmember_refuses_a_taken_email(member):
    with pytest.raises(CommandError, match="already exists"):
        call_command("createmember", email="SAM@example.com", password="long enough pw 7", name="S")


@pytest.mark.parametrize(
    ("environment", "expected"), [({}, (2, 2)), ({"MUTUALS_THREADS": "3"}, (2, 3))]
)
def test_serve_runs_two_workers_of_two_threads_unless_told(monkeypatch, environment, expected):
    """2 × 2, chosen by measurement on two cores (docs/operations.md, "Processes and threads
    of one server": 2 × 4 doubled the mix's p99); MUTUALS_THREADS still sets the threads."""
    from mutuals.core.management.commands.serve import Command

    monkeypatch.delenv("MUTUALS_THREADS", raising=False)
    monkeypatch.delenv("MUTUALS_WORKERS", raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    options = Command().create_parser("mutuals", "serve").parse_args([])
    assert (options.workers, options.threads) == expected
