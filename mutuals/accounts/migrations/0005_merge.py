"""Joins the three accounts migrations of 2026-12-02, written side by side: privacy, the code
of conduct and deletion; photos, experience and education; topics in case-blind order."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_photo_experience_education"),
        ("accounts", "0004_privacy_conduct_deletion"),
        ("accounts", "0004_topic_case_insensitive_order"),
    ]

    operations = []
