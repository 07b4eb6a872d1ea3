# ruff: noqa: E501 - demo prose reads better unwrapped
"""The demo chapter's posts: insights, questions, opportunities and event recaps by the cast,
with comments and replies, reactions and reshares, written through the feed's services (so
mentions notify, contributions enter the ledger and counts are right).

Deterministic and idempotent: every post is matched by author and text, every comment by
post, author and text, a reshare by its author and original; a rerun adds only what is
missing. Times are spread over the last three weeks so the feed's ranking has something to
rank.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from mutuals.accounts.models import User
from mutuals.feed import events_bridge, services
from mutuals.feed.models import Comment, Post, PostTopic, ReactionKind


@dataclass(frozen=True)
class DemoPost:
    author: str
    kind: str
    hours_ago: int
    body: str  # "{@key}" becomes a mention of that cast member
    topics: tuple[str, ...] = ()
    visibility: str = "community"
    opportunity_kind: str = ""
    company: str = ""
    referrals_welcome: bool = False


POSTS: tuple[DemoPost, ...] = (
    DemoPost(
        "thandi",
        "insight",
        6,
        "We stopped treating schedule risk as a line in the risk register and started pricing it into supplier contracts. Three months in, our change orders on the signalling package are down by a third. The trick was agreeing the risk allowance with {@ana} before tender, not after.",
        ("Schedule risk", "Supplier contracts"),
    ),
    DemoPost(
        "priya",
        "question",
        10,
        "Portfolio leads: how do you decide which projects to pause when the budget is cut mid-year? We score on strategic fit and benefits at risk, but the conversation always ends up being about who shouts loudest.",
        ("Portfolio management", "Benefits realisation"),
    ),
    DemoPost(
        "mateo",
        "opportunity",
        20,
        "Kestrel Logistics is hiring a PMO Analyst to help us run hybrid delivery across our warehouse programmes. Good fit for someone moving from business analysis into project controls.",
        ("PMO", "Hybrid delivery"),
        opportunity_kind="job",
        company="Kestrel Logistics",
        referrals_welcome=True,
    ),
    DemoPost(
        "meilin",
        "insight",
        28,
        "Remote retros that work: we give everyone five silent minutes in a shared doc before anyone speaks. The quiet people write the best items. Facilitation is mostly about who gets to go first.",
        ("Facilitation", "Remote teams", "Agile"),
    ),
    DemoPost(
        "oluwaseun",
        "insight",
        34,
        "Earned value on a construction site is only as good as the progress measurement behind it. We moved from percent complete by eye to quantities installed per work package and our CPI stopped jumping around.",
        ("Earned value", "Construction"),
    ),
    DemoPost(
        "fatima",
        "question",
        40,
        "Has anyone migrated clinical data between two EHR vendors without a big-bang weekend? We are looking at a phased cut-over by site and I would love to hear what went wrong for you.",
        ("Data migration", "Healthcare IT"),
    ),
    DemoPost(
        "liam",
        "opportunity",
        46,
        "Maple Civic Works is looking for partners for a pilot on low-carbon concrete in two bridge rehabilitations next spring. If your organisation has done supplier trials like this, let's talk.",
        ("Infrastructure", "Sustainability", "Procurement"),
        opportunity_kind="collaboration_call",
        company="Maple Civic Works",
    ),
    DemoPost(
        "aiko",
        "insight",
        52,
        "We tried using an AI assistant to draft user stories from support tickets. It is good at the first draft and bad at knowing what matters. The product owner's job moved from writing to choosing.",
        ("AI in project delivery", "Product management"),
    ),
    DemoPost(
        "rajesh",
        "insight",
        60,
        "PMP exam tip that nobody tells you: read the last sentence of each question first. It tells you whether they want the next step, the best tool or the root cause, and the scenario reads differently.",
        ("PMP exam prep", "Mentoring"),
    ),
    DemoPost(
        "sofia",
        "question",
        70,
        "Project controls folks: do you report schedule contingency separately from cost contingency to your steering committee, or as one number? We keep getting asked to 'just give the date'.",
        ("Schedule risk", "Budgeting"),
    ),
    DemoPost(
        "kwame",
        "insight",
        80,
        "Quality assurance on signalling upgrades: every test we skipped to hold the date came back as a site visit later. {@thandi} and I now put the test plan on the same page as the milestone plan.",
        ("Quality assurance", "Infrastructure"),
    ),
    DemoPost(
        "ana",
        "opportunity",
        90,
        "Acme Rail needs a short project to review our framework agreements before renewal: six weeks, commercial and delivery people together. Looking for an independent reviewer.",
        ("Supplier contracts", "Procurement"),
        opportunity_kind="project",
        company="Acme Rail",
    ),
    DemoPost(
        "dmitri",
        "insight",
        100,
        "Change management is not a communication plan. At Bayview the adoption of the new release process jumped when we let two teams design it instead of announcing it.",
        ("Change management", "Agile"),
    ),
    DemoPost(
        "nadia",
        "question",
        112,
        "How do you engage residents on a transit project without the public meeting turning into a complaints session? Our next round is in March and I want to try a different format.",
        ("Stakeholder engagement", "Public sector"),
    ),
    DemoPost(
        "jamal",
        "opportunity",
        124,
        "Three contract project manager roles with a public-sector client, six to nine months, hybrid in Toronto. Referrals very welcome, especially people returning to work.",
        ("Career change", "Public sector"),
        opportunity_kind="job",
        company="Redpath Talent",
        referrals_welcome=True,
    ),
    DemoPost(
        "grace",
        "question",
        136,
        "Students here: which would you do first, the CAPM or a co-op term on a construction site? My advisor and my manager disagree and both are convincing.",
        ("PMP exam prep", "Career change"),
    ),
    DemoPost(
        "sam",
        "insight",
        150,
        "Risk-based stage gates at Kestrel: a small project with low risk now passes two gates instead of five. The PMO was nervous, but the audit trail is better because people actually fill it in.",
        ("Risk management", "PMO", "Hybrid delivery"),
    ),
    DemoPost(
        "leila",
        "insight",
        165,
        "Benefits realisation in hospitals is slow: the benefit of a new clinical system shows up 12 to 18 months after go-live. We now keep one named owner per benefit long after the project closes.",
        ("Benefits realisation", "Healthcare IT"),
        visibility="connections",
    ),
    DemoPost(
        "chen",
        "insight",
        180,
        "Hybrid delivery does not mean half agile, half waterfall. For us it means fixed milestones for the hardware and short iterations for the software, with one shared risk log.",
        ("Hybrid delivery", "Agile"),
    ),
    DemoPost(
        "isabelle",
        "question",
        200,
        "Procurement people: how are you writing evaluation criteria for sustainability without turning it into a box-ticking exercise?",
        ("Procurement", "Sustainability"),
    ),
    DemoPost(
        "arjun",
        "insight",
        220,
        "Six months into moving from business analyst to project manager: the hardest part is not the tools, it is saying no. {@sam} gave me a script for it and it works.",
        ("Career change",),
    ),
    DemoPost(
        "zanele",
        "opportunity",
        240,
        "Lakeshore Energy is opening a call for collaboration on measuring benefits of energy-efficiency retrofits across a portfolio. We would like two or three partners from the chapter.",
        ("Sustainability", "Portfolio management"),
        opportunity_kind="collaboration_call",
        company="Lakeshore Energy",
    ),
    DemoPost(
        "hiroshi",
        "insight",
        260,
        "Monte Carlo on a schedule with 2,000 activities is not the hard part. Getting the team to agree on three-point estimates is. Run the workshop before you run the model.",
        ("Schedule risk", "Risk management"),
    ),
    DemoPost(
        "mateo",
        "question",
        290,
        "How many gates does your PMO really need? We are down to three and I am wondering if two would do.",
        ("PMO", "Portfolio management"),
    ),
    DemoPost(
        "priya",
        "insight",
        320,
        "Mentoring note: the best question a mentee asked me this year was 'what would you stop doing in my role?'. It took me a week to answer it properly.",
        ("Mentoring",),
    ),
    DemoPost(
        "thandi",
        "question",
        360,
        "What is your favourite way to run a lessons-learned session that people actually attend? Ours turn into blame or silence.",
        ("Facilitation", "Risk management"),
    ),
    DemoPost(
        "meilin",
        "opportunity",
        400,
        "Tidewater Software is looking for a Scrum Master for our platform team. We care more about facilitation than certificates.",
        ("Scrum", "Facilitation"),
        opportunity_kind="job",
        company="Tidewater Software",
        referrals_welcome=True,
    ),
    DemoPost(
        "rajesh",
        "question",
        450,
        "Study group idea: a six-week PMP prep circle that meets after the chapter evenings. Who would join?",
        ("PMP exam prep", "Mentoring"),
    ),
)

# (post index, author, text, index in this list of the comment it replies to, or None)
COMMENTS: tuple[tuple[int, str, str, int | None], ...] = (
    (
        0,
        "ana",
        "Agreeing the allowance before tender was the whole difference. Happy to share the clause wording.",
        None,
    ),
    (
        0,
        "hiroshi",
        "Do you price it from a quantified schedule risk analysis or from history?",
        None,
    ),
    (
        0,
        "thandi",
        "From a QSRA on the critical path, then sanity-checked against the last three packages.",
        1,
    ),
    (0, "sam", "We are about to try this at Kestrel. Could I borrow your clause too?", None),
    (
        1,
        "mateo",
        "We publish the scoring before the conversation. It does not stop the shouting but it shortens it.",
        None,
    ),
    (
        1,
        "zanele",
        "Benefits at risk is the right lens. We add 'cost to restart' so pausing is not free.",
        None,
    ),
    (1, "priya", "Cost to restart is a great addition, thank you.", 5),
    (
        2,
        "arjun",
        "This is exactly the move I am trying to make. Is the role open to someone without a PMP yet?",
        None,
    ),
    (2, "mateo", "Yes, we care more about how you think. Send me a note.", 7),
    (3, "dmitri", "Silent writing first is the single best facilitation trick I know.", None),
    (
        5,
        "leila",
        "We did it site by site at Northwind. Happy to talk through the reconciliation reports.",
        None,
    ),
    (5, "fatima", "That would help a lot, I will message you.", 10),
    (
        6,
        "isabelle",
        "Our procurement team would like to be involved in the supplier side of this.",
        None,
    ),
    (9, "oluwaseun", "Separately, always. One number hides where the risk is.", None),
    (13, "nadia", "Update: we tried a walking tour format and it went much better.", None),
    (15, "rajesh", "Do the co-op. The exam is easier once you have seen a site.", None),
    (15, "grace", "That is what my manager said. Co-op it is!", 15),
    (
        16,
        "mateo",
        "The audit trail point surprised me most. People fill in a short form honestly.",
        None,
    ),
    (16, "priya", "Would you present this at a chapter evening?", None),
    (16, "sam", "Happy to, with Mateo.", 18),
    (20, "sam", "Proud of you, Arjun. It gets easier.", None),
    (
        22,
        "sofia",
        "The workshop is where the value is. The model just makes the conversation concrete.",
        None,
    ),
)

RESHARES: tuple[tuple[int, str, str], ...] = (
    (0, "kwame", "Worth reading for anyone running a supplier-heavy programme."),
    (2, "jamal", "A great first PMO role at Kestrel Logistics. Referrals welcome."),
    (21, "sofia", "If you measure retrofit benefits, Zanele's call is worth answering."),
)


def _at(now: datetime, hours_ago: int) -> datetime:
    return now - timedelta(hours=hours_ago)


def _mention_text(text: str, members: dict[str, User]) -> str:
    for key, user in members.items():
        text = text.replace("{@" + key + "}", f"@[{user.name}]({user.pk})")
    return text


@transaction.atomic
def demo_feed_seed(
    members: dict[str, User],
    now: datetime | None = None,
    *,
    cast_connections: Iterable[tuple[str, str]],
) -> int:
    """Seed the demo's posts, comments, reactions and reshares; returns posts created.
    `cast_connections` are the cast's connections (pairs of keys): reactions come from them."""
    now = now or timezone.now()
    created = 0
    posts: list[Post] = []
    for spec in POSTS:
        author = members[spec.author]
        body = _mention_text(spec.body, members)
        post = Post.objects.filter(author=author, body=body).first()
        if post is None:
            post = services.post_create(
                author=author,
                kind=spec.kind,
                body=body,
                visibility=spec.visibility,
                topics=list(spec.topics),
                opportunity_kind=spec.opportunity_kind,
                company=spec.company,
                referrals_welcome=spec.referrals_welcome,
                at=_at(now, spec.hours_ago),
            )
            created += 1
        posts.append(post)
    created += _recaps(members, now)

    comments: list[Comment | None] = []
    for index, (post_index, key, text, parent_index) in enumerate(COMMENTS):
        post, author = posts[post_index], members[key]
        comment = Comment.objects.filter(post=post, author=author, body=text).first()
        if comment is None:
            parent = comments[parent_index] if parent_index is not None else None
            comment = services.comment_create(
                author=author, post_id=post.pk, body=text, parent_id=parent.pk if parent else None
            )
            when = post.created_at + timedelta(hours=1 + index % 7)
            Comment.objects.filter(pk=comment.pk).update(created_at=min(when, now))
        comments.append(comment)

    # Reactions come from the author's connections in the cast (a fixed list, so a rerun
    # picks the same people whatever else the demo has connected since).
    friends: dict[str, set[str]] = {}
    for a, b in cast_connections:
        friends.setdefault(a, set()).add(b)
        friends.setdefault(b, set()).add(a)
    keys = {user.pk: key for key, user in members.items()}
    kinds = list(ReactionKind.values)
    for post in posts:
        for key in sorted(friends.get(keys[post.author_id], set())):
            member = members[key]
            digest = hashlib.sha256(f"react|{post.body[:40]}|{key}".encode()).digest()
            if digest[0] % 3 == 0:  # about a third of the author's connections react
                services.reaction_set(
                    member=member, post_id=post.pk, kind=kinds[digest[1] % len(kinds)]
                )

    for post_index, key, text in RESHARES:
        original, member = posts[post_index], members[key]
        if not Post.objects.filter(author=member, reshare_of=original).exists():
            reshare = services.reshare_create(member=member, post_id=original.pk, commentary=text)
            when = original.created_at + timedelta(hours=3)
            Post.objects.filter(pk=reshare.pk).update(created_at=when)
            PostTopic.objects.filter(post=reshare).update(created_at=when)
            created += 1
    return created


RECAP_TAKEAWAYS = {
    "thandi": (
        "Three things I took away from {title}: write the risk down before you argue about "
        "it, give the quiet people the first five minutes, and follow up within a week while "
        "the names are still fresh. Thank you to everyone who came."
    ),
    "priya": (
        "Hosting {title} taught me that supplier risk is a people problem first: the best "
        "mitigations in the room came from buyers, not planners. Slides are in the chapter "
        "drive; next session we pair up across industries."
    ),
    "meilin": (
        "My one change after {title}: our risk review now starts with the supplier who is "
        "late most often, not the one with the biggest contract. Curious whether anyone else "
        "tried ranking by lateness."
    ),
}


def _recaps(members: dict[str, User], now: datetime) -> int:
    """An event recap, each in its author's own words, by cast members who attended a demo
    event. Sam, the demo's guide, has none: writing it is his to do from the follow-up page."""
    created = 0
    for key, takeaways in RECAP_TAKEAWAYS.items():
        member = members.get(key)
        if member is None:
            continue
        events = events_bridge.recappable(member.pk)
        if not events:
            continue
        event_id, label = events[0]
        title = label.rsplit(" (", 1)[0]
        body = takeaways.format(title=title)
        if Post.objects.filter(author=member, kind="event_recap", event_id=event_id).exists():
            continue
        services.post_create(
            author=member,
            kind="event_recap",
            body=body,
            topics=["Facilitation"],
            event_id=event_id,
            at=now - timedelta(hours=3),
        )
        created += 1
    return created
