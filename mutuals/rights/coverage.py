"""Which rows "Download my data" covers: every column that points at a member, in every model
of every installed app, is either exported (in the named section of data.json) or left out
for the reason given. `tests/test_coverage.py` walks the app registry and fails on a column
in neither list, so a new model holding a member's data cannot be forgotten.

Keys are `app_label.Model.field`.
"""

from __future__ import annotations

EXPORTED: dict[str, str] = {
    "account.EmailAddress.user": "member",
    "accounts.Profile.user": "profile",
    "accounts.Boundaries.user": "boundaries",
    "accounts.ApiToken.user": "api_tokens",
    "accounts.AccountDeletion.user": "account_deletion",
    "accounts.ConductAcceptance.user": "conduct_accepted",
    "connections.Connection.member_low": "connections",
    "connections.Connection.member_high": "connections",
    "connections.Block.blocker": "blocks",
    "connections.Invitation.sender": "invitations",
    "connections.Invitation.recipient": "invitations",
    "engagement.Interaction.actor": "interactions_logged",
    "engagement.Obligation.party": "pact",
    "engagement.Tie.member": "connections",
    "engagement.Tie.other": "connections",
    "engagement.Notification.member": "notifications",
    "engagement.Collaboration.proposer": "collaborations",
    "engagement.Collaboration.completed_by": "collaborations",
    "engagement.Collaborator.member": "collaborations",
    "messaging.Conversation.created_by": "conversations",
    "messaging.Participant.member": "conversations",
    "messaging.Message.sender": "conversations",
    "introductions.Introduction.requester": "introductions",
    "introductions.Introduction.introducer": "introductions",
    "introductions.Introduction.target": "introductions",
    "introductions.SuggestionDismissal.member": "suggestions_dismissed",
    "imports.Import.owner": "contact_book",
    "imports.Contact.owner": "contact_book",
    "imports.ContactInteraction.owner": "contact_book",
    "events.Event.organizer": "events",
    "events.Attendance.member": "events",
    "feed.Post.author": "posts",
    "feed.Comment.author": "comments",
    "feed.Reaction.member": "reactions",
    "feed.Mention.member": "mentioned_in",
    "feed.TopicFollow.member": "topics_followed",
    "feed.PostReport.reporter": "reports_made",
    "mentorship.MentorOffer.mentor": "mentorship",
    "mentorship.Mentorship.mentor": "mentorship",
    "mentorship.Mentorship.mentee": "mentorship",
    "mentorship.Mentorship.ended_by": "mentorship",
    "mentorship.Goal.added_by": "mentorship",
    "mentorship.Goal.done_by": "mentorship",
    "mentorship.Reflection.author": "mentorship",
    "mentorship.Programme.organizer": "programmes",
    "mentorship.Participant.member": "programmes",
    "mentorship.Assignment.mentor": "programmes",
    "mentorship.Assignment.mentee": "programmes",
}

NOT_EXPORTED: dict[str, str] = {
    "accounts.CodeOfConduct.published_by": "an organizer's publishing of the community's text",
    "admin.LogEntry.user": "the operators' log of the Django admin, not a member's data",
    "connections.Block.blocked": "a block another member made on you is never revealed",
    "connections.InvitationEvent.actor": "audit rows of requests; the requests are exported",
    "engagement.Interaction.counterpart": "what another member logged is their ledger",
    "engagement.CollaborationEvent.actor": "audit rows; the collaborations are exported",
    "introductions.IntroductionEvent.actor": "audit rows; the introductions are exported",
    "introductions.SuggestionDismissal.dismissed": "another member's choice not to see you",
    "mentorship.MentorshipEvent.actor": "audit rows; the mentorships are exported",
    "feed.PostReport.resolved_by": "moderation of others' reports, the community's record",
    "events.CalendarFeed.member": "a secret calendar address: no secret is written",
    "messaging.UnreadDigest.member": "bookkeeping of the unread-messages e-mail, no content",
    "rights.DataExport.member": "the archives themselves",
}
