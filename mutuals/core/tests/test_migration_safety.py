"""`mutuals lintmigrations` (in `make lint`): a new migration that would break the version
still serving during an upgrade is refused (core.migration_safety)."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import migrations, models
from django.db.migrations.loader import MigrationLoader

from mutuals.core.migration_safety import baseline, check_all, check_migration


def _findings(*operations, contract: bool = False):
    """Check a migration of the accounts app placed after its newest one."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    (leaf,) = loader.graph.leaf_nodes("accounts")
    state = loader.project_state(leaf)
    under_test = type(
        "Migration", (migrations.Migration,), {"operations": list(operations), "contract": contract}
    )
    migration = under_test("0999_under_test", "accounts")
    return [
        (finding.error, finding.operation.split()[0])
        for finding in check_migration(migration, state)
    ]


def test_the_tree_passes() -> None:
    call_command("lintmigrations")


def test_an_unsafe_migration_outside_the_baseline_fails_the_lint() -> None:
    """imports.0002 removed a column the version before it still read: checked like a new
    migration, it fails."""
    everything_else = baseline() - {"imports.0002_upload_on_disk_and_heartbeat"}
    findings = check_all(skip=everything_else)
    assert {f.operation.split()[0] for f in findings if f.error} == {"AddField", "RemoveField"}
    assert all(
        f.migration == "imports.0002_upload_on_disk_and_heartbeat" for f in findings if f.error
    )


@pytest.mark.parametrize(
    "operation",
    [
        migrations.RemoveField("profile", "headline"),
        migrations.RenameField("profile", "headline", "title"),
        migrations.DeleteModel("Topic"),
        migrations.RenameModel("Topic", "Subject"),
        migrations.AlterModelTable("topic", "accounts_subject"),
    ],
)
def test_a_contract_step_needs_to_say_so(operation) -> None:
    (finding,) = _findings(operation)
    assert finding == (True, type(operation).__name__)
    assert _findings(operation, contract=True) == []


def test_a_not_null_column_without_a_database_default_is_refused() -> None:
    unsafe = migrations.AddField("profile", "pronouns", models.CharField(max_length=40, default=""))
    assert _findings(unsafe) == [(True, "AddField")]
    nullable = migrations.AddField(
        "profile", "pronouns", models.CharField(max_length=40, null=True)
    )
    database_default = migrations.AddField(
        "profile", "pronouns", models.CharField(max_length=40, db_default="")
    )
    assert _findings(nullable) == []
    assert _findings(database_default) == []


def test_making_a_column_not_null_or_changing_its_type_is_refused() -> None:
    def linkedin_url(**changes):
        options = {"max_length": 300, "blank": True, "db_index": True, **changes}
        return migrations.AlterField("profile", "linkedin_url", models.CharField(**options))

    assert _findings(linkedin_url(null=True)) == []  # expand: the old version writes ""
    assert _findings(linkedin_url(null=True), linkedin_url(null=False)) == [(True, "AlterField")]
    assert _findings(linkedin_url(max_length=200)) == [(True, "AlterField")]
    assert _findings(
        migrations.AlterField("profile", "linkedin_url", models.TextField(blank=True))
    ) == [(True, "AlterField")]


def test_a_foreign_key_made_nullable_is_an_expansion_and_retargeting_it_is_refused() -> None:
    """A relation's column type is its target's key: the state cannot resolve it outside the
    app registry, so the lint compares the targets (it used to crash on any relation)."""

    def user(to: str, **changes):
        options = {"on_delete": models.CASCADE, "related_name": "+", **changes}
        return migrations.AlterField("profile", "user", models.ForeignKey(to, **options))

    assert _findings(user("accounts.user", null=True, on_delete=models.SET_NULL)) == []
    assert _findings(user("auth.group")) == [(True, "AlterField")]


def test_a_new_model_may_have_anything() -> None:
    assert (
        _findings(
            migrations.CreateModel("Badge", [("id", models.BigAutoField(primary_key=True))]),
            migrations.AddField("badge", "label", models.CharField(max_length=20)),
            migrations.AddIndex("badge", models.Index(fields=["label"], name="badge_label")),
        )
        == []
    )


def test_an_index_on_an_existing_table_is_a_warning() -> None:
    index = models.Index(fields=["linkedin_url"], name="profile_linkedin")
    assert _findings(migrations.AddIndex("profile", index)) == [(False, "AddIndex")]


def test_the_command_fails_on_an_error(monkeypatch) -> None:
    import mutuals.core.management.commands.lintmigrations as command

    monkeypatch.setattr(
        command, "check_all", lambda: check_all(skip=baseline() - {"feed.0003_post_topic_ids"})
    )
    with pytest.raises(CommandError, match="1 migration operation"):
        call_command("lintmigrations")
