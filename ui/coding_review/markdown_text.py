"""Data shown as text in Streamlit's Markdown (titles, captions, alerts, tab and widget labels).

Stay numbers, units, document types, user names, model names and error messages come from the data or from
other people: in Markdown, "[ici](https://…)" would become a link, "![x](https://…)" an image the coder's
browser fetches from outside, "# …" a title. `md` backslash-escapes every character that Markdown (CommonMark,
GitHub's extensions, Streamlit's LaTeX `$`, colour and icon directives `:red[…]`) gives a meaning to.

Escaping is not enough for GitHub's bare-URL links: Streamlit's renderer finds "https://…", "www.…" and
"a@b.org" in the text *after* escapes are resolved, and links them when what precedes is a space, a punctuation
mark or nothing. A WORD JOINER (U+2060, invisible, neither space nor punctuation) is put in front of "http" and
"www" and after "@", so that the renderer sees no URL start there. Line breaks become spaces: each value is one
line of a message, never a new block.
"""

from __future__ import annotations

import re

# Every ASCII punctuation character may be backslash-escaped in CommonMark, so over-escaping is harmless; these
# are the ones that mean something somewhere in the Markdown Streamlit renders.
_SPECIAL = re.compile(r"([\\`*_~\[\]()<>#+\-|$:&.@!])")
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\x0b\x0c\x85]+")
WORD_JOINER = "\u2060"
_URL_START = re.compile(r"(?=https?|www)", re.IGNORECASE)


def md(value: object) -> str:
    """`value` as literal text inside Markdown."""
    text = _LINE_BREAKS.sub(" ", str(value)).strip()
    text = _URL_START.sub(WORD_JOINER, text).replace("@", "@" + WORD_JOINER)
    return _SPECIAL.sub(r"\\\1", text)
