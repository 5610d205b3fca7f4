"""Prompt understanding: words of :data:`.vocab.VOCABULARY` found in a prompt -> a plan.

English words match as whole words (letters and digits around them break a match), Chinese
words anywhere; overlapping matches keep the longest word. Text is lower-cased and the usual
separators (``, _ - / | ;`` and Chinese punctuation) become spaces first.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from ...errors import TextRejected
from .vocab import LOOKS, REPAINT, VOCABULARY, Term

CONTROLS = ("warmth", "saturation", "brightness", "contrast", "softness")
_SEPARATORS = re.compile(r"[\s,_\-/|;:.!?()\[\]{}<>\"'，、。；：！？（）【】《》“”‘’]+")
DEFAULT_BLOCKLIST: tuple[str, ...] = (
    "nsfw", "nude", "naked", "porn", "gore", "beheading",
    "裸体", "裸照", "色情", "血腥", "斩首",
)


@dataclass(frozen=True)
class PromptPlan:
    """What a prompt asks for.

    ``style``: a look name of :data:`.vocab.LOOKS` or None (clean beauty portrait);
    ``style_index``: its repaint style index (None for restyle's own looks and for no style);
    grading controls ``warmth``, ``saturation``, ``brightness``, ``contrast``, ``softness``
    (sums over the matched rows, each row once, clipped to -1..1, before the ``cfg`` gain); ``tint`` and
    ``light``: names from :data:`.vocab.TINTS` / :data:`.vocab.LIGHTS` or None (first match
    wins); ``words``: the matched words in prompt order; ``keys``: their vocabulary keys.
    """

    style: str | None = None
    style_index: int | None = None
    warmth: float = 0.0
    saturation: float = 0.0
    brightness: float = 0.0
    contrast: float = 0.0
    softness: float = 0.0
    tint: str | None = None
    light: str | None = None
    words: tuple[str, ...] = ()
    keys: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        """JSON-ready copy (for reports)."""
        return {"style": self.style, "style_index": self.style_index,
                **{c: round(getattr(self, c), 3) for c in CONTROLS}, "tint": self.tint,
                "light": self.light, "words": list(self.words), "keys": list(self.keys)}


def normalise(text: str) -> str:
    """Lower-cased text with separators collapsed to single spaces, padded with one space."""
    return " " + _SEPARATORS.sub(" ", text.lower()).strip() + " "


def _is_latin(word: str) -> bool:
    return all(ord(c) < 128 for c in word)


def _pattern(word: str) -> re.Pattern[str]:
    """Whole-word regex for a Latin word (inner spaces match any separator run)."""
    body = r"\s+".join(re.escape(part) for part in normalise(word).split())
    return re.compile(rf"(?<![a-z0-9]){body}(?![a-z0-9])")


@cache
def _patterns() -> tuple[tuple[re.Pattern[str], Term], ...]:
    found: list[tuple[re.Pattern[str], Term]] = []
    for term in VOCABULARY:
        for word in (*term.en, *term.zh):
            rx = _pattern(word) if _is_latin(word) else re.compile(re.escape(word))
            found.append((rx, term))
    return tuple(found)


def _matches(norm: str) -> list[tuple[int, int, Term]]:
    """Non-overlapping (start, end, term) matches, longest first, returned in text order."""
    spans = [(m.start(), m.end(), t) for rx, t in _patterns() for m in rx.finditer(norm)]
    spans.sort(key=lambda s: (-(s[1] - s[0]), s[0]))
    taken = [False] * len(norm)
    kept: list[tuple[int, int, Term]] = []
    for start, end, term in spans:
        if not any(taken[start:end]):
            taken[start:end] = [True] * (end - start)
            kept.append((start, end, term))
    return sorted(kept, key=lambda s: s[0])


def parse_prompt(text: str) -> PromptPlan:
    """The :class:`PromptPlan` of ``text`` (Chinese and English words, any mix)."""
    norm = normalise(text)
    found = _matches(norm)
    terms = [t for _, _, t in found]
    totals = dict.fromkeys(CONTROLS, 0.0)
    for term in {t.key: t for t in terms}.values():
        for name, delta in term.effect.items():
            totals[name] += delta
    style = _first(terms, "style")
    engine_index = LOOKS.get(style or "", ("", -1))
    return PromptPlan(
        style=style, style_index=engine_index[1] if engine_index[0] == REPAINT else None,
        **{k: max(-1.0, min(1.0, v)) for k, v in totals.items()},
        tint=_first(terms, "tint"), light=_first(terms, "light"),
        words=tuple(norm[s:e].strip() for s, e, _ in found), keys=tuple(t.key for t in terms))


def _first(terms: Sequence[Term], kind: str) -> str | None:
    return next((t.value for t in terms if t.kind == kind), None)


def check_prompt(text: str, blocklist: Sequence[str]) -> None:
    """Raise :class:`TextRejected` (field ``positive_prompt``) when ``text`` contains a word
    of ``blocklist`` (Latin words as whole words, case-insensitive; others anywhere)."""
    norm = normalise(text)
    for word in blocklist:
        if not word.strip():
            continue
        hit = _pattern(word).search(norm) if _is_latin(word) else (word.lower() in norm)
        if hit:
            raise TextRejected(f"positive_prompt contains a blocked word ({word!r}); remove it "
                               "and try again", field="positive_prompt", word=word)
