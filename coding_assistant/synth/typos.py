"""Typing errors as they appear in dictated or quickly typed letters: a dropped accent, a doubled or a
missing letter. Applied to single words so that the word stays recognisable to a human coder."""

from __future__ import annotations

import random

_ACCENTS = str.maketrans("éèêëàâäîïôöûüùç", "eeeeaaaiioouuuc")


def misspell_word(word: str, rng: random.Random) -> str:
    letters = [i for i, c in enumerate(word) if c.isalpha()]
    if len(letters) < 4:
        return word
    accented = [i for i in letters if word[i] != word[i].translate(_ACCENTS)]
    kind = rng.random()
    if accented and kind < 0.45:
        i = rng.choice(accented)
        return word[:i] + word[i].translate(_ACCENTS) + word[i + 1 :]
    i = rng.choice(letters[1:-1])
    if kind < 0.75:
        return word[: i + 1] + word[i] + word[i + 1 :]  # doubled letter
    if word[i] == word[i - 1]:
        return word[:i] + word[i + 1 :]  # a doubled letter written once
    return word[:i] + word[i + 1 :]  # missing letter


def misspell(text: str, rng: random.Random) -> str:
    """The text with one of its longer words misspelt (unchanged when no word is long enough)."""
    words = text.split(" ")
    candidates = [
        i for i, w in enumerate(words) if sum(c.isalpha() for c in w) >= 5 and not w.isupper() and "{" not in w
    ]
    if not candidates:
        return text
    i = rng.choice(candidates)
    words[i] = misspell_word(words[i], rng)
    return " ".join(words)
