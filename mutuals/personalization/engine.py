"""The personalization engine (docs/design.md §3): is this note written for this person?

Given a draft, its context and intent, what the platform holds about the recipient and the
sender's earlier notes, `assess` returns a score 0–100, a verdict (`personal`, `needs_work`,
`generic`) and findings. Every finding names a rule (`code`), says what it saw (`message`),
points at the text it concerns (`start`, `end`, or None when it is about something missing)
and, where something should change, suggests what. docs/personalization.md has the table.

The score is earned by substance, not by keywords:

- Words count by how distinctive they are (`text.is_distinctive`: rare in a background
  corpus, not a stop word, not a generic business word), and only inside real sentences: a
  list of keywords earns nothing.
- The context the platform verified is credited whether or not the note repeats it word for
  word; reflecting it adds more. The context's own words and the recipient's topics are
  credited once, as the context, and never again as "specific" or "concrete", so appending
  them to a generic note cannot make it personal.
- Specific references to the recipient are their company named as a name (not a common word
  inside it), their role, a topic of theirs, and their own material the platform holds: their
  headline and about text, their posts, events they organized or attended, their mentor offer.
- An ask is a sentence that asks; a concrete ask carries something distinctive of its own.
- Stock phrases, flattery and sales pitches cost points; a placeholder from any mail-merge
  syntax makes the note generic.
- Copies only ever cost more: each earlier near-copy the sender sent to someone else lowers
  the score and the ceiling (a copy is never `personal`; from the third it is `generic`), so
  the seventh copy of a note scores far below the first. Names and greetings are masked
  before comparing (`text.masked_tokens`), so a name swap is an exact copy.

Deterministic: the same input always gives the same report; signatures use fixed seeds.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field

from mutuals.personalization import minhash, patterns
from mutuals.personalization.text import (
    Sentence,
    Word,
    blank_links,
    distinctive_stems,
    is_distinctive,
    masked_tokens,
    normalize,
    sentences,
    words,
)

# --- Score weights -----------------------------------------------------------------------
BASE_SCORE = 10
CONTEXT_VERIFIED = 10
CONTEXT_REFLECTED = 20
NO_CONTEXT_PENALTY = 5
INTENT_STATED = 15
ASK_CONCRETE = 10
INTENT_MATCHES_DECLARED = 5
MENTIONS_NAME = 5
MENTIONS_COMPANY = 5
MENTIONS_ROLE = 5
MENTIONS_TOPIC = 10
MENTIONS_MATERIAL = 20
RECIPIENT_REFERENCES_CAP = 35
NOTHING_SPECIFIC_PENALTY = 10
SUBSTANTIVE_LENGTH = 10
TOO_SHORT_PENALTY = 10
STOCK_PHRASE_PENALTY = 15
STOCK_PHRASES_CAP = 30
FLATTERY_PENALTY = 15
FLATTERY_CAP = 30
SALES_PITCH_PENALTY = 25
SALES_PITCH_MORE = 10
SALES_PITCH_CAP = 45
KEYWORD_LIST_PENALTY = 10
NEAR_DUPLICATE_PENALTY = 20
MASS_OUTREACH_STEP = 10

# --- Thresholds --------------------------------------------------------------------------
PERSONAL_AT = 65
NEEDS_WORK_AT = 35
GENERIC_CEILING = NEEDS_WORK_AT - 1
COPY_CEILING = PERSONAL_AT - 1
# A first contact that pitches is never personal, whatever else it says.
PITCH_CEILING = PERSONAL_AT - 1
TOO_SHORT_WORDS = 12
SUBSTANTIVE_WORDS = 25
MAX_MESSAGE_LENGTH = 600
# From this many earlier copies to other people a note is mass outreach: generic.
MASS_OUTREACH_COPIES = 2
NEAR_DUPLICATE_SIMILARITY = 0.7

PERSONAL = "personal"
NEEDS_WORK = "needs_work"
GENERIC = "generic"

CONTEXT_KINDS = ("event", "mutual", "topic", "content", "other")

# The phrase lists are written in lower case and searched in the lower-cased note: a
# case-sensitive pattern can look for its literal start, several times faster than
# re.IGNORECASE (kept for the rare note whose lower case has another length).
_STOCK = [re.compile(p) for p in patterns.STOCK_PHRASES]
_FLATTERY = [re.compile(p) for p in patterns.FLATTERY]
_SALES = [(name, re.compile(p)) for name, p in patterns.SALES_PITCH]
_STOCK_ANY_CASE = [re.compile(p, re.IGNORECASE) for p in patterns.STOCK_PHRASES]
_FLATTERY_ANY_CASE = [re.compile(p, re.IGNORECASE) for p in patterns.FLATTERY]
_SALES_ANY_CASE = [(name, re.compile(p, re.IGNORECASE)) for name, p in patterns.SALES_PITCH]
_ASK = re.compile("|".join(f"(?:{p})" for p in patterns.ASK_PATTERNS))
_EVENT_WORDS = re.compile(patterns.EVENT_WORDS, re.IGNORECASE)
_CONTENT_WORDS = re.compile(patterns.CONTENT_WORDS, re.IGNORECASE)
_MUTUAL_WORDS = re.compile(patterns.MUTUAL_WORDS, re.IGNORECASE)
_LEGAL_SUFFIXES = frozenset(
    [
        "inc",
        "inc.",
        "ltd",
        "ltd.",
        "llc",
        "plc",
        "gmbh",
        "ag",
        "sa",
        "bv",
        "nv",
        "corp",
        "corp.",
        "co",
        "co.",
        "company",
        "limited",
        "group",
    ]
)


@dataclass(frozen=True)
class Recipient:
    """What the platform holds about the recipient and shows the sender: their public profile
    (name, company, title, headline, about text, topics), their posts the sender can see,
    the events they organized or attended, and their mentor offer. `key` names who they are
    (a member id), so copies to the same person are not counted as copies to others."""

    name: str
    company: str = ""
    title: str = ""
    headline: str = ""
    topics: tuple[str, ...] = ()
    about: str = ""
    posts: tuple[str, ...] = ()
    events: tuple[str, ...] = ()
    mentor_offer: str = ""
    key: str = ""


@dataclass(frozen=True)
class Context:
    """How the sender knows of the recipient. `label` is what the text may mention: the
    event's title, the mutual connection's name, the topic, the post's first words, or the
    sender's own words for `other`. `verified` when the platform confirmed it."""

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


# --- Near-copies -------------------------------------------------------------------------


def recipient_terms(recipient: Recipient, context: Context | None = None) -> set[str]:
    """Lower-case words a template swaps per recipient — their name, their company, and the
    mutual connection's name — masked before comparing notes. Topics and roles are not
    masked: a template mentions the same topic to everyone."""
    mutual = context.label if context is not None and context.kind == "mutual" else ""
    return set(_swapped_terms(recipient.name, recipient.company, mutual))


@functools.lru_cache(maxsize=4096)
def _swapped_terms(*sources: str) -> frozenset[str]:
    terms = {w.lower for text in sources for w in words(normalize(text))}
    return frozenset(t for t in terms if t not in _LEGAL_SUFFIXES)


def signature(message: str, terms: set[str]) -> tuple[int, ...]:
    """The note's MinHash signature after masking `terms`, names and greetings."""
    return minhash.signature(masked_tokens(message, terms))


def similarity(a: Sequence[int], b: Sequence[int]) -> float:
    return minhash.similarity(a, b)


class SenderHistory:
    """The sender's earlier notes (signature and who each went to) in an LSH index."""

    def __init__(self, entries: Iterable[tuple[Sequence[int], Hashable]] = ()) -> None:
        """`entries`: (signature, who the note went to) pairs, oldest first."""
        self._index = minhash.LSHIndex(entries)

    def __len__(self) -> int:
        return len(self._index)

    @classmethod
    def from_stored(cls, stored: Iterable[tuple[bytes, Hashable]]) -> SenderHistory:
        """The history of stored signatures (`minhash.pack`), each with who it went to,
        indexed with array operations: what a sender's page loads from the database."""
        history = cls()
        history.extend_stored(stored)
        return history

    def add(self, sig: Sequence[int], key: Hashable = None) -> None:
        self._index.add(sig, key)

    def extend_stored(self, stored: Iterable[tuple[bytes, Hashable]]) -> None:
        """Add stored signatures (`minhash.pack`) with who each went to, oldest first."""
        matrix, keys = minhash.unpack_many(stored)
        if keys:
            self._index.extend(matrix, keys)

    def near_duplicates(
        self, sig: Sequence[int], threshold: float = NEAR_DUPLICATE_SIMILARITY, key: Hashable = None
    ) -> int:
        """How many other people (distinct keys; notes without a key count one each) were sent
        a note at least `threshold` similar to `sig`. Notes to `key` itself do not count."""
        people: set[Hashable] = set()
        unnamed = 0
        for row in self._index.similar(sig, threshold):
            for other, notes in self._index.keys(row).items():
                if other is None or other == "":
                    unnamed += notes
                elif other != key:
                    people.add(other)
        return len(people) + unnamed


def best_topic(text: str, topics: Sequence[str]) -> str | None:
    """The topic `text` is most about — named as written, or by most of its distinctive
    words — or None when it is about none of them. Ties go to the earlier topic."""
    plain = blank_links(normalize(text))
    present = {w.stem for w in words(plain)}
    best: tuple[float, str] | None = None
    for topic in topics:
        wanted = _stems_of(topic)
        share = len(wanted & present) / len(wanted) if wanted else 0.0
        if _find_phrase(plain, topic):
            share = 2.0
        if share >= 0.5 and (best is None or share > best[0]):
            best = (share, topic)
    return best[1] if best else None


# --- Helpers -----------------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def _phrase_pattern(phrase: str, flags: int = 0) -> re.Pattern[str]:
    parts = [re.escape(p) for p in phrase.split()]
    return re.compile(r"(?<!\w)" + r"[\s-]+".join(parts) + r"(?!\w)", flags)


@functools.lru_cache(maxsize=256)
def _lower(text: str) -> str:
    return text.lower()


def _find_phrase(text: str, phrase: str) -> tuple[int, int] | None:
    """Where `phrase` occurs in `text` as whole words, whatever the case."""
    phrase = normalize(phrase).strip()
    if len(phrase) < 2:
        return None
    lowered, wanted = _lower(text), phrase.lower()
    if len(lowered) == len(text) and len(wanted) == len(phrase):
        match = _phrase_pattern(wanted).search(lowered)
    else:
        match = _phrase_pattern(phrase, re.IGNORECASE).search(text)
    return (match.start(), match.end()) if match else None


@functools.lru_cache(maxsize=2048)
def _stems_of(text: str) -> frozenset[str]:
    return frozenset(distinctive_stems(text))


@functools.lru_cache(maxsize=2048)
def _word_stems(text: str) -> frozenset[str]:
    """Stems of every word of a recipient's field (their name, their company)."""
    return frozenset(w.stem for w in words(normalize(text)))


@dataclass
class _Draft:
    """The note cut up once: sentences, prose words (in real sentences), the stems that can
    never count as specific (the recipient's name, the context's and topics' own words)."""

    text: str
    plain: str
    sentences: list[Sentence]
    prose: list[Word]
    excluded: set[str]
    _substantive: dict[int, bool] = field(default_factory=dict)

    def prose_first(self, wanted: set[str]) -> Word | None:
        return next((w for w in self.prose if w.stem in wanted), None)

    def substantive(self, sentence: Sentence) -> bool:
        """A real sentence that says something of its own: a distinctive word besides the
        names, the company, the context's and topics' words (which it may only be echoing)."""
        known = self._substantive.get(sentence.start)
        if known is None:
            known = sentence.is_prose and any(
                is_distinctive(w) and w.stem not in self.excluded for w in sentence.words
            )
            self._substantive[sentence.start] = known
        return known

    def in_substance(self, span: tuple[int, int] | None) -> tuple[int, int] | None:
        """`span` when it lies in a substantive sentence, else None."""
        if span is None:
            return None
        for sentence in self.sentences:
            if sentence.start <= span[0] < sentence.end:
                return span if self.substantive(sentence) else None
        return None

    def substance_first(self, wanted: set[str]) -> Word | None:
        found = (w for s in self.sentences if self.substantive(s) for w in s.words)
        return next((w for w in found if w.stem in wanted), None)


def _company_span(text: str, company: str) -> tuple[int, int] | None:
    """The company named in the note: its name (legal suffixes aside) or its first word when
    that word is itself distinctive and written as a name — never a common word inside it."""
    parts = [p for p in normalize(company).split() if p.lower().strip(",.") not in _LEGAL_SUFFIXES]
    if not parts:
        return None
    for size in range(len(parts), 1, -1):
        if span := _find_phrase(text, " ".join(parts[:size])):
            return span
    first = parts[0].strip(",.")
    if len(first) >= 3 and is_distinctive(first):
        for match in _phrase_pattern(first, re.IGNORECASE).finditer(text):
            if match.group(0)[:1].isupper():
                return match.start(), match.end()
    return None


def _context_stems(context: Context | None) -> set[str]:
    return set(_stems_of(context.label)) if context is not None and context.label else set()


# --- The assessment ----------------------------------------------------------------------


def assess(
    message: str,
    *,
    recipient: Recipient,
    context: Context | None = None,
    intent: str = "",
    history: SenderHistory | None = None,
) -> Report:
    """Score a draft note to `recipient`. See the module docstring for the rules."""
    text = normalize(message)
    plain = blank_links(text)
    cut = sentences(plain)
    name_stems = _word_stems(recipient.name)
    topic_stems = {s for topic in recipient.topics for s in _stems_of(topic)}
    company_stems = _word_stems(recipient.company)
    draft = _Draft(
        text=text,
        plain=plain,
        sentences=cut,
        prose=[w for s in cut if s.is_prose for w in s.words],
        excluded=set(name_stems) | topic_stems | company_stems | _context_stems(context),
    )
    findings: list[Finding] = []
    score = BASE_SCORE
    forced_generic = _placeholders(text, findings)
    score -= _phrases(text, findings)
    pitched = any(f.code == "sales_pitch" for f in findings)
    references, about_them = _references(draft, recipient, context, findings)
    score += references
    score += _context(draft, context, findings, about_them=about_them)
    score += _intent(draft, recipient, context, intent, findings)
    score += _substance(draft, message, findings)

    sig = signature(message, recipient_terms(recipient, context))
    copies = (
        history.near_duplicates(sig, NEAR_DUPLICATE_SIMILARITY, recipient.key or None)
        if history is not None and sig
        else 0
    )
    score = max(0, min(100, score))
    if copies:
        score = _copies(score, copies, findings)
    if pitched:
        score = min(score, PITCH_CEILING)
    if forced_generic:
        score = min(score, GENERIC_CEILING)
    verdict = (
        PERSONAL if score >= PERSONAL_AT else NEEDS_WORK if score >= NEEDS_WORK_AT else GENERIC
    )
    findings.sort(key=lambda f: ({"bad": 0, "warn": 1, "good": 2}[f.severity], f.start or 0))
    return Report(score=score, verdict=verdict, findings=tuple(findings), signature=sig)


def _placeholders(text: str, findings: list[Finding]) -> bool:
    """Every placeholder, the longest where two syntaxes overlap (`${first_name}` is one)."""
    matches = sorted(
        (m for _name, pattern in patterns.PLACEHOLDERS for m in pattern.finditer(text)),
        key=lambda m: (m.start(), -(m.end() - m.start())),
    )
    taken_until = -1
    for match in matches:
        if match.start() < taken_until:
            continue
        taken_until = match.end()
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
    return taken_until >= 0


def _phrases(text: str, findings: list[Finding]) -> int:
    """Stock phrases, flattery and sales pitches: the points they cost."""
    lowered = text.lower()
    # Lower-casing keeps the length (and so the spans) of nearly every note; for the rare one
    # it does not, the case-insensitive patterns search the note itself.
    folded = len(lowered) == len(text)
    subject = lowered if folded else text
    cost = 0
    for code, compiled, each, cap, message, suggestion in (
        (
            "stock_phrase",
            _STOCK if folded else _STOCK_ANY_CASE,
            STOCK_PHRASE_PENALTY,
            STOCK_PHRASES_CAP,
            "“{}” is a stock phrase that could be sent to anyone.",
            "Say instead what you noticed about them, or why you are writing now.",
        ),
        (
            "flattery",
            _FLATTERY if folded else _FLATTERY_ANY_CASE,
            FLATTERY_PENALTY,
            FLATTERY_CAP,
            "“{}” is praise that could be said to anyone.",
            "Name the piece of their work you mean and what it changed for you.",
        ),
    ):
        spent = 0
        starts: set[int] = set()
        for pattern in compiled:
            for match in pattern.finditer(subject):
                if match.start() in starts:
                    continue
                starts.add(match.start())
                spent += each
                quoted = text[match.start() : match.end()]
                findings.append(
                    Finding(
                        code, message.format(quoted), "bad", match.start(), match.end(), suggestion
                    )
                )
        cost += min(spent, cap)
    sales = _SALES if folded else _SALES_ANY_CASE
    pitches = [(name, m) for name, p in sales if (m := p.search(subject))]
    if pitches:
        cost += min(SALES_PITCH_PENALTY + SALES_PITCH_MORE * (len(pitches) - 1), SALES_PITCH_CAP)
        for name, match in pitches:
            findings.append(
                Finding(
                    "sales_pitch",
                    f"“{text[match.start() : match.end()]}” reads like a sales pitch ({name}); a "
                    "first contact is not the place for one.",
                    "bad",
                    match.start(),
                    match.end(),
                    "Ask for a conversation about their work instead; offer something only if "
                    "asked.",
                )
            )
    return cost


def _context(
    draft: _Draft, context: Context | None, findings: list[Finding], *, about_them: bool
) -> int:
    """A verified context earns CONTEXT_VERIFIED; saying it in a sentence of substance, or
    writing about their own work instead (a verified context is shown beside the note, so
    it need not be repeated), earns CONTEXT_REFLECTED more. An unverified one earns only
    the reflection."""
    if context is None or context.kind not in CONTEXT_KINDS:
        findings.append(
            Finding(
                "no_context",
                "The note does not say how you know of them.",
                "warn",
                suggestion="Choose a context: an event you both attended, a mutual "
                "connection, a shared topic or their post.",
            )
        )
        return -NO_CONTEXT_PENALTY
    span = _context_span(draft, context)
    if span:
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
        return (CONTEXT_VERIFIED if context.verified else 0) + CONTEXT_REFLECTED
    if context.verified:
        findings.append(
            Finding(
                "context_verified",
                "The platform verified how you know of them; they see it beside your note.",
                "good",
            )
        )
        return CONTEXT_VERIFIED + (CONTEXT_REFLECTED if about_them else 0)
    findings.append(
        Finding(
            "context_not_reflected",
            "The note does not say how you came across them.",
            "warn",
            suggestion=_context_suggestion(context),
        )
    )
    return 0


def _context_span(draft: _Draft, context: Context) -> tuple[int, int] | None:
    """Where the note reflects its context — inside a sentence that says something of its own,
    so that echoing the context's words (or listing them) is not reflecting it."""
    text, label = draft.plain, context.label
    if context.kind == "mutual":
        first = label.split()[0] if label else ""
        span = (
            (_find_phrase(text, label) or _find_phrase(text, first))
            if label
            else _first_match(text, _MUTUAL_WORDS)
        )
        in_prose = span and any(s.is_prose and s.start <= span[0] < s.end for s in draft.sentences)
        return span if in_prose else None
    if label and (span := draft.in_substance(_find_phrase(text, label))):
        return span
    wanted = set(_stems_of(label)) if label else set()
    word = draft.substance_first(wanted) if wanted else None
    if context.kind == "topic":
        # All the topic's distinctive words, in a sentence that is about something.
        present = {w.stem for w in draft.prose}
        return (word.start, word.end) if word and wanted <= present else None
    if word:
        return word.start, word.end
    if context.kind == "event":
        return draft.in_substance(_first_match(text, _EVENT_WORDS))
    if context.kind == "content":
        return draft.in_substance(_first_match(text, _CONTENT_WORDS))
    return None


def _first_match(text: str, pattern: re.Pattern[str]) -> tuple[int, int] | None:
    match = pattern.search(text)
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


def _is_ask(sentence: Sentence) -> re.Match[str] | None:
    if sentence.is_question and len(sentence.words) >= 3:
        return re.search(r".+", sentence.text)
    return _ASK.search(sentence.text.lower())


def _intent(
    draft: _Draft,
    recipient: Recipient,
    context: Context | None,
    intent: str,
    findings: list[Finding],
) -> int:
    asking = [s for s in draft.sentences if _is_ask(s)]
    if not asking:
        findings.append(
            Finding(
                "intent_missing",
                "The note does not say what you are asking for.",
                "warn",
                suggestion="End with a specific, modest ask — e.g. “Could I ask your advice "
                "for 20 minutes on …?”",
            )
        )
        return 0
    first = asking[0]
    points = INTENT_STATED
    findings.append(
        Finding("intent_stated", "You make a clear ask.", "good", first.start, first.end)
    )
    own = [
        w
        for s in asking
        for w in s.words
        if is_distinctive(w) and w.stem not in draft.excluded and not w.lower.isdigit()
    ]
    named = recipient.company and any(_company_span(s.text, recipient.company) for s in asking)
    if own or named:
        points += ASK_CONCRETE
        findings.append(
            Finding(
                "ask_concrete",
                "Your ask is about something specific.",
                "good",
                own[0].start if own else first.start,
                own[0].end if own else first.end,
            )
        )
    declared = patterns.INTENT_WORDS.get(intent, ())
    lowered = " ".join(s.text.lower() for s in asking)
    if any(w in lowered for w in declared):
        points += INTENT_MATCHES_DECLARED
    return points


def _references(
    draft: _Draft, recipient: Recipient, context: Context | None, findings: list[Finding]
) -> tuple[int, bool]:
    """Points for specific references to the recipient, and whether the note is about their
    own work (their role, a topic of theirs or their material — a company name is not)."""
    text = draft.plain
    points = 0
    first_name = recipient.name.split()[0] if recipient.name.split() else ""
    name_span = _find_phrase(text, recipient.name) or (
        _find_phrase(text, first_name) if first_name else None
    )
    if name_span:
        points += MENTIONS_NAME
    specifics: list[tuple[str, int, tuple[int, int]]] = []
    if recipient.company and (span := _company_span(text, recipient.company)):
        specifics.append(("their company", MENTIONS_COMPANY, span))
    company_span = specifics[0][2] if specifics else None
    if recipient.title:
        title_span = draft.in_substance(_find_phrase(text, recipient.title))
        if not title_span:
            word = draft.substance_first(set(_stems_of(recipient.title)) - draft.excluded)
            title_span = (word.start, word.end) if word else None
        if title_span:
            specifics.append(("their role", MENTIONS_ROLE, title_span))
    context_topic = context.label.lower() if context and context.kind == "topic" else ""
    prose_stems = {w.stem for w in draft.prose}
    for topic in recipient.topics:
        if topic.lower() == context_topic:
            continue  # credited once, as the context
        # The topic as written, or all its distinctive words when it has two or more (one
        # word of "Risk management" is not the topic); never the context's own words again.
        wanted = set(_stems_of(topic)) - _context_stems(context)
        word = draft.substance_first(wanted) if len(wanted) >= 2 and wanted <= prose_stems else None
        span = (word.start, word.end) if word else draft.in_substance(_find_phrase(text, topic))
        if span and company_span and company_span[0] <= span[0] < company_span[1]:
            span = None  # "Robotics" inside "Kestrel Robotics" is their company, not a topic
        if span:
            specifics.append(("a topic they care about", MENTIONS_TOPIC, span))
            break
    material = _material_reference(draft, recipient, _stems_of(recipient.title))
    if material:
        specifics.append((material[0], MENTIONS_MATERIAL, material[1]))
    points += sum(weight for _, weight, _ in specifics)
    for what, _, (start, end) in specifics:
        findings.append(Finding("references_recipient", f"You mention {what}.", "good", start, end))
    if not specifics:
        findings.append(
            Finding(
                "nothing_specific",
                "Nothing in the note is specific to them"
                + (" beyond their name." if name_span else "."),
                "warn",
                suggestion="Mention something of theirs: their work at "
                f"{recipient.company or 'their company'}, what they wrote or said, or an "
                "event of theirs.",
            )
        )
        points -= NOTHING_SPECIFIC_PENALTY
    about_them = any(what != "their company" for what, _, _ in specifics)
    return min(points, RECIPIENT_REFERENCES_CAP), about_them


def _material_reference(
    draft: _Draft, recipient: Recipient, title_stems: frozenset[str]
) -> tuple[str, tuple[int, int]] | None:
    """Their own material the note refers to: at least two of its distinctive words in the
    note's sentences, or one beside a pointer at it ("your post", "your talk")."""
    sources = [
        ("their headline", recipient.headline),
        ("what they say about themselves", recipient.about),
    ]
    sources += [("their post", post) for post in recipient.posts]
    sources += [("an event of theirs", event) for event in recipient.events]
    sources.append(("their mentor offer", recipient.mentor_offer))
    pointer_sentences = [
        s
        for s in draft.sentences
        if s.is_prose and (_CONTENT_WORDS.search(s.text) or _EVENT_WORDS.search(s.text))
    ]
    for what, source in sources:
        if not source:
            continue
        wanted = set(_stems_of(source)) - draft.excluded - title_stems
        if not wanted:
            continue
        shared = [w for w in draft.prose if w.stem in wanted]
        if len({w.stem for w in shared}) >= 2:
            return what, (shared[0].start, shared[0].end)
        if shared and any(s.start <= shared[0].start < s.end for s in pointer_sentences):
            return what, (shared[0].start, shared[0].end)
    return None


def _substance(draft: _Draft, message: str, findings: list[Finding]) -> int:
    points = 0
    count = sum(len(s.words) for s in draft.sentences)
    lists = [
        s
        for s in draft.sentences
        if not s.is_prose
        and len(s.words) >= 2
        and sum(1 for w in s.words if w.stem in draft.excluded or is_distinctive(w)) >= 2
        and any(w.stem in draft.excluded for w in s.words)
    ]
    if lists:
        points -= KEYWORD_LIST_PENALTY
        findings.append(
            Finding(
                "keyword_list",
                "A list of keywords says nothing about them or you.",
                "warn",
                lists[0].start,
                lists[0].end,
                "Say in a sentence what about it you want to talk about.",
            )
        )
    if count < TOO_SHORT_WORDS:
        points -= TOO_SHORT_PENALTY
        findings.append(
            Finding(
                "too_short",
                f"At {count} words the note is too short to say anything.",
                "warn",
                suggestion="Two or three sentences: how you know of them, why them, what you ask.",
            )
        )
    elif count >= SUBSTANTIVE_WORDS:
        points += SUBSTANTIVE_LENGTH
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
    return points


def _copies(score: int, copies: int, findings: list[Finding]) -> int:
    """Each earlier copy to someone else costs NEAR_DUPLICATE_PENALTY and lowers the ceiling:
    a copy is never personal, from MASS_OUTREACH_COPIES copies it is generic, and each
    further copy takes the ceiling down by MASS_OUTREACH_STEP."""
    if copies >= MASS_OUTREACH_COPIES:
        ceiling = GENERIC_CEILING - MASS_OUTREACH_STEP * (copies - MASS_OUTREACH_COPIES)
        findings.append(
            Finding(
                "mass_outreach",
                f"You have sent nearly this note to {copies} other people.",
                "bad",
                suggestion="Write this one for them: what you know of their work and "
                "why you are asking them in particular.",
            )
        )
    else:
        ceiling = COPY_CEILING
        findings.append(
            Finding(
                "near_duplicate",
                f"You have sent a very similar note to {copies} other "
                f"{'person' if copies == 1 else 'people'}.",
                "warn",
                suggestion="Make more of it about this person.",
            )
        )
    return max(0, min(score - NEAR_DUPLICATE_PENALTY * copies, ceiling))
