"""The story the seed tells (docs/design.md §1), as one journey in headless Chromium: a member
goes to a local professional event, checks in, connects with three people she met there
with notes that reference the event (one generic draft improved after the live
personalization findings), they accept, she thanks them, recaps the event in a post they
comment on, one shared-interest conversation deepens, and it becomes a collaboration that her
network health dashboard shows.

Data is set up through services and factories only; the one time jump (the event moving into
the past so its 72-hour follow-up window is open) uses the events factories' `move`.
Screenshots of every step in test-results/browser/story-*.png."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from mutuals.accounts.models import User
from mutuals.accounts.tests.factories import PASSWORD, make_member
from mutuals.connections.models import Connection, Invitation, InvitationState
from mutuals.core.tests.browser import shot, sign_in, sign_out
from mutuals.engagement.models import (
    Collaboration,
    CollaborationState,
    Interaction,
    InteractionKind,
)
from mutuals.events.services.checkin import attendance_mark, attendance_self_check_in
from mutuals.events.services.rsvp import event_rsvp
from mutuals.events.tests.factories import make_event, move

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GENERIC_DRAFT = "Hi Thandi, I'd like to join your network."
PERSONAL_NOTES = {
    "Thandi Mokoena": (
        "Hi Thandi, your point at the supplier risk round-table about pricing schedule risk "
        "into supplier contracts is exactly what my team at Kestrel is wrestling with. Could I "
        "ask your advice for 20 minutes on how you introduced it at Acme Rail?"
    ),
    "Kwame Asante": (
        "Kwame, thank you for the story at the round-table about the late rolling-stock "
        "delivery at Northline and the penalty clause that never paid out. I'd value swapping "
        "notes on liquidated damages; would a call next week work for you?"
    ),
    "Lina Park": (
        "Lina, your question at the round-table on how small suppliers price risk stayed with "
        "me. Kestrel buys from many of them and I'd like to learn how Harbour Analytics models "
        "their exposure. Could we exchange what we each know over coffee?"
    ),
}


def _cast() -> dict[str, User]:
    risk = ["Risk management", "Supplier contracts"]
    return {
        "olu": make_member(
            name="Olu Bamidele",
            profile={"headline": "Chapter chair, Rail Procurement Forum", "topics": risk},
        ),
        "sam": make_member(
            name="Sam Okafor",
            profile={
                "headline": "Buying rail parts without the surprises",
                "company": "Kestrel",
                "title": "Procurement lead",
                "topics": risk,
            },
        ),
        "thandi": make_member(
            name="Thandi Mokoena",
            profile={
                "headline": "Pricing risk into rail supply chains",
                "company": "Acme Rail",
                "title": "Head of commercial risk",
                "topics": risk,
            },
        ),
        "kwame": make_member(
            name="Kwame Asante",
            profile={
                "headline": "Contracts that survive the dispute",
                "company": "Northline",
                "title": "Contracts counsel",
                "topics": ["Supplier contracts"],
            },
        ),
        "lina": make_member(
            name="Lina Park",
            profile={
                "headline": "Supplier data, made useful",
                "company": "Harbour Analytics",
                "title": "Data lead",
                "topics": ["Risk management"],
            },
        ),
    }


def _you_menu(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Main").locator("summary", has_text="You")


def _switch(page: Page, member: User) -> None:
    sign_out(page)
    sign_in(page, member.email, PASSWORD)


def test_from_an_event_to_a_collaboration(browser_page: Page) -> None:
    page = browser_page
    cast = _cast()
    sam, thandi, kwame, lina, olu = (
        cast["sam"],
        cast["thandi"],
        cast["kwame"],
        cast["lina"],
        cast["olu"],
    )
    event = make_event(
        olu,
        starts_in=timedelta(minutes=30),
        hours=2,
        title="Supplier risk round-table",
        description="An evening on pricing schedule risk into supplier contracts.",
        time_zone="UTC",
        topics=["Risk management"],
    )

    # 1. Sam signs in and says she is going.
    sign_in(page, sam.email, PASSWORD)
    shot(page, "story-01-signed-in")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Events").click()
    page.get_by_role("link", name="Supplier risk round-table").first.click()
    page.get_by_role("button", name="I am going").click()
    expect(page.locator(".rsvp-state")).to_have_text("You are going.")
    shot(page, "story-02-rsvp")

    # The others say so too; at the door, Olu marks Kwame in, the rest use the code.
    for member in (thandi, kwame, lina):
        event_rsvp(member=member, event_id=event.pk)
    for member in (thandi, lina):
        attendance_self_check_in(member=member, event_id=event.pk, code=event.checkin_code)
    attendance_mark(organizer=olu, event_id=event.pk, member_id=kwame.pk)

    # 2. Sam checks in with the code shown at the venue.
    page.reload()
    page.get_by_label(re.compile("code", re.I)).fill(event.checkin_code.lower())
    page.get_by_role("button", name="Check in").click()
    expect(page.locator(".rsvp-checked-in")).to_be_visible()
    shot(page, "story-03-checked-in")

    # The evening ends: the follow-up window (72 hours) is open.
    move(event, starts_at=timezone.now() - timedelta(hours=2, minutes=1), hours=2)

    # 3. Three personal requests from the follow-up page.
    page.goto(f"/events/{event.pk}/")
    page.get_by_role("link", name=re.compile("Follow up with people you met")).click()
    expect(page.get_by_role("heading", name="People you met")).to_be_visible()
    shot(page, "story-04-follow-up")
    for name, note in PERSONAL_NOTES.items():
        page.goto(f"/events/{event.pk}/follow-up/")
        card = page.locator(".met-card", has_text=name)
        card.get_by_role("link", name=re.compile("Connect")).click()
        expect(page.get_by_role("heading", name=f"Connect with {name}")).to_be_visible()
        expect(page.locator("input[name=context_kind][value=event]")).to_be_checked()
        message = page.locator("textarea[name=message]")
        if name == "Thandi Mokoena":
            message.fill(GENERIC_DRAFT)
            expect(page.locator("#feedback .verdict")).to_have_text("Generic")
            shot(page, "story-05-generic-draft")
        message.fill(note)
        expect(page.locator("#feedback .verdict")).to_have_text("Personal")
        if name == "Thandi Mokoena":
            shot(page, "story-06-personal-draft")
        page.get_by_role("button", name="Send request").click()
        expect(page.get_by_text(f"Your request is on its way to {name}.")).to_be_visible()
    shot(page, "story-07-requests-sent")
    sent = Invitation.objects.filter(sender=sam)
    assert sent.count() == 3
    assert set(sent.values_list("context_kind", "context_ref")) == {("event", str(event.pk))}

    # 4. Each accepts.
    for index, member in enumerate((thandi, kwame, lina), start=1):
        _switch(page, member)
        page.get_by_role("link", name="Requests").click()
        expect(page.get_by_text("Supplier risk round-table").first).to_be_visible()
        if index == 1:
            shot(page, "story-08-request-received")
        page.get_by_role("button", name="Accept").click()
        expect(page.get_by_text("You are now connected to Sam Okafor")).to_be_visible()
    shot(page, "story-09-accepted")
    assert Invitation.objects.filter(sender=sam, state=InvitationState.ACCEPTED).count() == 3

    # 5. Sam thanks each of them from the follow-up page.
    _switch(page, sam)
    page.goto(f"/events/{event.pk}/follow-up/")
    for name in PERSONAL_NOTES:
        first = name.split()[0]
        page.get_by_label(f"Thank {first}").fill(
            f"Thank you for connecting, {first}. I'm glad we met at the round-table; "
            "I'll send over the notes from our table this week."
        )
        page.locator(".met-card", has_text=name).get_by_role("button", name="Send thanks").click()
        expect(page.locator(".met-card", has_text=name)).to_contain_text("Sent")
    shot(page, "story-10-thanks-sent")

    # 6. A recap of the evening, which two of them comment on.
    page.get_by_role("link", name="Write an event recap").click()
    expect(page.locator("input[name=kind][value=event_recap]")).to_be_checked()
    page.get_by_label("Your post").fill(
        "Three things I took home from the supplier risk round-table: price schedule risk into "
        "the contract rather than hoping for penalty clauses; small suppliers need the risk "
        "model explained, not imposed; and data on late deliveries is the best negotiating "
        "tool we have. Thank you Olu for hosting."
    )
    page.get_by_label("Topics").fill("Risk management, Supplier contracts")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Your post is published.")).to_be_visible()
    expect(page.get_by_text("Recap of")).to_be_visible()
    shot(page, "story-11-recap")
    recap_url = page.url
    comments = {
        thandi: "Agreed on the penalty clauses. We stopped relying on them at Acme Rail in 2023.",
        kwame: "The late-delivery data point is the one I'd underline twice.",
    }
    for member, comment in comments.items():
        _switch(page, member)
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Feed").click()
        page.locator(".post-card", has_text="Three things I took home").get_by_role(
            "link", name=re.compile("ago|now")
        ).first.click()
        page.get_by_label("Add a comment").fill(comment)
        page.get_by_role("button", name="Comment", exact=True).click()
        expect(page.get_by_text(comment)).to_be_visible()
    assert page.url.split("#")[0] == recap_url.split("#")[0]
    shot(page, "story-12-recap-comments")

    # 7. The shared interest deepens: a conversation about supplier contracts.
    _switch(page, sam)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Messages").click()
    page.get_by_role("link", name=re.compile("New message|Start a conversation")).first.click()
    page.get_by_label("Thandi Mokoena").check()
    page.get_by_label("Kwame Asante").check()
    page.get_by_label("Group name").fill("Schedule-risk clauses")
    page.get_by_label("Your message", exact=True).fill(
        "Thandi, Kwame: you both care about supplier contracts, and between Acme Rail's "
        "approach and Northline's experience with penalty clauses we have most of a "
        "schedule-risk clause playbook. Shall we compare the clauses we use?"
    )
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", name="Schedule-risk clauses")).to_be_visible()
    replies = {
        thandi: "Yes please. I'll bring our clause library and the pricing worksheet.",
        kwame: "Count me in. I can annotate the clauses that held up in disputes.",
    }
    for member, reply in replies.items():
        _switch(page, member)
        page.get_by_role("navigation", name="Main").get_by_role(
            "link", name=re.compile("^Messages")
        ).click()
        page.get_by_role("link", name=re.compile("Schedule-risk clauses")).first.click()
        page.locator("textarea[name=text]").fill(reply)
        page.get_by_role("button", name="Send").click()
        expect(page.get_by_text(reply)).to_be_visible()
    shot(page, "story-13-conversation")

    # 8. It becomes a collaboration: Sam proposes it from the conversation, both confirm.
    _switch(page, sam)
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name=re.compile("^Messages")
    ).click()
    page.get_by_role("link", name=re.compile("Schedule-risk clauses")).first.click()
    page.get_by_role("link", name="Start a collaboration").click()
    expect(page.get_by_label("Thandi Mokoena")).to_be_checked()
    expect(page.get_by_label("Kwame Asante")).to_be_checked()
    expect(page.get_by_label("Lina Park")).not_to_be_checked()
    page.get_by_label("Project title").fill("Schedule-risk clause playbook")
    page.get_by_label("Short description").fill(
        "Model clauses for pricing schedule risk into rail supplier contracts, annotated with "
        "what held up in disputes."
    )
    shot(page, "story-14-collaboration-proposed")
    page.get_by_role("button", name="Propose the collaboration").click()
    expect(page.get_by_text("Waiting for someone to confirm.")).to_be_visible()
    for member in (thandi, kwame):
        _switch(page, member)
        _you_menu(page).click()
        page.get_by_role("link", name="Collaborations").click()
        expect(page.get_by_role("heading", name="Waiting for your answer")).to_be_visible()
        page.get_by_role("link", name="Schedule-risk clause playbook").click()
        page.get_by_role("button", name="Confirm").click()
        expect(page.get_by_text("Confirmed. It now shows on your profile.")).to_be_visible()
    shot(page, "story-15-collaboration-confirmed")

    # 9. Sam's profile and network health show it.
    _switch(page, sam)
    _you_menu(page).click()
    page.get_by_role("link", name="My profile").click()
    collaborations = page.locator(".profile-collaborations")
    expect(collaborations).to_contain_text("Schedule-risk clause playbook")
    expect(collaborations).to_contain_text("Thandi Mokoena")
    expect(collaborations).to_contain_text("Kwame Asante")
    shot(page, "story-16-profile")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Network").click()
    page.get_by_role("link", name="Network health").click()
    expect(page.get_by_role("heading", name="Your network health")).to_be_visible()
    health = page.locator("section", has=page.locator("#collaborations-heading"))
    expect(health.locator(".stats")).to_contain_text(re.compile(r"Active collaborations\s*1"))
    expect(health).to_contain_text("Schedule-risk clause playbook")
    shot(page, "story-17-health")

    # And in the data: three new connections, a confirmed collaboration, its interactions.
    assert Connection.objects.count() == 3
    collaboration = Collaboration.objects.get()
    assert collaboration.state == CollaborationState.ACTIVE
    assert collaboration.conversation is not None
    pairs = {
        frozenset(pair)
        for pair in Interaction.objects.filter(kind=InteractionKind.COLLABORATION).values_list(
            "actor_id", "counterpart_id"
        )
    }
    # Thandi and Kwame never connected to each other: the ledger counts relationships only.
    assert pairs == {frozenset({sam.pk, thandi.pk}), frozenset({sam.pk, kwame.pk})}
