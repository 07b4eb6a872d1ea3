"""Feed pages: the ranked feed (HTMX "load more"), a post with its comments and reactions,
writing, editing, resharing and reporting a post, followed topics and contribution counts.
Thin: parse, call the service the API calls, render. Every page works without JavaScript;
HTMX only swaps the next page of the feed, a reaction bar and the comment list in place.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mutuals.accounts.models import User
from mutuals.accounts.selectors import member_for_request
from mutuals.core.errors import MutualsError, NotFound
from mutuals.core.forms import refusal_to_form, refusal_to_message
from mutuals.core.htmx import is_htmx
from mutuals.feed import events_bridge, selectors, services
from mutuals.feed.access import Audience, access_comment_by_id, access_post_by_id
from mutuals.feed.forms import (
    KIND_HELP,
    CommentForm,
    PostEditForm,
    PostForm,
    ReshareForm,
)
from mutuals.feed.models import Post, PostKind, ReactionKind, Visibility

FEED_PAGE_SIZE = 15


def _next_url(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


# --- The feed --------------------------------------------------------------------------------


@login_required
@require_GET
def feed_view(request: HttpRequest) -> HttpResponse:
    """The ranked feed. With HTMX and a cursor, only the next items and a new "load more"."""
    viewer = member_for_request(request)
    cursor = request.GET.get("cursor") or None
    try:
        page = selectors.feed_page(viewer, cursor=cursor, limit=FEED_PAGE_SIZE, for_html=True)
    except MutualsError:
        return redirect("feed")
    context: dict[str, Any] = {"page": page, "items": page.items, "next_cursor": page.next}
    if is_htmx(request) and cursor:
        return render(request, "feed/_feed_items.html", context)
    followed = selectors.followed_topic_ids(viewer.pk)
    context.update(
        {
            "first_page": cursor is None,
            "followed_count": len(followed),
            "kinds": [(k.value, k.label, KIND_HELP[k]) for k in KIND_HELP],
        }
    )
    return render(request, "feed/feed.html", context)


# --- Writing ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def post_new_view(request: HttpRequest) -> HttpResponse:
    """Write a post. `?kind=event_recap&event=<id>` opens it as a recap of that event."""
    viewer = member_for_request(request)
    events = events_bridge.recappable(viewer.pk)
    if request.method == "POST":
        form = PostForm(request.POST, events=events)
        if form.is_valid():
            try:
                post = services.post_create(author=viewer, **form.service_kwargs())
            except MutualsError as error:
                refusal_to_form(form, error, field_names={"event_id": "event"})
            else:
                messages.success(request, "Your post is published.")
                return redirect("post_detail", post_id=post.pk)
    else:
        kind, event = request.GET.get("kind", PostKind.INSIGHT), request.GET.get("event", "")
        form = PostForm(initial=PostForm.initial_for(kind, event, events), events=events)
    kinds = [(k.value, k.label, KIND_HELP[k]) for k in KIND_HELP]
    context = {"form": form, "kind_help": kinds, "has_events": bool(events)}
    return render(request, "feed/post_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def post_edit_view(request: HttpRequest, post_id: int) -> HttpResponse:
    viewer = member_for_request(request)
    post = access_post_by_id(viewer, post_id)
    if post.author_id != viewer.pk:
        raise NotFound("Only the author can edit a post.")
    if request.method == "POST":
        form = PostEditForm(request.POST)
        if form.is_valid():
            try:
                services.post_update(member=viewer, post_id=post.pk, **form.service_kwargs())
            except MutualsError as error:
                refusal_to_form(form, error)
            else:
                messages.success(request, "Your post is updated.")
                return redirect("post_detail", post_id=post.pk)
    else:
        form = PostEditForm(initial=PostEditForm.initial_for(post))
    return render(request, "feed/post_edit.html", {"form": form, "post": post})


@login_required
@require_POST
def post_delete_view(request: HttpRequest, post_id: int) -> HttpResponse:
    with refusal_to_message(request):
        services.post_delete(member=member_for_request(request), post_id=post_id)
        messages.success(request, "Your post is deleted.")
        return redirect("feed")
    return redirect("post_detail", post_id=post_id)


# --- A post ----------------------------------------------------------------------------------


def _post_context(viewer: User, post: Post, audience: Audience) -> dict[str, Any]:
    selectors.annotate_for_viewer([post], audience)
    return {
        "post": post,
        "comments": selectors.comments_for(audience, post),
        "reaction_counts": selectors.reaction_summary(audience, post),
        "reaction_kinds": ReactionKind.choices,
        "viewer": viewer,
        "can_connect": post.author_id != viewer.pk and post.author_id not in audience.connected,
    }


@login_required
@require_GET
def post_detail_view(request: HttpRequest, post_id: int) -> HttpResponse:
    viewer = member_for_request(request)
    audience = Audience.of(viewer)
    post = access_post_by_id(viewer, post_id, audience)
    context = _post_context(viewer, post, audience)
    context["comment_form"] = CommentForm()
    return render(request, "feed/post_detail.html", context)


@login_required
@require_POST
def comment_create_view(request: HttpRequest, post_id: int) -> HttpResponse:
    viewer = member_for_request(request)
    audience = Audience.of(viewer)
    post = access_post_by_id(viewer, post_id, audience)
    form = CommentForm(request.POST)
    comment = None
    if form.is_valid():
        try:
            comment = services.comment_create(
                author=viewer,
                post_id=post.pk,
                body=form.cleaned_data["body"],
                parent_id=form.cleaned_data.get("parent"),
            )
        except NotFound:
            raise
        except MutualsError as error:
            refusal_to_form(form, error)
    if is_htmx(request):
        post.refresh_from_db()
        context = _post_context(viewer, post, audience)
        context["comment_form"] = CommentForm() if comment else form
        context["comment_error_parent"] = None if comment else form.data.get("parent")
        return render(request, "feed/_comments.html", context)
    if comment is None:
        context = _post_context(viewer, post, audience)
        context["comment_form"] = form
        return render(request, "feed/post_detail.html", context, status=422)
    return redirect(reverse("post_detail", args=[post.pk]) + f"#comment-{comment.pk}")


@login_required
@require_POST
def comment_delete_view(request: HttpRequest, comment_id: int) -> HttpResponse:
    viewer = member_for_request(request)
    comment = access_comment_by_id(viewer, comment_id)
    with refusal_to_message(request):
        services.comment_delete(member=viewer, comment_id=comment_id)
        messages.success(request, "The comment is removed.")
        return redirect(reverse("post_detail", args=[comment.post_id]) + "#comments")
    return redirect("feed")


@login_required
@require_POST
def reaction_view(request: HttpRequest, post_id: int) -> HttpResponse:
    """Set (`kind`) or take back (`kind=remove`) the viewer's reaction; pressing the reaction
    one already gave takes it back."""
    viewer = member_for_request(request)
    audience = Audience.of(viewer)
    post = access_post_by_id(viewer, post_id, audience)
    kind = request.POST.get("kind", "")
    current = selectors.viewer_reactions(viewer.pk, [post.pk]).get(post.pk)
    try:
        if kind == "remove" or kind == current:
            services.reaction_remove(member=viewer, post_id=post.pk)
        else:
            services.reaction_set(member=viewer, post_id=post.pk, kind=kind)
    except MutualsError as error:
        if not is_htmx(request):
            messages.error(request, error.message)
    if is_htmx(request):
        post.refresh_from_db()
        selectors.annotate_for_viewer([post], audience)
        return render(request, "feed/_reactions.html", {"post": post})
    return redirect(_next_url(request, reverse("post_detail", args=[post.pk])))


@login_required
@require_http_methods(["GET", "POST"])
def reshare_view(request: HttpRequest, post_id: int) -> HttpResponse:
    viewer = member_for_request(request)
    audience = Audience.of(viewer)
    post = access_post_by_id(viewer, post_id, audience)
    original = post.reshare_of if post.is_reshare else post
    if request.method == "POST":
        form = ReshareForm(request.POST)
        if form.is_valid():
            try:
                reshare = services.reshare_create(
                    member=viewer,
                    post_id=post.pk,
                    commentary=form.cleaned_data["commentary"],
                    visibility=form.cleaned_data["visibility"],
                )
            except MutualsError as error:
                refusal_to_form(form, error)
            else:
                messages.success(request, "Reshared with your commentary.")
                return redirect("post_detail", post_id=reshare.pk)
    else:
        form = ReshareForm()
    can_reshare = original is not None and original.visibility == Visibility.COMMUNITY
    return render(
        request,
        "feed/reshare.html",
        {"form": form, "post": post, "original": original, "can_reshare": can_reshare},
    )


# --- Topics, contributions, mentions ---------------------------------------------------------


@login_required
@require_GET
def topics_view(request: HttpRequest) -> HttpResponse:
    viewer = member_for_request(request)
    rows = selectors.topics_for_follow_page(viewer)
    known = {row["topic"].pk for row in rows}  # type: ignore[attr-defined]
    return render(
        request,
        "feed/topics.html",
        {"rows": rows, "suggested": selectors.popular_topics(exclude=known)},
    )


@login_required
@require_POST
def topic_follow_view(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = member_for_request(request)
    if request.POST.get("action") == "unfollow":
        topic = services.topic_unfollow(member=viewer, topic=slug)
        messages.success(request, f"You no longer follow #{topic.slug}.")
    else:
        topic = services.topic_follow(member=viewer, topic=slug)
        messages.success(request, f"You follow #{topic.slug}: its posts come into your feed.")
    return redirect(_next_url(request, reverse("feed_topics")))


@login_required
@require_GET
def contributions_view(request: HttpRequest) -> HttpResponse:
    viewer = member_for_request(request)
    found = selectors.contributions_for(viewer)
    kinds = [("comment", "Comments"), ("reaction", "Reactions"), ("reshare", "Reshares")]
    rows = [(label, found.given[kind], found.received[kind]) for kind, label in kinds]
    return render(request, "feed/contributions.html", {"found": found, "rows": rows})


@login_required
@require_GET
def mention_candidates_view(request: HttpRequest) -> JsonResponse:
    """Autocomplete for @mentions (feed/static/feed/mentions.js), the same list as
    `GET /api/mentions/suggestions`: `selectors.mention_candidates`."""
    candidates = selectors.mention_candidates(member_for_request(request), request.GET.get("q", ""))
    return JsonResponse(
        {
            "items": [
                {"id": c.id, "name": c.name, "token": c.token, "connected": c.connected}
                for c in candidates
            ]
        }
    )
