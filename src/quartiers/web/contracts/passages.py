"""Passages of a document's text: where a search's words or a priority's keywords occur, cut
around them and highlighted (``<mark>``) in the original text, everything else escaped.

Matching is the programme taxonomy's (``normalise``: no case, no accents, punctuation as
spaces); a character map leads each match back to the original characters, accents included.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ..programme.taxonomy import keyword_pattern, normalise

AROUND = 110  # characters shown on each side of a match
LONGEST_PASSAGE = 500
_SENTENCE_END = re.compile(r"(?<=[.!?…;])\s+|\s+(?=[-•▪◦] )|\s*\n\s*\n\s*")
_ALNUM = set("abcdefghijklmnopqrstuvwxyz0123456789")


def folded(text: str) -> tuple[str, list[int]]:
    """``normalise``'s text (spaces kept single) and, for each of its characters, the index
    of the original character it comes from."""
    chars: list[str] = []
    origin: list[int] = []
    for i, char in enumerate(text):
        for part in unicodedata.normalize("NFKD", char.lower()):
            if unicodedata.combining(part):
                continue
            part = part if part in _ALNUM else " "
            if part == " " and (not chars or chars[-1] == " "):
                continue
            chars.append(part)
            origin.append(i)
    return "".join(chars), origin


def words_pattern(words: Iterable[str]) -> re.Pattern | None:
    """Whole words of a search, already normalised; None when there are none."""
    words = sorted({w for w in words if w}, key=len, reverse=True)
    if not words:
        return None
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(map(re.escape, words)) + r")(?![a-z0-9])")


def keyword_patterns(keywords: Iterable[str]) -> list[re.Pattern]:
    return [keyword_pattern(keyword) for keyword in keywords]


def any_keyword(keywords: Iterable[str]) -> re.Pattern | None:
    """One pattern for all of a priority's keywords (None without any)."""
    patterns = keyword_patterns(keywords)
    return re.compile("|".join(f"(?:{p.pattern})" for p in patterns)) if patterns else None


def spans(text: str, patterns: Iterable[re.Pattern]) -> list[tuple[int, int]]:
    """Where the patterns match in ``text``, as sorted, merged (start, end) of its characters."""
    fold, origin = folded(text)
    found = sorted((origin[m.start()], origin[m.end() - 1] + 1)
                   for pattern in patterns for m in pattern.finditer(fold) if m.end() > m.start())
    merged: list[tuple[int, int]] = []
    for start, end in found:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlighted(text: str, patterns: Iterable[re.Pattern], limit: int = 3) -> list[SafeString]:
    """Up to ``limit`` passages of ``text`` around its matches, matches in ``<mark>``."""
    text = " ".join(text.split())
    matches = spans(text, list(patterns))
    windows: list[list] = []  # [start, end, matches inside]
    for start, end in matches:
        if windows and start - AROUND <= windows[-1][1]:
            windows[-1][1] = min(len(text), end + AROUND)
            windows[-1][2].append((start, end))
        elif len(windows) < limit:
            windows.append([max(0, start - AROUND), min(len(text), end + AROUND),
                            [(start, end)]])
    return [_marked(text, *_word_bounds(text, start, end), inside)
            for start, end, inside in windows]


def _word_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """A window widened to whole words."""
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return start, end


def _marked(text: str, start: int, end: int, inside: list[tuple[int, int]]) -> SafeString:
    pieces = ["… " if start > 0 else ""]
    cursor = start
    for match_start, match_end in inside:
        pieces += [escape(text[cursor:match_start]), "<mark>",
                   escape(text[match_start:match_end]), "</mark>"]
        cursor = match_end
    pieces += [escape(text[cursor:end]), " …" if end < len(text) else ""]
    return mark_safe("".join(pieces))


def sentences(text: str) -> list[str]:
    """A page's text as passages: sentences and list items, whitespace joined, long ones cut
    (a table read as text has no sentence ends)."""
    out = []
    for sentence in _SENTENCE_END.split(text):
        sentence = " ".join(sentence.split())
        while len(sentence) > LONGEST_PASSAGE:
            cut = sentence.rfind(" ", 0, LONGEST_PASSAGE)
            cut = cut if cut > 0 else LONGEST_PASSAGE
            out.append(sentence[:cut])
            sentence = sentence[cut:].strip()
        if sentence:
            out.append(sentence)
    return out


def matched_keywords(term, passage: str) -> list[str]:
    """The keywords of a priority (a taxonomy ``Term``) found in a passage."""
    return term.matched_keywords(normalise(passage))
