"""The personalization engine (docs/design.md §3): is this connection request personal?

Pure Python + NumPy, no Django: given a draft message, its context and intent, what the sender
can know about the recipient and the sender's earlier notes, it returns a score 0–100, a
verdict (`personal`, `needs_work`, `generic`) and findings. Every finding names a rule
(`code`), says what it saw (`message`), points at the text it concerns (`start`, `end`, or
None when it is about something missing) and, where something should change, suggests what.

How the score is made (all weights are the named constants below):

- Every draft starts at BASE_SCORE.
- Good signs add points: the context (the event, mutual connection, topic, post) is reflected
  in the text, and more when the platform verified it; a clear, modest ask (intent stated),
  more when it matches the declared intent; specific references to the recipient (company,
  role, topics, their name — the name counts little, it is the least a note can do); enough
  words to say something.
- Bad signs take points away: stock phrases ("I'd like to add you to my professional
  network"), a sales pitch in a first contact, a note too short to say anything, a missing
  context or intent.
- Two things make a note generic whatever else it does: a placeholder left in (`[Name]`,
  `{first_name}`, `%FIRSTNAME%`, `<company>`), and mass outreach — near-duplicates of the
  sender's other notes after masking the recipient-specific words (MinHash over word
  shingles, so "Hi Thandi … Acme" and "Hi Sam … Kestrel" with the same body match).

Verdicts: `personal` at PERSONAL_AT or more, `generic` below NEEDS_WORK_AT, `needs_work`
between. The engine is deterministic: the same input always gives the same report, and the
MinHash signatures use fixed seeds so they can be stored and compared across processes.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

# --- Score weights -----------------------------------------------------------------------
BASE_SCORE = 10
CONTEXT_REFLECTED = 20
CONTEXT_VERIFIED_BONUS = 5
INTENT_STATED = 20
INTENT_MATCHES_DECLARED = 5
MENTIONS_NAME = 5
MENTIONS_COMPANY = 10
MENTIONS_ROLE = 5
MENTIONS_TOPIC = 10
MENTIONS_HEADLINE_DETAIL = 5
RECIPIENT_REFERENCES_CAP = 30
SUBSTANTIVE_LENGTH = 10
STOCK_PHRASE_PENALTY = 15
STOCK_PHRASES_CAP = 30
SALES_PITCH_PENALTY = 25
TOO_SHORT_PENALTY = 10
NO_CONTEXT_PENALTY = 5
NEAR_DUPLICATE_PENALTY = 15

# --- Thresholds --------------------------------------------------------------------------
PERSONAL_AT = 65
NEEDS_WORK_AT = 35
TOO_SHORT_WORDS = 12
SUBSTANTIVE_WORDS = 25
MAX_MESSAGE_LENGTH = 600
# Mass outreach: this many earlier notes of the sender this similar make the draft generic.
MASS_OUTREACH_COPIES = 3
NEAR_DUPLICATE_SIMILARITY = 0.8
GENERIC_CEILING = NEEDS_WORK_AT - 1

# --- MinHash -----------------------------------------------------------------------------
SHINGLE_WORDS = 3
NUM_PERMUTATIONS = 64
LSH_BANDS = 16
LSH_ROWS = NUM_PERMUTATIONS // LSH_BANDS
_MERSENNE_PRIME = (1 << 31) - 1
_RNG = np.random.default_rng(20261125)  # fixed: signatures are stored and compared later
_PERM_A = _RNG.integers(1, _MERSENNE_PRIME, size=NUM_PERMUTATIONS, dtype=np.uint64)
_PERM_B = _RNG.integers(0, _MERSENNE_PRIME, size=NUM_PERMUTATIONS, dtype=np.uint64)
MASK_TOKEN = "∗"  # noqa: S105 (a mask, not a secret)

PERSONAL = "personal"
NEEDS_WORK = "needs_work"
GENERIC = "generic"

CONTEXT_KINDS = ("event", "mutual", "topic", "content", "other")

_WORD = re.compile(r"[\w'’-]+", re.UNICODE)

PLACEHOLDER_PATTERNS = [
    re.compile(
        r"\[\s*(first\s*name|last\s*name|full\s*name|name|company|title|role|"
        r"your\s*name|recipient)\s*\]",
        re.IGNORECASE,
    ),
    re.compile(r"\{\{?\s*[a-z_ ]*(name|company|title|role)[a-z_ ]*\s*\}?\}", re.IGNORECASE),
    re.compile(r"%\s*[A-Z_]*(NAME|COMPANY|TITLE)[A-Z_]*\s*%", re.IGNORECASE),
    re.compile(r"<\s*(first\s*name|name|company|title|role)\s*>", re.IGNORECASE),
    re.compile(r"\b(XXX+|INSERT NAME|NAME HERE)\b"),
]

STOCK_PHRASES = [
    r"i'?d like to (add you to|join) (my|your) (professional )?network",
    r"i would like to (add you to|join) (my|your) (professional )?network",
    r"(add|join) (you to )?my (professional )?network",
    r"i came across your profile",
    r"(was|am|i'?m) (really |very |so )?impressed (by|with) your (experience|profile|background)",
    r"let'?s connect[.!]?",
    r"(expand|grow|build) my (professional )?network",
    r"like-?minded professionals?",
    r"i hope this (message|note|email) finds you well",
    r"would love to connect",
    r"happy to connect",
    r"great to connect",
    r"connect with you (here )?on (linkedin|mutuals)",
    r"your profile (is|looks) (very )?(impressive|interesting)",
    r"i'?m always looking to connect",
]
_STOCK = [re.compile(pattern, re.IGNORECASE) for pattern in STOCK_PHRASES]

SALES_PHRASES = [
    r"\bour (product|solution|platform|software|services?|offering|agency)\b",
    r"\b(book|schedule) a (demo|call with (me|us|our))\b",
    r"\bfree (trial|consultation|audit)\b",
    r"\b(special|exclusive|limited[- ]time) (offer|discount|pricing)\b",
    r"\bour (pricing|rates|packages?)\b",
    r"\bincrease your (revenue|sales|leads|roi)\b",
    r"\bwe help (companies|teams|businesses|organi[sz]ations)\b",
    r"\b(boost|double|triple) your\b",
    r"\bquick demo\b",
]
_SALES = [re.compile(pattern, re.IGNORECASE) for pattern in SALES_PHRASES]

# A clear ask: a question, or a request for something specific.
ASK_PATTERNS = [
    r"\bcould (i|we|you)\b",
    r"\bwould you\b",
    r"\bcan (i|we|you)\b",
    r"\bmay i\b",
    r"\bwould it be (ok|okay|possible|alright)\b",
    r"\bare you open to\b",
    r"\bi'?d (love|like) to (ask|learn|hear|get|compare|swap|talk|discuss|pick|trade)\b",
    r"\bi would (love|like) to (ask|learn|hear|get|compare|swap|talk|discuss|pick|trade)\b",
    r"\b(\d+|twenty|fifteen|thirty|ten) ?(-| )?min(ute)?s?\b",
    r"\b(coffee|a call|a chat|quick call|video call)\b",
    r"\?",
]
_ASK = [re.compile(pattern, re.IGNORECASE) for pattern in ASK_PATTERNS]

INTENT_WORDS: dict[str, tuple[str, ...]] = {
    "advice": ("advice", "advise", "ask you", "your view", "your take", "learn how", "tips"),
    "mentorship": ("mentor", "mentoring", "mentorship", "guidance", "guide me"),
    "collaboration": ("collaborat", "work together", "partner", "co-", "joint", "team up"),
    "referral": ("referral", "refer", "role at", "opening", "position", "application"),
    "knowledge_exchange": (
        "exchange",
        "swap",
        "compare notes",
        "share notes",
        "trade notes",
        "learn from each other",
        "compare",
    ),
    "hiring": ("hiring", "role", "position", "join our team", "opening", "recruit"),
    "peer": ("peer", "compare notes", "stay in touch", "swap", "fellow"),
}

# Words too common to count as a specific reference to someone's company, role or topics.
_STOPWORDS = frozenset(
    {
        "a",
        "an",
        "and",
        "the",
        "of",
        "in",
        "on",
        "at",
        "for",
        "to",
        "with",
        "by",
        "from",
        "my",
        "your",
        "our",
        "their",
        "his",
        "her",
        "its",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "i",
        "you",
        "we",
        "they",
        "he",
        "she",
        "it",
        "this",
        "that",
        "these",
        "those",
        "as",
        "or",
        "but",
        "not",
        "no",
        "so",
        "do",
        "did",
        "have",
        "has",
        "had",
        "will",
        "would",
        "could",
        "should",
        "can",
        "may",
        "might",
        "about",
        "into",
        "over",
        "under",
        "up",
        "down",
        "out",
        "just",
        "very",
        "really",
        "also",
        "more",
        "most",
        "some",
        "any",
        "all",
        "each",
        "other",
        "than",
        "then",
        "there",
        "here",
        "what",
        "when",
        "where",
        "who",
        "how",
        "why",
        "which",
        "while",
        "if",
        "because",
        "am",
        "me",
        "us",
        "them",
        "hi",
        "hello",
        "dear",
        "thanks",
        "thank",
        "regards",
        "best",
        "team",
        "group",
        "company",
        "inc",
        "ltd",
        "llc",
        "co",
        "corp",
        "limited",
        "manager",
        "lead",
        "senior",
        "junior",
        "head",
        "director",
        "officer",
        "project",
        "projects",
        "management",
        "work",
        "working",
    }
)


@dataclass(frozen=True)
class Recipient:
    """What the sender can see of the recipient (their public profile)."""

    name: str
    company: str = ""
    title: str = ""
    headline: str = ""
    topics: tuple[str, ...] = ()


@dataclass(frozen=True)
class Context:
    """How the sender knows of the recipient. `label` is what the text may mention: the
    event's title, the mutual connection's name, the topic, the post's title, or the sender's
    own words for `other`. `verified` when the platform confirmed it."""

    kind: str
    label: str = ""
    verified: bool = False


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    severity: str  # "good", "warn" or "bad"
    start: int | None = None
    end: int | None = None
    suggestion: str = ""


@dataclass(frozen=True)
class Report:
    score: int
    verdict: str
    findings: tuple[Finding, ...]
    signature: tuple[int, ...] = field(default=(), repr=False)

    @property
    def near_duplicates(self) -> int:
        return sum(1 for f in self.findings if f.code in {"near_duplicate", "mass_outreach"})


# --- Text helpers ------------------------------------------------------------------------


def _normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace("’", "'")


def _meaningful_words(text: str) -> list[str]:
    return [
        w.lower()
        for w in _WORD.findall(_normalize(text))
        if len(w) > 2 and w.lower() not in _STOPWORDS
    ]


@functools.lru_cache(maxsize=4096)
def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)", re.IGNORECASE)


@functools.lru_cache(maxsize=4096)
def _prefix_pattern(stem: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(stem) + r"\w*", re.IGNORECASE)


def _find_phrase(message: str, phrase: str) -> tuple[int, int] | None:
    """The first whole-word, case-insensitive occurrence of `phrase` in `message`."""
    phrase = phrase.strip()
    if len(phrase) < 3:
        return None
    match = _phrase_pattern(phrase).search(_normalize(message))
    return (match.start(), match.end()) if match else None


def _find_any_word(message: str, source: str) -> tuple[int, int] | None:
    """First occurrence in `message` of a meaningful word of `source` (4+ letters), or of
    `source` as a whole phrase."""
    whole = _find_phrase(message, source)
    if whole:
        return whole
    for word in _meaningful_words(source):
        if len(word) >= 4:
            stem = word[:-1] if word.endswith("s") and len(word) > 4 else word
            match = _prefix_pattern(stem).search(_normalize(message))
            if match:
                return match.start(), match.end()
    return None


# --- MinHash signatures ------------------------------------------------------------------


def recipient_terms(recipient: Recipient, context: Context | None = None) -> set[str]:
    """Lower-case words a template swaps per recipient — their name, their company, and the
    mutual connection's name — masked before comparing notes. Topics and roles are not
    masked: a template mentions the same topic to everyone, and masking words one recipient
    happens to share would hide the copy."""
    terms: set[str] = set()
    sources = [recipient.name, recipient.company]
    if context is not None and context.kind == "mutual":
        sources.append(context.label)
    for text in sources:
        terms.update(w.lower() for w in _WORD.findall(_normalize(text)))
    return {t for t in terms if t not in _STOPWORDS}


def masked_tokens(message: str, terms: set[str]) -> list[str]:
    return [
        MASK_TOKEN if word in terms else word
        for word in (w.lower() for w in _WORD.findall(_normalize(message)))
    ]


def signature(message: str, terms: set[str]) -> tuple[int, ...]:
    """MinHash signature (NUM_PERMUTATIONS values) of the message's word shingles after
    masking `terms`; () when the message has no words."""
    tokens = masked_tokens(message, terms)
    if not tokens:
        return ()
    if len(tokens) < SHINGLE_WORDS:
        shingles = {" ".join(tokens)}
    else:
        shingles = {
            " ".join(tokens[i : i + SHINGLE_WORDS]) for i in range(len(tokens) - SHINGLE_WORDS + 1)
        }
    hashes = np.fromiter(
        (zlib.crc32(s.encode()) & _MERSENNE_PRIME for s in shingles),
        dtype=np.uint64,
        count=len(shingles),
    )
    permuted = (_PERM_A[:, None] * hashes[None, :] + _PERM_B[:, None]) % _MERSENNE_PRIME
    return tuple(int(v) for v in permuted.min(axis=1))


def similarity(a: Sequence[int], b: Sequence[int]) -> float:
    """Estimated Jaccard similarity of two signatures."""
    if not a or not b or len(a) != len(b):
        return 0.0
    return float(np.count_nonzero(np.asarray(a) == np.asarray(b))) / len(a)


class SenderHistory:
    """The sender's earlier notes as MinHash signatures in an LSH index (bands of rows), so a
    check costs a few dictionary lookups and one vectorized comparison with the candidates,
    however many notes the sender has written."""

    def __init__(self, signatures: Iterable[Sequence[int]] = ()) -> None:
        self._rows: list[npt.NDArray[np.int64]] = []
        self._matrix: npt.NDArray[np.int64] | None = None
        self._buckets: dict[tuple[int, bytes], list[int]] = {}
        for sig in signatures:
            self.add(sig)

    def __len__(self) -> int:
        return len(self._rows)

    def add(self, sig: Sequence[int]) -> None:
        if len(sig) != NUM_PERMUTATIONS:
            return
        array = np.asarray(sig, dtype=np.int64)
        index = len(self._rows)
        self._rows.append(array)
        self._matrix = None
        for band in range(LSH_BANDS):
            key = (band, array[band * LSH_ROWS : (band + 1) * LSH_ROWS].tobytes())
            self._buckets.setdefault(key, []).append(index)

    def _all(self) -> npt.NDArray[np.int64]:
        if self._matrix is None:
            self._matrix = np.vstack(self._rows)
        return self._matrix

    def near_duplicates(self, sig: Sequence[int], threshold: float) -> int:
        """How many earlier notes are at least `threshold` similar to `sig`."""
        if len(sig) != NUM_PERMUTATIONS or not self._rows:
            return 0
        array = np.asarray(sig, dtype=np.int64)
        buckets = [
            bucket
            for band in range(LSH_BANDS)
            if (
                bucket := self._buckets.get(
                    (band, array[band * LSH_ROWS : (band + 1) * LSH_ROWS].tobytes())
                )
            )
        ]
        if not buckets:
            return 0
        candidates = np.unique(np.fromiter(itertools.chain.from_iterable(buckets), dtype=np.intp))
        rows = self._all()[candidates]
        equal = np.count_nonzero(rows == array, axis=1)
        return int(np.count_nonzero(equal >= threshold * NUM_PERMUTATIONS))


# --- The assessment ----------------------------------------------------------------------


def assess(
    message: str,
    *,
    recipient: Recipient,
    context: Context | None = None,
    intent: str = "",
    history: SenderHistory | None = None,
) -> Report:
    """Score a draft connection request. See the module docstring for the rules."""
    text = _normalize(message)
    findings: list[Finding] = []
    score = BASE_SCORE
    forced_generic = False
    words = _WORD.findall(text)

    # Placeholders left in: a template that was never filled.
    for pattern in PLACEHOLDER_PATTERNS:
        for match in pattern.finditer(text):
            forced_generic = True
            findings.append(
                Finding(
                    "placeholder",
                    f"“{match.group(0)}” is a placeholder left from a template.",
                    "bad",
                    match.start(),
                    match.end(),
                    "Replace it with the real word, and write the note for this person.",
                )
            )

    # Stock phrases.
    stock_penalty = 0
    for pattern in _STOCK:
        for match in pattern.finditer(text):
            if any(f.start == match.start() for f in findings if f.code == "stock_phrase"):
                continue
            stock_penalty += STOCK_PHRASE_PENALTY
            findings.append(
                Finding(
                    "stock_phrase",
                    f"“{match.group(0)}” is a stock phrase that could be sent to anyone.",
                    "bad",
                    match.start(),
                    match.end(),
                    "Say instead what you noticed about them, or why you are writing now.",
                )
            )
    score -= min(stock_penalty, STOCK_PHRASES_CAP)

    # Sales pitch in a first contact.
    pitch = next((m for p in _SALES if (m := p.search(text))), None)
    if pitch:
        score -= SALES_PITCH_PENALTY
        findings.append(
            Finding(
                "sales_pitch",
                "This reads like a sales pitch; a first contact is not the place for one.",
                "bad",
                pitch.start(),
                pitch.end(),
                "Ask for a conversation about their work instead; offer something only if asked.",
            )
        )

    # Context reflected in the text.
    if context is None or context.kind not in CONTEXT_KINDS:
        score -= NO_CONTEXT_PENALTY
        findings.append(
            Finding(
                "no_context",
                "The note does not say how you know of them.",
                "warn",
                suggestion="Choose a context: an event you both attended, a mutual "
                "connection, a shared topic or their post.",
            )
        )
    else:
        span = _context_span(text, context)
        if span:
            score += CONTEXT_REFLECTED + (CONTEXT_VERIFIED_BONUS if context.verified else 0)
            findings.append(
                Finding(
                    "context_reflected",
                    "You say how you know of them"
                    + (" — the platform verified it." if context.verified else "."),
                    "good",
                    span[0],
                    span[1],
                )
            )
        else:
            findings.append(
                Finding(
                    "context_not_reflected",
                    "The context you chose is not mentioned in the note.",
                    "warn",
                    suggestion=_context_suggestion(context),
                )
            )

    # Intent: a clear, modest ask.
    ask = next((m for p in _ASK if (m := p.search(text))), None)
    if ask:
        score += INTENT_STATED
        findings.append(
            Finding("intent_stated", "You make a clear ask.", "good", ask.start(), ask.end())
        )
        declared = INTENT_WORDS.get(intent, ())
        match_word = next((w for w in declared if w in text.lower()), None)
        if match_word:
            score += INTENT_MATCHES_DECLARED
    else:
        findings.append(
            Finding(
                "intent_missing",
                "The note does not say what you are asking for.",
                "warn",
                suggestion="End with a specific, modest ask — e.g. “Could I ask your advice "
                "for 20 minutes on …?”",
            )
        )

    # Specific references to the recipient.
    references = 0
    first_name = recipient.name.split()[0] if recipient.name.split() else ""
    name_span = _find_phrase(text, recipient.name) or _find_phrase(text, first_name)
    if name_span:
        references += MENTIONS_NAME
    specifics: list[tuple[str, tuple[int, int]]] = []
    if recipient.company and (span := _find_any_word(text, recipient.company)):
        references += MENTIONS_COMPANY
        specifics.append(("their company", span))
    if recipient.title and (span := _find_any_word(text, recipient.title)):
        references += MENTIONS_ROLE
        specifics.append(("their role", span))
    topic_span = next(
        (span for topic in recipient.topics if (span := _find_phrase(text, topic))), None
    )
    if topic_span:
        references += MENTIONS_TOPIC
        specifics.append(("a topic they care about", topic_span))
    if recipient.headline and not specifics:
        headline_span = _find_phrase(text, recipient.headline)
        if headline_span:
            references += MENTIONS_HEADLINE_DETAIL
            specifics.append(("their headline", headline_span))
    score += min(references, RECIPIENT_REFERENCES_CAP)
    for what, (start, end) in specifics:
        findings.append(Finding("references_recipient", f"You mention {what}.", "good", start, end))
    if not specifics:
        findings.append(
            Finding(
                "nothing_specific",
                "Nothing in the note is specific to them"
                + (" beyond their name." if name_span else "."),
                "warn",
                suggestion="Mention something of theirs: their work at "
                f"{recipient.company or 'their company'}, a topic they care about, or what "
                "they said.",
            )
        )

    # Length.
    if len(words) < TOO_SHORT_WORDS:
        score -= TOO_SHORT_PENALTY
        findings.append(
            Finding(
                "too_short",
                f"At {len(words)} words the note is too short to say anything.",
                "warn",
                suggestion="Two or three sentences: how you know of them, why them, what you ask.",
            )
        )
    elif len(words) >= SUBSTANTIVE_WORDS:
        score += SUBSTANTIVE_LENGTH
    if len(message) > MAX_MESSAGE_LENGTH:
        findings.append(
            Finding(
                "too_long",
                f"The note is {len(message)} characters; the limit is {MAX_MESSAGE_LENGTH}.",
                "bad",
                MAX_MESSAGE_LENGTH,
                len(message),
                "Keep the first note short; there will be time to say more.",
            )
        )

    # Mass outreach: the same note sent to others with only their details changed.
    sig = signature(message, recipient_terms(recipient, context))
    if history is not None and sig:
        copies = history.near_duplicates(sig, NEAR_DUPLICATE_SIMILARITY)
        if copies >= MASS_OUTREACH_COPIES:
            forced_generic = True
            findings.append(
                Finding(
                    "mass_outreach",
                    f"You have sent nearly this note to {copies} other people.",
                    "bad",
                    suggestion="Write this one for them: what you know of their work and "
                    "why you are asking them in particular.",
                )
            )
        elif copies:
            score -= NEAR_DUPLICATE_PENALTY * copies
            findings.append(
                Finding(
                    "near_duplicate",
                    f"You have sent a very similar note to {copies} other "
                    f"{'person' if copies == 1 else 'people'}.",
                    "warn",
                    suggestion="Make more of it about this person.",
                )
            )

    score = max(0, min(100, score))
    if forced_generic:
        score = min(score, GENERIC_CEILING)
    verdict = (
        PERSONAL if score >= PERSONAL_AT else NEEDS_WORK if score >= NEEDS_WORK_AT else GENERIC
    )
    findings.sort(key=lambda f: ({"bad": 0, "warn": 1, "good": 2}[f.severity], f.start or 0))
    return Report(score=score, verdict=verdict, findings=tuple(findings), signature=sig)


def _context_span(text: str, context: Context) -> tuple[int, int] | None:
    if context.kind == "other":
        # Free text the sender wrote: any of its meaningful words in the note counts.
        return _find_any_word(text, context.label) if context.label else None
    if context.kind == "event":
        span = _find_any_word(text, context.label) if context.label else None
        return span or _first_match(
            text, r"\b(event|workshop|meetup|conference|talk|session|panel|webinar|summit)\b"
        )
    if context.kind == "content":
        span = _find_any_word(text, context.label) if context.label else None
        return span or _first_match(text, r"\b(your (post|article|talk|piece|comment|thread))\b")
    if context.kind == "mutual":
        if context.label:
            first = context.label.split()[0]
            return _find_phrase(text, context.label) or _find_phrase(text, first)
        return _first_match(text, r"\b(mutual|introduced|suggested I|recommended)\b")
    if context.kind == "topic":
        return _find_phrase(text, context.label) if context.label else None
    return None


def _first_match(text: str, pattern: str) -> tuple[int, int] | None:
    match = re.search(pattern, text, re.IGNORECASE)
    return (match.start(), match.end()) if match else None


def _context_suggestion(context: Context) -> str:
    return {
        "event": f"Mention the event{f' ({context.label})' if context.label else ''} and "
        "something said or done there.",
        "mutual": f"Say how you know {context.label or 'your mutual connection'}.",
        "topic": f"Say what draws you both to {context.label or 'the topic'}.",
        "content": "Say what in their post made you write.",
        "other": "Say in the note how you came across them.",
    }.get(context.kind, "Say how you know of them.")
