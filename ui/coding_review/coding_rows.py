"""HTML of the coding panel's rows (no Streamlit here): a kept code with its role and CMA badge, a candidate
with its score, mentions and what it would add to the tariff. Every label is data: escaped."""

from __future__ import annotations

import html

from coding_review.draft import ActLine, Line
from coding_review.highlight import qualifier_of
from coding_review.labels import QUALIFIER_TAGS, format_euros, format_score

ROLE_COLOURS = {"DP": "#0b5394", "DR": "#6a329f", "DAS": "#555555"}


def _chip(colour: str) -> str:
    return f'<span style="background:{colour};border-radius:3px;padding:0 6px;margin-right:5px"></span>'


def _code(line: Line) -> str:
    """The code in bold; with mentions in the documents, a click on it shows them (the page script's
    `data-locate`)."""
    code = html.escape(line.code)
    if not line.evidence:
        return f"<b>{code}</b>"
    return f'<b data-locate="{code}" title="Voir les mentions dans les documents">{code}</b>'


def mentions(line: Line) -> str:
    """ "3 mentions (dont 1 nié)", or why there is none."""
    if not line.evidence:
        return "ajouté par le codeur" if line.added else "aucune mention"
    counts: dict[str, int] = {}
    for evidence in line.evidence:
        name = qualifier_of(evidence)
        if name:
            counts[name] = counts.get(name, 0) + 1
    total = len(line.evidence)
    details = ", ".join(f"{n} {QUALIFIER_TAGS[name]}" for name, n in counts.items())
    return f"{total} mention{'s' if total > 1 else ''}" + (f" (dont {details})" if details else "")


def cma_badge(level: tuple[int, bool] | None) -> str:
    if level is None:
        return ""
    value, counts = level
    if counts:
        return (
            f'<span title="Complication ou morbidité associée de niveau {value}" style="background:#fde2c8;'
            f'color:#7a3a00;border-radius:8px;padding:0 6px;margin-left:6px;font-size:0.8rem">CMA {value}</span>'
        )
    return (
        f'<span title="CMA de niveau {value}, exclue pour ce séjour (par le DP, le DR ou la racine du GHM)" '
        'style="background:#eeeeee;color:#555;border-radius:8px;padding:0 6px;margin-left:6px;font-size:0.8rem">'
        f"CMA {value} exclue</span>"
    )


def kept_row(role: str, line: Line, colour: str | None, cma: tuple[int, bool] | None) -> str:
    badge = (
        f'<span style="display:inline-block;min-width:2.6em;text-align:center;background:{ROLE_COLOURS[role]};'
        f'color:white;border-radius:4px;padding:0 4px;margin-right:6px;font-size:0.8rem">{role}</span>'
    )
    chip = _chip(colour) if colour else ""
    notes = "".join(f'<div style="color:#8a4b00;font-size:0.8rem">{html.escape(n)}</div>' for n in line.notes)
    return (
        f'<div data-kept="{html.escape(line.code)}" data-role="{role}" style="line-height:1.35">{badge}{chip}'
        f"{_code(line)} {html.escape(line.label)}{cma_badge(cma)}{notes}</div>"
    )


def candidate_row(line: Line, colour: str | None, gain_eur: float | None) -> str:
    score = "non proposé" if line.score is None else format_score(line.score)
    gain = (
        f'<span style="white-space:nowrap;color:#1b5e20;font-weight:600" '
        f'title="Différence de tarif de l\'aperçu de groupage">· {format_euros(gain_eur, signed=True)} si codé</span>'
        if gain_eur
        else ""
    )
    chip = _chip(colour) if colour else ""
    notes = html.escape(" ; ".join(line.notes))
    title = f' title="{notes}"' if notes else ""
    # One line per candidate, so that the list stays short: a label too long for the line ends in "…" and shows
    # whole on hover; the score, mentions and gain stay in view.
    label = html.escape(line.label)
    return (
        f'<div data-candidate="{html.escape(line.code)}" style="display:flex;gap:4px;line-height:1.3"{title}>'
        f'<span style="white-space:nowrap">{chip}{_code(line)}</span>'
        f'<span title="{label}" style="flex:1 1 auto;min-width:0;overflow:hidden;text-overflow:ellipsis;'
        f'white-space:nowrap">{label}</span>'
        f'<span style="white-space:nowrap;color:#555;font-size:0.85rem">{score} · {html.escape(mentions(line))}'
        f"</span>{gain}</div>"
    )


# "source": the acts the stay came with (its RUM line's act zones, or the coded acts of a JSONL/CSV/SQL stay).
ACT_ORIGINS = {"source": "codé à la source", "decision": "validé auparavant", "added": "ajouté par le codeur"}
ACTIVITY_LABELS = {1: "activité 1", 2: "activité 2", 3: "activité 3", 4: "anesthésie (4)", 5: "activité 5"}


def act_row(line: ActLine, kept: bool) -> str:
    """One act line: code, label (cut to the line, whole on hover), then where it comes from: the score and
    count of mentions of a proposal, or the RUM, an earlier validation, the coder. The product's notes on it
    show on hover."""
    if line.origin == "proposed":
        count = len(line.evidence)
        score = format_score(line.score) if line.score is not None else ""
        origin = f"{score} · {count} mention{'s' if count > 1 else ''}" if count else f"{score} · aucune mention"
    else:
        origin = ACT_ORIGINS.get(line.origin, "")
    notes = html.escape(" ; ".join(line.notes))
    title = f' title="{notes}"' if notes else ""
    label = html.escape(line.label or "libellé CCAM inconnu")
    mark = "✓ " if kept else ""
    return (
        f'<div data-act="{html.escape(line.key)}" data-act-code="{html.escape(line.code)}" '
        f'data-act-kept="{int(kept)}" style="display:flex;gap:4px;line-height:1.3"{title}>'
        f'<span style="white-space:nowrap">{mark}<b>{html.escape(line.code)}</b></span>'
        f'<span title="{label}" style="flex:1 1 auto;min-width:0;overflow:hidden;text-overflow:ellipsis;'
        f'white-space:nowrap">{label}</span>'
        f'<span style="white-space:nowrap;color:#555;font-size:0.85rem">{html.escape(origin)}'
        f"{' ⚠' if line.notes else ''}</span></div>"
    )


def decided_acts_text(acts: object) -> str:
    """The acts of a saved decision for the history ("actes HMFC004 (4) 02/03/2025, …"), from its audit
    details; "aucun acte" when reviewed with none."""
    if not isinstance(acts, list) or not acts:
        return "aucun acte"
    shown = []
    for act in acts:
        if not isinstance(act, dict):
            continue
        day = str(act.get("date") or "")
        when = f" {day[8:10]}/{day[5:7]}/{day[:4]}" if len(day) == 10 else " sans date"
        activity = act.get("activity")
        shown.append(f"{act.get('code', '?')}" + (f" (activité {activity})" if activity != 1 else "") + when)
    return "actes " + ", ".join(shown)
