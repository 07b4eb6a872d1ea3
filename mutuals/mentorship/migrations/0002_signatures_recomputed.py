"""Recompute every mentorship request's note signature with the personalization engine's new
masking and MinHash (issue 15), as connections 0003 does for invitations."""

from django.db import migrations


def recompute(apps, schema_editor):
    from mutuals.personalization import Recipient, recipient_terms, signature

    Mentorship = apps.get_model("mentorship", "Mentorship")
    Profile = apps.get_model("accounts", "Profile")
    companies = dict(Profile.objects.values_list("user_id", "company"))
    rows = Mentorship.objects.select_related("mentor").only("id", "note", "mentor__name")
    for mentorship in rows.iterator(chunk_size=2000):
        recipient = Recipient(
            name=mentorship.mentor.name, company=companies.get(mentorship.mentor_id, "")
        )
        mentorship.signature = list(signature(mentorship.note, recipient_terms(recipient)))
        mentorship.save(update_fields=["signature"])


class Migration(migrations.Migration):
    dependencies = [("mentorship", "0001_initial"), ("accounts", "0001_initial")]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
