"""An invitation's "their post" context: verified against the feed's visibility rules, and
offered in the composer."""

from __future__ import annotations

import pytest
from django.test import Client

from mutuals.accounts.models import User
from mutuals.accounts.tests.factories import make_member
from mutuals.connections.invitations import context_resolve
from mutuals.connections.models import Invitation
from mutuals.connections.services import invitation_send
from mutuals.connections.tests.factories import GOOD_MESSAGE, good_draft, make_pair
from mutuals.core.errors import Refused
from mutuals.feed import services
from mutuals.feed.tests.factories import make_post

pytestmark = pytest.mark.django_db

BODY = "Pricing schedule risk into supplier contracts saved us a quarter at Acme Rail."


def test_a_visible_post_of_theirs_is_a_verified_context() -> None:
    sender, recipient, _ = make_pair()
    post = make_post(recipient, BODY)
    resolved = context_resolve(sender=sender, recipient=recipient, kind="content", ref=str(post.pk))
    assert resolved.verified
    assert resolved.ref == str(post.pk)
    assert resolved.label == "Pricing schedule risk into supplier contracts saved us…"


@pytest.mark.parametrize("case", ["not_theirs", "connections_only", "hidden", "missing", "blank"])
def test_posts_the_sender_cannot_cite_are_refused(case: str) -> None:
    sender, recipient, mutual = make_pair()
    ref = ""
    if case == "not_theirs":
        ref = str(make_post(mutual, BODY).pk)
    elif case == "connections_only":
        ref = str(make_post(recipient, BODY, visibility="connections").pk)
    elif case == "hidden":
        post = make_post(recipient, BODY)
        services.post_set_hidden(post_id=post.pk, hidden=True)
        ref = str(post.pk)
    elif case == "missing":
        ref = "999999"
    with pytest.raises(Refused) as caught:
        context_resolve(sender=sender, recipient=recipient, kind="content", ref=ref)
    assert caught.value.code == "invalid_context"
    assert caught.value.detail == {"context_kind": "content"}


def test_an_invitation_citing_their_post_is_sent() -> None:
    sender, recipient, mutual = make_pair()
    post = make_post(recipient, BODY)
    message = (
        "Hi Thandi, your post on pricing schedule risk into supplier contracts is exactly what "
        "my team at Kestrel is wrestling with. Could I ask your advice for 20 minutes?"
    )
    invitation = invitation_send(
        sender=sender,
        draft=good_draft(
            recipient, mutual, context_kind="content", context_ref=str(post.pk), message=message
        ),
    )
    assert invitation.context_kind == "content"
    assert invitation.context_ref == str(post.pk)
    assert Invitation.objects.count() == 1


def test_the_composer_offers_their_posts(member: User, web_client: Client) -> None:
    recipient = make_member(name="Thandi Mokoena", profile={"company": "Acme Rail"})
    recipient.boundaries.open_intents = ["advice"]
    recipient.boundaries.save()
    post = make_post(recipient, BODY)
    make_post(recipient, "Only for my connections", visibility="connections")
    page = web_client.get(f"/members/{recipient.pk}/connect/?post={post.pk}").content.decode()
    assert 'value="content" checked' in page
    assert f'<option value="{post.pk}" selected>Pricing schedule risk' in page
    assert "Only for my connections" not in page
    sent = web_client.post(
        f"/members/{recipient.pk}/connect/",
        {
            "context_kind": "content",
            "post": post.pk,
            "intent": "advice",
            "message": GOOD_MESSAGE.format(first="Thandi", mutual="your post", company="Acme Rail")
            + " Your post on supplier contracts made me write.",
        },
    )
    assert sent.status_code == 302, sent.content.decode()[:2000]
    assert Invitation.objects.get().context_ref == str(post.pk)


def test_the_composer_says_when_there_is_no_post(member: User, web_client: Client) -> None:
    recipient = make_member(name="Thandi Mokoena")
    recipient.boundaries.open_intents = ["advice"]
    recipient.boundaries.save()
    page = web_client.get(f"/members/{recipient.pk}/connect/").content.decode()
    assert 'value="content"  disabled' in page or 'value="content" disabled' in page
    assert "none you can see" in page


def test_the_material_a_note_is_checked_against_is_what_the_sender_may_see() -> None:
    """The composer's check reads the recipient's latest posts the sender may see (in one
    compiled statement, issue 20): never a hidden post or a connections-only one of someone
    the sender is not connected with, and nothing across a block."""
    from mutuals.connections.services import block_create, connection_create
    from mutuals.feed.selectors import recipient_material

    sender, recipient, mutual = make_pair()
    make_post(recipient, "Open to everyone: supplier risk reviews.")
    make_post(recipient, "Only for my connections: the pricing memo.", visibility="connections")
    hidden = make_post(recipient, "Taken down: an old rant.")
    services.post_set_hidden(post_id=hidden.pk, hidden=True)
    make_post(mutual, "Someone else's post.")
    assert recipient_material(sender, recipient).posts == (
        "Open to everyone: supplier risk reviews.",
    )
    connection_create(member=sender, other=recipient)
    assert recipient_material(sender, recipient).posts == (
        "Only for my connections: the pricing memo.",
        "Open to everyone: supplier risk reviews.",
    )
    block_create(blocker=recipient, blocked=sender)
    assert recipient_material(sender, recipient).posts == ()
