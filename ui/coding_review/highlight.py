"""A document's text as HTML with the evidence of each proposed code highlighted, one colour per code.

Document text comes from the patient record and may hold anything, "<script>" included: every piece of it goes
through `html.escape`, and only the tags written here reach the page. Affirmed mentions are filled with their
code's colour; negated, hypothetical and family mentions are only underlined (struck through when negated)
and tagged with the reason they are not coded.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from coding_assistant.schema import Evidence, Proposal
from coding_review.labels import QUALIFIER_LABELS, QUALIFIER_TAGS

# Light colours that keep black text readable and stay apart from one another (then `_colour`).
PALETTE = (
    "#ffe08a", "#a8e6cf", "#ffb3b3", "#b3d9ff", "#e0c3fc", "#ffd1a6",
    "#c8e6a0", "#f7b2e0", "#9ee6e6", "#d9d9a3", "#c7c7ff", "#f2c6a0",
)  # fmt: skip
QUALIFIER_STYLES = {
    "negated": "text-decoration:line-through;text-decoration-color:#b00020;border-bottom:2px solid {colour}",
    "hypothetical": "font-style:italic;border-bottom:2px dashed {colour}",
    "family": "border-bottom:2px dotted {colour}",
}
DOCUMENT_STYLE = "white-space:pre-wrap;font-family:inherit;line-height:1.6;font-size:0.95rem"


@dataclass(frozen=True, slots=True)
class Span:
    """One piece of evidence to show: `rank` orders overlapping spans (the better-ranked proposal shows)."""

    start: int
    end: int
    code: str
    label: str
    colour: str
    qualifier: str | None
    rank: int
    cues: tuple[str, ...] = ()  # the words that qualified the mention ("pas de"), said in the tooltip


def _colour(i: int) -> str:
    """The palette first; past it, hues a golden angle apart (light, so black text stays readable): every code
    of a stay gets its own colour, however many there are."""
    if i < len(PALETTE):
        return PALETTE[i]
    hue = (i - len(PALETTE)) * 137.508 % 360
    return f"hsl({hue:.0f}, 70%, 80%)"


def code_colours(codes: Iterable[str]) -> dict[str, str]:
    """A colour per code, in the given order (the proposals' order, so colours stay put between reruns). Only
    codes with mentions need one: the colour ties a code to its highlighted words."""
    return {code: _colour(i) for i, code in enumerate(dict.fromkeys(codes))}


def qualifier_of(evidence: Evidence) -> str | None:
    if evidence.negated:
        return "negated"
    if evidence.hypothetical:
        return "hypothetical"
    if evidence.family:
        return "family"
    return None


def document_spans(doc_id: str, text_length: int, proposals: Sequence[Proposal], colours: dict[str, str]) -> list[Span]:
    """The evidence spans that fall in this document; offsets outside the text (stale evidence) are dropped."""
    spans: list[Span] = []
    for rank, proposal in enumerate(proposals):
        colour = colours.get(proposal.code, PALETTE[0])
        for evidence in proposal.evidence:
            if evidence.doc_id != doc_id or not 0 <= evidence.start < evidence.end <= text_length:
                continue
            spans.append(
                Span(
                    evidence.start,
                    evidence.end,
                    proposal.code,
                    proposal.label,
                    colour,
                    qualifier_of(evidence),
                    rank,
                    tuple(evidence.cues),
                )
            )
    return spans


def _describe(span: Span) -> str:
    cues = f" (« {' », « '.join(span.cues)} »)" if span.qualifier and span.cues else ""
    reason = f" — {QUALIFIER_LABELS[span.qualifier]}{cues} : non codée" if span.qualifier else ""
    return f"{span.code} {span.label}{reason}"


def _style(span: Span) -> str:
    if span.qualifier is None:
        return f"background:{span.colour};border-radius:3px;padding:0 1px"
    return QUALIFIER_STYLES[span.qualifier].format(colour=span.colour)


def _open_tag(primary: Span, covering: list[Span]) -> str:
    title = " ; ".join(dict.fromkeys(_describe(s) for s in covering))
    qualifier = f' data-qualifier="{primary.qualifier}"' if primary.qualifier else ""
    return (
        f'<span data-code="{html.escape(primary.code)}"{qualifier} title="{html.escape(title, quote=True)}" '
        f'style="{_style(primary)}">'
    )


def _tag(span: Span) -> str:
    assert span.qualifier is not None
    return (
        '<sup style="font-size:0.7em;color:#7a0019;margin-left:1px">'
        f"{html.escape(QUALIFIER_TAGS[span.qualifier])}</sup>"
    )


def highlighted_html(text: str, spans: Sequence[Span]) -> str:
    """`text`, escaped, with each span wrapped; where spans overlap, the best-ranked affirmed one shows and the
    tooltip names them all."""
    if not spans:
        return f'<div style="{DOCUMENT_STYLE}">{html.escape(text)}</div>'
    # Affirmed evidence wins over qualified evidence of a better-ranked code: what is coded matters most.
    ordered = sorted(spans, key=lambda s: (s.qualifier is not None, s.rank, s.start))
    cuts = sorted({0, len(text), *(s.start for s in spans), *(s.end for s in spans)})
    parts: list[str] = []
    for left, right in pairwise(cuts):
        piece = html.escape(text[left:right])
        covering = [s for s in ordered if s.start <= left and right <= s.end]
        if not covering:
            parts.append(piece)
            continue
        primary = covering[0]
        closing = _tag(primary) if primary.qualifier and right == primary.end else ""
        parts.append(f"{_open_tag(primary, covering)}{piece}</span>{closing}")
    return f'<div style="{DOCUMENT_STYLE}">{"".join(parts)}</div>'


def legend_html(proposals: Sequence[Proposal], colours: dict[str, str]) -> str:
    """Colour chips of the codes that have evidence, and the key to the qualified mentions."""
    chips = [
        f'<span style="background:{colours[p.code]};border-radius:3px;padding:1px 6px;margin:0 6px 4px 0;'
        f'display:inline-block" title="{html.escape(p.label, quote=True)}">{html.escape(p.code)}</span>'
        for p in proposals
        if p.evidence and p.code in colours
    ]
    key = (
        '<span style="text-decoration:line-through;text-decoration-color:#b00020">barré</span> : mention niée · '
        "<i>italique souligné en tirets</i> : hypothèse · souligné en pointillés : antécédent familial — "
        "ces mentions ne sont pas codées"
    )
    return f'<div style="font-size:0.85rem">{"".join(chips)}<div style="color:#555">{key}</div></div>'


def colour_chip(colour: str) -> str:
    return f'<span style="background:{colour};border-radius:3px;padding:0 7px;margin-right:6px"></span>'
