"""Fold the feed's post reports into the one report model (issue 18): each `feed.PostReport`
becomes a `moderation.Report` of kind `post`, with the same reason, note, status and times
and the post's words as its excerpt. `feed` 0004 then drops `PostReport`."""

from django.db import migrations


def copy_post_reports(apps, schema_editor):
    PostReport = apps.get_model("feed", "PostReport")
    Report = apps.get_model("moderation", "Report")
    rows = PostReport.objects.select_related("post").order_by("id")
    Report.objects.bulk_create(
        [
            Report(
                reporter_id=row.reporter_id,
                reported_id=row.post.author_id,
                target_kind="post",
                target_id=row.post_id,
                reason=row.reason,
                note=row.note,
                excerpt=row.post.body[:1000],
                status=row.status,
                created_at=row.created_at,
                resolved_at=row.resolved_at
                or (None if row.status == "open" else row.created_at),
                resolved_by_id=row.resolved_by_id,
            )
            for row in rows.iterator()
        ],
        batch_size=500,
    )


def copy_back(apps, schema_editor):
    PostReport = apps.get_model("feed", "PostReport")
    Report = apps.get_model("moderation", "Report")
    Post = apps.get_model("feed", "Post")
    posts = set(Post.objects.values_list("pk", flat=True))
    seen = set()
    for row in Report.objects.filter(target_kind="post").order_by("id"):
        key = (row.target_id, row.reporter_id)
        if row.target_id in posts and row.reporter_id is not None and key not in seen:
            seen.add(key)
            PostReport.objects.create(
                post_id=row.target_id,
                reporter_id=row.reporter_id,
                reason=row.reason if row.reason != "impersonation" else "other",
                note=row.note,
                status=row.status,
                created_at=row.created_at,
                resolved_at=row.resolved_at,
                resolved_by_id=row.resolved_by_id,
            )


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0001_reports_actions_suspensions"),
        ("feed", "0003_post_topic_ids"),
    ]

    operations = [migrations.RunPython(copy_post_reports, copy_back)]
