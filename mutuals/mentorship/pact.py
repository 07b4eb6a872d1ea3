"""How mentorship check-ins join the engagement pact's nudges.

The engagement sweep (`nudges_send_due`) and its deferred `obligation_nudge` task nudge every
open obligation, whatever its kind, with a title and body looked up by kind. The kind
`mentor_check_in` exists in engagement's models for this app, but engagement's table of nudge
texts has no entry for it yet; without one, the first agreed check-in falling due would stop
the sweep with a KeyError. Until engagement carries the entry itself (reported to the lead),
this registers it once at start-up; `setdefault` leaves engagement's own text in place as soon
as it has one.
"""

from __future__ import annotations

from mutuals.engagement import services as engagement
from mutuals.engagement.models import ObligationKind

MENTOR_CHECK_IN_NUDGE = (
    "Mentorship check-in with {name}",
    "You and {name} agreed to check in regularly: a call, a message or a logged check-in "
    "keeps your mentorship on track.",
)


def register_nudge_text() -> None:
    engagement._NUDGE_TEXT.setdefault(ObligationKind.MENTOR_CHECK_IN, MENTOR_CHECK_IN_NUDGE)
