"""Posts, comments, reactions, reshares and topic follows.

- `Post`: an insight, a question, an opportunity (job / project / collaboration call) or an
  event recap, shown to the whole community or to the author's connections only. A reshare is
  a post of kind `reshare` pointing at the original, its body the resharer's commentary.
  `comment_count`, `reaction_count` and `reshare_count` are kept by the services (F() updates)
  so the feed never counts per row. `hidden_at` is set by a moderator: the post disappears for
  everyone but its author.
- `PostTopic`: the post's topics, with the post's time copied in, so "recent posts on the
  topics I follow" is one range scan of the (topic, created_at) index.
- `Comment`: on a post, or a reply to a top-level comment (one level, enforced in services).
- `Reaction`: like, insightful or support; one per member per post (database constraint).
- `Mention`: who a post or comment mentions, so notifications are sent once and an edit only
  notifies the newly mentioned.
- `TopicFollow`: an explicit follow (or an explicit unfollow of a profile topic).

Reports of posts and comments are `moderation.Report` rows (the one report model); a
moderator hides a post or a comment (`hidden_at`): it disappears for everyone but its author.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from mutuals.accounts.models import Topic

MAX_BODY_LENGTH = 3000
MAX_COMMENT_LENGTH = 1500
MAX_TOPICS_PER_POST = 5


class PostKind(models.TextChoices):
    INSIGHT = "insight", "Insight"
    QUESTION = "question", "Question"
    OPPORTUNITY = "opportunity", "Opportunity"
    EVENT_RECAP = "event_recap", "Event recap"
    RESHARE = "reshare", "Reshare"


# What a member can pick when writing a post (a reshare is made from the original).
AUTHORED_KINDS = [
    PostKind.INSIGHT,
    PostKind.QUESTION,
    PostKind.OPPORTUNITY,
    PostKind.EVENT_RECAP,
]


class OpportunityKind(models.TextChoices):
    JOB = "job", "Job"
    PROJECT = "project", "Project"
    COLLABORATION_CALL = "collaboration_call", "Call for collaboration"


class Visibility(models.TextChoices):
    COMMUNITY = "community", "Everyone in the community"
    CONNECTIONS = "connections", "My connections only"


class Post(models.Model):
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="posts"
    )
    kind = models.CharField(max_length=16, choices=PostKind.choices)
    body = models.TextField(max_length=MAX_BODY_LENGTH)
    visibility = models.CharField(
        max_length=16, choices=Visibility.choices, default=Visibility.COMMUNITY
    )
    opportunity_kind = models.CharField(max_length=24, choices=OpportunityKind.choices, blank=True)
    company = models.CharField(max_length=120, blank=True)
    referrals_welcome = models.BooleanField(default=False)
    reshare_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reshares"
    )
    # An event recap's event (one the author attended); if the event is deleted, the recap
    # stays the author's post without it.
    event = models.ForeignKey(
        "events.Event", null=True, blank=True, on_delete=models.SET_NULL, related_name="recaps"
    )
    topics = models.ManyToManyField(Topic, through="PostTopic", related_name="posts", blank=True)
    # The topics' ids, comma-separated, kept by the services beside PostTopic: the feed reads
    # a candidate's topic overlap from the row it already scans instead of one probe per post.
    topic_ids = models.CharField(max_length=120, blank=True, default="")
    created_at = models.DateTimeField()
    edited_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    comment_count = models.PositiveIntegerField(default=0)
    reaction_count = models.PositiveIntegerField(default=0)
    reshare_count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reshare_of__isnull=True) | models.Q(kind="reshare"),
                name="post_only_reshares_point_at_a_post",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="opportunity") | models.Q(opportunity_kind=""),
                name="post_opportunity_kind_only_on_opportunities",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="opportunity") | ~models.Q(opportunity_kind=""),
                name="post_opportunity_has_a_kind",
            ),
        ]
        indexes = [
            # The feed's "recent posts by these authors" and a member's own list.
            models.Index(fields=["author", "-created_at"], name="post_author_recent"),
            models.Index(fields=["-created_at", "-id"], name="post_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.author_id}: {self.body[:40]}"

    @property
    def is_reshare(self) -> bool:
        return self.kind == PostKind.RESHARE


class PostTopic(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="post_topics")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="+")
    # Copied from the post so the topic half of the feed is one index range scan.
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "topic"], name="post_topic_once"),
        ]
        indexes = [models.Index(fields=["topic", "-created_at"], name="post_topic_recent")]

    def __str__(self) -> str:
        return f"{self.post_id} #{self.topic_id}"


class Comment(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="post_comments"
    )
    # A reply to a top-level comment; replies to replies are refused (one level).
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    body = models.TextField(max_length=MAX_COMMENT_LENGTH)
    created_at = models.DateTimeField()
    # Set by a moderator: the comment disappears for everyone but its author.
    hidden_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("id")), name="comment_not_own_parent"
            ),
        ]
        indexes = [models.Index(fields=["post", "created_at"], name="comment_post_time")]
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Comment {self.pk} on {self.post_id}"


class ReactionKind(models.TextChoices):
    LIKE = "like", "Like"
    INSIGHTFUL = "insightful", "Insightful"
    SUPPORT = "support", "Support"


class Reaction(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="post_reactions"
    )
    kind = models.CharField(max_length=16, choices=ReactionKind.choices)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "member"], name="reaction_one_per_member"),
        ]
        indexes = [models.Index(fields=["member", "post"], name="reaction_member_post")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.kind} {self.post_id}"


class Mention(models.Model):
    """`member` was mentioned in `post` (comment empty) or in one of its comments."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="mentions")
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="mentions"
    )
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["post", "member"],
                condition=models.Q(comment__isnull=True),
                name="mention_once_per_post",
            ),
            models.UniqueConstraint(
                fields=["comment", "member"],
                condition=models.Q(comment__isnull=False),
                name="mention_once_per_comment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} in {self.post_id}/{self.comment_id}"


class TopicFollow(models.Model):
    """An explicit choice about a topic. A member follows their profile topics by default;
    `following=False` records "stop showing me this profile topic"."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="topic_follows"
    )
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="+")
    following = models.BooleanField(default=True)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "topic"], name="topic_follow_once"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {'follows' if self.following else 'mutes'} {self.topic_id}"
