"""One request waiting for an answer per pair, set-aside requests included (issue 17).

The constraint used to cover only pending and queued requests, so a request the recipient had
set aside (`ignored`) could stand beside a request the other way: crossed requests, each
waiting for the other. Before the wider constraint is added, every pair holding more than one
waiting request is resolved by one rule:

- the pending or queued request stays (there is at most one: the old constraint saw to it),
  since nobody has answered it yet; when every one was set aside, the newest stays;
- each other one is closed as `expired`, with an audit row (no actor,
  `detail.reason = "crossed_request"`). Expired, not withdrawn: nobody took it back, and an
  expired request starts no 21-day wait before asking again.
"""

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

WAITING = ("pending", "queued", "ignored")


def close_crossed_requests(apps, schema_editor):
    invitation_model = apps.get_model("connections", "Invitation")
    event_model = apps.get_model("connections", "InvitationEvent")
    crowded = (
        invitation_model.objects.filter(state__in=WAITING)
        .values("pair_low", "pair_high")
        .annotate(waiting=models.Count("id"))
        .filter(waiting__gt=1)
    )
    now = timezone.now()
    for pair in crowded:
        rows = list(
            invitation_model.objects.filter(
                pair_low=pair["pair_low"], pair_high=pair["pair_high"], state__in=WAITING
            ).order_by("-created_at", "-id")
        )
        unanswered = [row for row in rows if row.state != "ignored"]
        keep = unanswered[0] if unanswered else rows[0]
        for row in rows:
            if row.pk == keep.pk:
                continue
            event_model.objects.create(
                invitation_id=row.pk,
                actor=None,
                from_state=row.state,
                to_state="expired",
                at=now,
                detail={"reason": "crossed_request", "kept": keep.pk},
            )
            invitation_model.objects.filter(pk=row.pk).update(state="expired", responded_at=now)


class Migration(migrations.Migration):
    dependencies = [
        ("connections", "0004_invitation_minhash"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(close_crossed_requests, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name="invitation",
            name="invitation_one_open_per_pair",
        ),
        migrations.AddConstraint(
            model_name="invitation",
            constraint=models.UniqueConstraint(
                condition=models.Q(("state__in", ["pending", "queued", "ignored"])),
                fields=("pair_low", "pair_high"),
                name="invitation_one_waiting_per_pair",
            ),
        ),
    ]
