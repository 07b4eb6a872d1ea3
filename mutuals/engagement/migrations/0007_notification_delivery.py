"""Delivery preferences per kind of notification, the daily digest, and what a notification
is about (issue 17).

Notifications made before this were each e-mailed at once (new messages aside, which go in
messaging's unread digest), so they keep that delivery: one still waiting for the end of a
quiet period is sent as it would have been.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def keep_e_mail_for_earlier_notifications(apps, schema_editor):
    notification_model = apps.get_model("engagement", "Notification")
    notification_model.objects.exclude(kind="message_received").update(delivery="email")


class Migration(migrations.Migration):
    dependencies = [
        ("engagement", "0006_collaboration_audit"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="NotificationPreference",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("requests", "Connection requests: arrived, accepted, declined"),
                            ("messages", "New messages"),
                            ("introductions", "Introductions asked of you and answered"),
                            ("pact", "Your pact: items due soon and missed"),
                            ("ties", "Relationships gone quiet"),
                            ("events", "Events: reminders, changes, a place freed"),
                            ("mentorship", "Mentorship and programmes"),
                            ("collaborations", "Collaborations"),
                            ("mentions", "Mentions of you"),
                            ("comments", "Comments, replies and reshares of your posts"),
                            ("account", "Your data and account"),
                            ("other", "Everything else"),
                        ],
                        max_length=24,
                    ),
                ),
                (
                    "delivery",
                    models.CharField(
                        choices=[
                            ("app", "In the app only"),
                            ("email", "E-mail at once"),
                            ("digest", "Daily digest"),
                            ("off", "Off"),
                        ],
                        max_length=8,
                    ),
                ),
                ("updated_at", models.DateTimeField()),
            ],
        ),
        migrations.AddField(
            model_name="notification",
            name="about",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="notification",
            name="delivery",
            field=models.CharField(
                choices=[
                    ("app", "In the app only"),
                    ("email", "E-mail at once"),
                    ("digest", "Daily digest"),
                ],
                default="app",
                max_length=8,
            ),
        ),
        migrations.RunPython(keep_e_mail_for_earlier_notifications, migrations.RunPython.noop),
        migrations.CreateModel(
            name="NotificationDigest",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("day", models.DateField()),
                ("created_at", models.DateTimeField()),
                ("sent_at", models.DateTimeField(blank=True, null=True)),
                (
                    "member",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notification_digests",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
        ),
        migrations.AddField(
            model_name="notification",
            name="digest",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="notifications",
                to="engagement.notificationdigest",
            ),
        ),
        migrations.AddIndex(
            model_name="notification",
            index=models.Index(
                condition=models.Q(("emailed_at__isnull", True), ("read_at__isnull", True)),
                fields=["delivery", "created_at"],
                name="notification_email_waiting",
            ),
        ),
        migrations.AddConstraint(
            model_name="notification",
            constraint=models.CheckConstraint(
                condition=models.Q(("delivery__in", ["app", "email", "digest"])),
                name="notification_delivery_known",
            ),
        ),
        migrations.AddField(
            model_name="notificationpreference",
            name="member",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="notification_preferences",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddConstraint(
            model_name="notificationdigest",
            constraint=models.UniqueConstraint(
                fields=("member", "day"), name="notification_digest_once_a_day"
            ),
        ),
        migrations.AddConstraint(
            model_name="notificationpreference",
            constraint=models.UniqueConstraint(
                fields=("member", "kind"), name="notification_preference_once_per_kind"
            ),
        ),
        migrations.AddConstraint(
            model_name="notificationpreference",
            constraint=models.CheckConstraint(
                condition=models.Q(("delivery__in", ["app", "email", "digest", "off"])),
                name="notification_preference_delivery_known",
            ),
        ),
        migrations.AddConstraint(
            model_name="notificationpreference",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "kind__in",
                        [
                            "requests",
                            "messages",
                            "introductions",
                            "pact",
                            "ties",
                            "events",
                            "mentorship",
                            "collaborations",
                            "mentions",
                            "comments",
                            "account",
                            "other",
                        ],
                    )
                ),
                name="notification_preference_kind_known",
            ),
        ),
    ]
