"""Recompute every stored note signature with the personalization engine's new masking and
MinHash (128 values, names and greetings masked; issue 15). Older signatures cannot be
compared with new ones, so without this earlier notes would stop counting as copies.

It uses the engine as it is when the migration runs: signatures are a cache of the note, and
a later change of the scheme comes with its own migration like this one."""

from django.db import migrations


def recompute(apps, schema_editor):
    from mutuals.personalization import Context, Recipient, recipient_terms, signature

    Invitation = apps.get_model("connections", "Invitation")
    Profile = apps.get_model("accounts", "Profile")
    companies = dict(Profile.objects.values_list("user_id", "company"))
    rows = Invitation.objects.select_related("recipient").only(
        "id", "message", "context_kind", "context_label", "recipient__name"
    )
    for invitation in rows.iterator(chunk_size=2000):
        recipient = Recipient(
            name=invitation.recipient.name, company=companies.get(invitation.recipient_id, "")
        )
        context = Context(kind=invitation.context_kind, label=invitation.context_label)
        invitation.signature = list(
            signature(invitation.message, recipient_terms(recipient, context))
        )
        invitation.save(update_fields=["signature"])


class Migration(migrations.Migration):
    dependencies = [("connections", "0002_invitations"), ("accounts", "0001_initial")]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
