"""Text handling for the engine: words, sentences, how distinctive a word is, and the masking
that makes a name-swapped copy of a note an exact copy.

Distinctiveness is inverse document frequency over a background corpus shipped with the
package (`data/idf.json`, built by `scripts/build_personalization_idf.py` from the vendored
LinkedIn notes, the tuning part of the evaluation corpus and the project's own docs). A word
counts as *distinctive* when it is rare there (idf ≥ DISTINCTIVE_IDF), is not a stop word and
is not one of the generic business words every outreach note uses ("opportunity", "network",
"experience", "platform"). Words are compared by a light stem (`stem`), so "retros" and
"retro", "introduced" and "introduce" meet.
"""

from __future__ import annotations

import functools
import json
import math
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib import resources

WORD = re.compile(r"[^\W_][\w'’-]*", re.UNICODE)
URL = re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)
EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b")
MASK_TOKEN = "∗"  # noqa: S105 (a mask, not a secret)
GREETING_TOKEN = "∘greeting"  # noqa: S105


def _data(name: str) -> str:
    return resources.files("mutuals.personalization").joinpath(f"data/{name}").read_text()


def _word_list(name: str) -> frozenset[str]:
    """Words of a shipped list (data/<name>), one or more a line; `#` starts a comment line."""
    return frozenset(
        word
        for line in _data(name).splitlines()
        if not line.startswith("#")
        for word in line.split()
    )


# A word at least this rare in the background corpus is distinctive (see module docstring).
DISTINCTIVE_IDF = 3.2

STOP_WORDS = _word_list("stop_words.txt")

# Words every outreach note, pitch and template uses: not evidence of knowing someone.
GENERIC_WORDS = _word_list("generic_words.txt")
# Everyday words: never distinctive, but unlike stop words they do not make a list of
# keywords a sentence.
COMMON_WORDS = _word_list("common_words.txt")

_STEM_SUFFIXES = (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", ""))


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light stem: lower case, no possessive, no plural or -ing/-ed ending."""
    word = word.lower().replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    word = word.strip("'-")
    for suffix, replacement in _STEM_SUFFIXES:
        if len(word) > len(suffix) + 3 and word.endswith(suffix) and not word.endswith("ss"):
            return word[: -len(suffix)] + replacement
    return word


def normalize(text: str) -> str:
    """NFKC with straight apostrophes; the length of `text` is kept so spans stay valid."""
    out = unicodedata.normalize("NFKC", text)
    if len(out) != len(text):  # ligatures and the like changed the length: keep the original
        out = text
    return out.replace("’", "'")


def blank_links(text: str) -> str:
    """`text` with URLs and e-mail addresses replaced by spaces (same length): a query string's
    `?` is not a question and a link's words are not the sender's."""
    for pattern in (URL, EMAIL):
        text = pattern.sub(lambda m: " " * len(m.group(0)), text)
    return text


@dataclass(frozen=True, slots=True)
class Word:
    text: str
    start: int
    end: int

    @property
    def lower(self) -> str:
        return self.text.lower()

    @property
    def stem(self) -> str:
        return stem(self.text)


def words(text: str, offset: int = 0) -> list[Word]:
    return [Word(m.group(0), m.start() + offset, m.end() + offset) for m in WORD.finditer(text)]


@dataclass(frozen=True, slots=True)
class Sentence:
    text: str
    start: int
    end: int
    words: tuple[Word, ...]
    is_prose: bool  # see _is_prose

    @property
    def is_question(self) -> bool:
        return self.text.rstrip().endswith("?")


def _is_prose(text: str, found: Sequence[Word]) -> bool:
    """A real sentence rather than a list of keywords: at least four words with at least one
    function word, and not mostly comma-separated fragments of one or two words."""
    if len(found) < 4 or not any(w.lower in STOP_WORDS for w in found):
        return False
    pieces = [p for p in re.split(r"[,;/|•·]", text) if p.strip()]
    short = sum(1 for p in pieces if len(WORD.findall(p)) <= 2)
    return not (len(pieces) >= 3 and short * 2 > len(pieces))


_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+|\n+|(?<=[.!?])(?=[A-Z][a-z])")


def sentences(text: str) -> list[Sentence]:
    """Sentences of `text` (already normalized, links blanked), with their spans."""
    found: list[Sentence] = []
    start = 0
    for match in _with_end(_SENTENCE_END.finditer(text), len(text)):
        end = match if isinstance(match, int) else match.start()
        piece = text[start:end]
        stripped = piece.strip()
        if stripped:
            lead = start + (len(piece) - len(piece.lstrip()))
            inside = tuple(words(stripped, offset=lead))
            found.append(
                Sentence(stripped, lead, lead + len(stripped), inside, _is_prose(stripped, inside))
            )
        start = end if isinstance(match, int) else match.end()
    return found


def _with_end(matches: Iterable[re.Match[str]], last: int) -> Iterator[re.Match[str] | int]:
    yield from matches
    yield last


# --- Rarity ------------------------------------------------------------------------------


@functools.cache
def _idf_table() -> tuple[int, dict[str, int]]:
    raw = json.loads(
        resources.files("mutuals.personalization").joinpath("data/idf.json").read_text()
    )
    return int(raw["documents"]), {str(k): int(v) for k, v in raw["df"].items()}


def idf(word_stem: str) -> float:
    """Smoothed inverse document frequency of a stem in the background corpus."""
    documents, df = _idf_table()
    return math.log((documents + 1) / (df.get(word_stem, 0) + 1)) + 1.0


def is_distinctive(word: Word | str) -> bool:
    """Rare in the background corpus, not a stop, common or generic business word, no digits."""
    return _distinctive(word.text if isinstance(word, Word) else word)


@functools.lru_cache(maxsize=65536)
def _distinctive(text: str) -> bool:
    lower = text.lower().replace("’", "'")
    if len(lower) < 3 or lower in STOP_WORDS or lower in COMMON_WORDS:
        return False
    if any(c.isdigit() for c in lower):
        return False
    root = stem(lower)
    if (
        root in GENERIC_WORDS
        or lower in GENERIC_WORDS
        or root in STOP_WORDS
        or root in COMMON_WORDS
    ):
        return False
    return idf(root) >= DISTINCTIVE_IDF


def distinctive_stems(text: str) -> set[str]:
    return {w.stem for w in words(normalize(text)) if is_distinctive(w)}


# --- Names and masking -------------------------------------------------------------------


@functools.cache
def first_names() -> frozenset[str]:
    raw = resources.files("mutuals.personalization").joinpath("data/first_names.txt").read_text()
    return frozenset(
        name for line in raw.splitlines() if not line.startswith("#") for name in line.split()
    )


GREETINGS = frozenset(
    [
        "hi",
        "hello",
        "hey",
        "dear",
        "hiya",
        "greetings",
        "morning",
        "afternoon",
        "evening",
        "howdy",
        "hallo",
        "hola",
        "bonjour",
    ]
)
_HONORIFICS = frozenset(
    ("mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "madam")
)


def masked_tokens(message: str, terms: set[str]) -> list[str]:
    """Lower-case words of `message` with what a template swaps per recipient masked: the
    words in `terms` (their name, company, the mutual connection), the word after a greeting
    ("Hi Sam", "Dear Dr Okafor"), and any capitalised first name from the shipped list;
    greeting words themselves become one token, so "Hello Sam," and "Hi Lee," are equal."""
    names = first_names()
    tokens: list[str] = []
    after_greeting = False
    for word in WORD.findall(blank_links(normalize(message))):
        lower = word.lower()
        if lower in GREETINGS:
            tokens.append(GREETING_TOKEN)
            after_greeting = True
            continue
        if after_greeting and lower.rstrip(".") in _HONORIFICS:
            tokens.append(MASK_TOKEN)
            continue
        capitalised = word[:1].isupper()
        if lower in terms or (after_greeting and capitalised) or (capitalised and lower in names):
            tokens.append(MASK_TOKEN)
        else:
            tokens.append(lower)
        after_greeting = False
    return tokens
