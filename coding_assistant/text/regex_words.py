"""What a regex's matches must hold as written: a substring test that rules a text out before a search.

A search for a pattern that starts with `\\b` reads the whole text at every position (the regex engine has no
quicker scan): where every match holds one of a few plain words, a text without them is skipped at the cost of
substring tests.
"""

from __future__ import annotations

import re
from functools import lru_cache

# What a run of plain characters in a pattern may hold, and what makes the character before it optional.
_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyz0123456789 '-")
_QUANTIFIERS = frozenset("?*+")
_REPEAT = re.compile(r"\{\d*(?:,\d*)?\}")  # a bounded repeat; any other « { » stands for itself
_INLINE_FLAG = re.compile(r"\(\?[aiLmsux-]")


def may_match(text: str, pattern: re.Pattern[str]) -> bool:
    """False only when `pattern` cannot match `text`: a substring test (`required_words`) where a search would
    read the whole stay text at every position (the patterns start with `\\b`, which leaves the regex engine no
    quicker scan), for each word list a stay's codes ask about."""
    required = required_words(pattern)
    return required is None or any(word in text for word in required)


@lru_cache(maxsize=256)
def required_words(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """For each top-level alternative of `pattern`, its longest run of plain characters outside any group, class,
    escape or quantifier: characters that every match of the alternative holds as written, so a text holding none
    of the runs holds no match. None when the pattern says too little or too much for that (an alternative
    without such a run, a flag)."""
    source = pattern.pattern
    if pattern.flags & ~re.UNICODE or _INLINE_FLAG.search(source):
        return None
    runs: list[str] = []
    best = run = ""  # the longest run of the current alternative so far, and the run being read
    depth = 0
    i = 0
    while i < len(source):
        ch = source[i]
        i += 1
        if ch == "\\":
            i += 1  # an escape (\\b, \\s, \\.) ends a run: read as nothing plain
        elif ch == "[":
            i = _class_end(source, i)
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif depth == 0 and ch == "|":
            runs.append(max(best, run, key=len))
            best = run = ""
            continue
        elif ch == "{" and (repeat := _REPEAT.match(source, i - 1)) is not None:
            run = run[:-1]  # the character before is repeated, maybe not at all ({0,2}); its bounds are no text
            i = repeat.end()
        elif depth == 0 and ch in _QUANTIFIERS:
            run = run[:-1]  # the character before is optional or repeated
        elif depth == 0 and ch in _PLAIN:
            run += ch
            continue
        best, run = max(best, run, key=len), ""
    runs.append(max(best, run, key=len))
    return None if "" in runs else tuple(runs)


def _class_end(source: str, i: int) -> int:
    """The index after the `]` that closes the character class whose content starts at `i`."""
    if source[i : i + 1] == "^":
        i += 1
    if source[i : i + 1] == "]":
        i += 1  # a first `]` is a member of the class
    while i < len(source) and source[i] != "]":
        i += 2 if source[i] == "\\" else 1
    return i + 1
