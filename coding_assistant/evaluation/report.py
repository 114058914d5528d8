"""A one-file HTML report of an evaluation, written for DIM physicians and TIM coders (in French).

The file is self-contained (inline CSS, charts drawn as inline SVG, no script, no external resource), so it
can be mailed or opened on a hospital workstation with no network. Every text coming from the data is
escaped.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape
from pathlib import Path

from coding_assistant.evaluation.result import (
    Calibration,
    ChapterScores,
    EvaluationResult,
    NegationErrors,
)

# Beyond this many rows the negation-error table is cut: the report stays light, the JSON has them all.
MAX_NEGATION_ROWS = 200

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #1f2933;
       max-width: 980px; margin: 2rem auto; padding: 0 1rem; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
h2 { font-size: 1.2rem; margin-top: 2.2rem; border-bottom: 1px solid #d9e2ec; padding-bottom: .2rem; }
.sub { color: #52606d; margin-top: 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: .8rem; }
.card { border: 1px solid #d9e2ec; border-radius: 6px; padding: .7rem .9rem; background: #f8fafc; }
.card .value { font-size: 1.6rem; font-weight: 600; }
.card .name { font-weight: 600; }
.card .why { color: #52606d; font-size: .9rem; }
table { border-collapse: collapse; margin: .6rem 0; font-size: .92rem; }
th, td { border-bottom: 1px solid #e4e7eb; padding: .25rem .6rem; text-align: left; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.note { color: #52606d; font-size: .88rem; }
svg { max-width: 100%; height: auto; }
svg text { font-family: inherit; }
"""


# ----------------------------------------------------------------------------------------------- formatting


def fr_number(value: float | None, digits: int = 2) -> str:
    """0.625 -> '0,63' (French decimal comma); None -> '—'."""
    if value is None:
        return "—"
    return f"{value:.{digits}f}".replace(".", ",")


def fr_int(value: int) -> str:
    """12345 -> '12 345' (narrow no-break space, the French thousands separator)."""
    return f"{value:,}".replace(",", "\u202f")


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]], numeric_from: int = 1) -> str:
    """An HTML table; cells are escaped here, columns from `numeric_from` on are right-aligned."""

    def cell(tag: str, index: int, text: str) -> str:
        css = ' class="num"' if index >= numeric_from else ""
        return f"<{tag}{css}>{escape(text)}</{tag}>"

    head = "".join(cell("th", i, h) for i, h in enumerate(headers))
    body = "".join("<tr>" + "".join(cell("td", i, c) for i, c in enumerate(row)) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


# ----------------------------------------------------------------------------------------------- sections


def _card(name: str, value: str, why: str) -> str:
    return (
        f'<div class="card"><div class="name">{escape(name)}</div>'
        f'<div class="value">{escape(value)}</div><div class="why">{escape(why)}</div></div>'
    )


def headline_section(result: EvaluationResult) -> str:
    micro = result.selected["exact"].micro
    cards = [
        _card(
            "DP exact",
            fr_number(result.dp_accuracy["exact"]),
            "part des séjours où le diagnostic principal proposé est exactement celui codé",
        ),
        _card(
            "DP, même catégorie",
            fr_number(result.dp_accuracy["3char"]),
            "part des séjours où le DP proposé a les 3 mêmes premiers caractères (ex. I50) que le DP codé",
        ),
        _card(
            "Précision",
            fr_number(micro.precision),
            "part des codes pré-cochés par l'outil qui figurent dans le codage de référence",
        ),
        _card(
            "Rappel",
            fr_number(micro.recall),
            "part des codes du codage de référence (DP, DR, DAS) que l'outil a pré-cochés",
        ),
        _card(
            "F1", fr_number(micro.f1), "résumé de la précision et du rappel (moyenne harmonique) : 1 = codage identique"
        ),
        _card(
            "Rappel dans les 10 premières",
            fr_number(result.ranking["exact"].recall_at[10]),
            "part des codes de référence présents parmi les 10 premières propositions, cochées ou non",
        ),
        _card(
            "Erreur de calibration (ECE)",
            fr_number(result.calibration.ece),
            "écart moyen entre le score affiché et la fréquence réelle de codes justes ; 0 = scores fiables",
        ),
        _card(
            "Erreurs de négation",
            f"{fr_int(result.negation.count)} ({fr_number(result.negation.rate)})",
            "codes pré-cochés dont toutes les mentions sont niées, hypothétiques ou familiales "
            "(entre parenthèses : part des codes pré-cochés)",
        ),
    ]
    return '<h2>Chiffres clés</h2><div class="cards">' + "".join(cards) + "</div>"


def counts_line(result: EvaluationResult) -> str:
    c = result.counts
    return (
        f"{fr_int(c.stays)} séjours évalués ({fr_int(c.stays_with_prediction)} avec une proposition), "
        f"{fr_int(c.gold_codes)} codes de référence, {fr_int(c.selected_codes)} codes pré-cochés, "
        f"{fr_int(c.proposals)} propositions au total."
    )


_LEVEL_NAMES = {"exact": "code exact", "4char": "4 caractères", "3char": "3 caractères (catégorie)"}


def detail_section(result: EvaluationResult) -> str:
    selected_rows = []
    for level, scores in result.selected.items():
        selected_rows.append(
            [_LEVEL_NAMES[level], fr_number(result.dp_accuracy[level])]
            + [fr_number(v) for v in (scores.micro.precision, scores.micro.recall, scores.micro.f1)]
            + [fr_number(v) for v in (scores.macro.precision, scores.macro.recall, scores.macro.f1)]
        )
    selected = _table(
        ["Niveau", "DP", "Précision", "Rappel", "F1", "Précision (macro)", "Rappel (macro)", "F1 (macro)"],
        selected_rows,
    )
    ranking_rows = []
    for level, ranking_scores in result.ranking.items():
        for k in sorted(ranking_scores.recall_at):
            ranking_rows.append(
                [
                    f"{_LEVEL_NAMES[level]}, {k} premières",
                    fr_number(ranking_scores.recall_at[k]),
                    fr_number(ranking_scores.precision_at[k]),
                ]
            )
    ranking = _table(["Propositions lues", "Rappel", "Précision"], ranking_rows)
    return (
        "<h2>Détail par niveau de comparaison</h2>"
        '<p class="note">Codes pré-cochés comparés au codage de référence. « Macro » donne le même poids à '
        "chaque code, rare ou fréquent ; les autres colonnes comptent chaque code de chaque séjour.</p>"
        + selected
        + "<h2>Liste ordonnée des propositions</h2>"
        '<p class="note">Pour un codeur qui lit les k premières propositions : rappel = part des codes de '
        "référence qu'il y trouve ; précision = part de ces k lignes qui sont justes (divisé par k même si "
        "l'outil a proposé moins de k codes).</p>" + ranking
    )


def chapter_bar_chart(chapters: Sequence[ChapterScores]) -> str:
    """Horizontal bars of F1 per chapter, drawn as inline SVG."""
    label_width, bar_width, row, top = 330, 420, 24, 24
    height = top + row * len(chapters) + 10
    width = label_width + bar_width + 70
    parts = [
        f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="F1 par chapitre CIM-10">'
    ]
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        x = label_width + tick * bar_width
        parts.append(f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{height - 6}" stroke="#e4e7eb"/>')
        parts.append(
            f'<text x="{x:.1f}" y="{top - 10}" font-size="11" text-anchor="middle" fill="#52606d">'
            f"{fr_number(tick)}</text>"
        )
    for index, chapter in enumerate(chapters):
        y = top + index * row
        title = chapter.title if len(chapter.title) <= 40 else chapter.title[:39] + "…"
        label = f"{chapter.chapter} – {title}"
        tooltip = (
            f"Chapitre {chapter.chapter} ({chapter.title}) : F1 {fr_number(chapter.f1)}, "
            f"{chapter.support} codes de référence, {chapter.predicted} pré-cochés"
        )
        parts.append(
            f"<g><title>{escape(tooltip)}</title>"
            f'<text x="{label_width - 8}" y="{y + 15}" font-size="12" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{label_width}" y="{y + 3}" width="{chapter.f1 * bar_width:.1f}" height="{row - 8}" '
            f'fill="#3e7cb1" rx="2"/>'
            f'<text x="{label_width + chapter.f1 * bar_width + 6:.1f}" y="{y + 15}" font-size="12">'
            f"{fr_number(chapter.f1)} (n={chapter.support})</text></g>"
        )
    parts.append("</svg>")
    return "".join(parts)


def chapter_section(chapters: Sequence[ChapterScores]) -> str:
    head = "<h2>Par chapitre de la CIM-10</h2>"
    if not chapters:
        return head + "<p>Aucun code de référence ni code pré-coché.</p>"
    rows = [
        [
            f"{c.chapter} – {c.title}",
            fr_int(c.support),
            fr_int(c.predicted),
            fr_int(c.true_positives),
            fr_number(c.precision),
            fr_number(c.recall),
            fr_number(c.f1),
        ]
        for c in chapters
    ]
    table = _table(["Chapitre", "Codes de référence", "Codes pré-cochés", "Justes", "Précision", "Rappel", "F1"], rows)
    return (
        head + '<p class="note">F1 des codes pré-cochés, code exact ; n = nombre de codes de référence du '
        "chapitre (un chapitre peu représenté donne un chiffre fragile).</p>" + chapter_bar_chart(chapters) + table
    )


def reliability_diagram(calibration: Calibration) -> str:
    """Observed share of right codes per score bin against the diagonal of perfect calibration (inline SVG)."""
    size, left, top, bottom = 320, 56, 14, 46
    width, height = left + size + 20, top + size + bottom

    def x(value: float) -> float:
        return left + value * size

    def y(value: float) -> float:
        return top + (1 - value) * size

    parts = [
        f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="Diagramme de fiabilité des scores">',
        f'<rect x="{left}" y="{top}" width="{size}" height="{size}" fill="#f8fafc" stroke="#9aa5b1"/>',
    ]
    for tick in (0.0, 0.2, 0.4, 0.6, 0.8, 1.0):
        parts.append(
            f'<text x="{x(tick):.1f}" y="{top + size + 16}" font-size="11" text-anchor="middle" '
            f'fill="#52606d">{fr_number(tick, 1)}</text>'
            f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" font-size="11" text-anchor="end" '
            f'fill="#52606d">{fr_number(tick, 1)}</text>'
        )
    bar_width = size / len(calibration.bins) - 2
    for b in calibration.bins:
        if not b.count or b.observed_rate is None:
            continue
        tooltip = (
            f"Scores {fr_number(b.lower, 1)}–{fr_number(b.upper, 1)} : {b.count} proposition(s), "
            f"score moyen {fr_number(b.mean_score)}, justes {fr_number(b.observed_rate)}"
        )
        parts.append(
            f"<g><title>{escape(tooltip)}</title>"
            f'<rect x="{x(b.lower) + 1:.1f}" y="{y(b.observed_rate):.1f}" width="{bar_width:.1f}" '
            f'height="{b.observed_rate * size:.1f}" fill="#3e7cb1" fill-opacity="0.75"/>'
            # The dot sits at the bin's mean score: on the diagonal when the scores are right.
            f'<circle cx="{x(b.mean_score or 0.0):.1f}" cy="{y(b.observed_rate):.1f}" r="3.5" fill="#1f2933"/></g>'
        )
    parts.append(
        f'<line x1="{x(0)}" y1="{y(0)}" x2="{x(1)}" y2="{y(1)}" stroke="#c05621" stroke-width="1.5" '
        f'stroke-dasharray="5 4"/>'
        f'<text x="{x(0.5):.1f}" y="{top + size + 36}" font-size="12" text-anchor="middle">'
        "Score affiché par l'outil</text>"
        f'<text x="14" y="{y(0.5):.1f}" font-size="12" text-anchor="middle" '
        f'transform="rotate(-90 14 {y(0.5):.1f})">Part de codes justes</text>'
        "</svg>"
    )
    return "".join(parts)


def calibration_section(calibration: Calibration) -> str:
    head = "<h2>Fiabilité des scores</h2>"
    if not calibration.proposals:
        return head + "<p>Aucune proposition : rien à calibrer.</p>"
    rows = [
        [
            f"{fr_number(b.lower, 1)} – {fr_number(b.upper, 1)}",
            fr_int(b.count),
            fr_number(b.mean_score),
            fr_number(b.observed_rate),
        ]
        for b in calibration.bins
    ]
    return (
        head + '<p class="note">Chaque barre regroupe les propositions d\'une tranche de score ; sa hauteur est la '
        "part de ces propositions présentes dans le codage de référence ; le point marque leur score moyen. "
        f"Des scores fiables suivent la diagonale pointillée. ECE = {escape(fr_number(calibration.ece))} sur "
        f"{escape(fr_int(calibration.proposals))} propositions.</p>"
        + reliability_diagram(calibration)
        + _table(["Tranche de score", "Propositions", "Score moyen", "Part de justes"], rows)
    )


def negation_section(negation: NegationErrors) -> str:
    head = "<h2>Erreurs de négation</h2>"
    if not negation.count:
        return (
            head + "<p>Aucun code pré-coché ne repose uniquement sur des mentions niées, hypothétiques ou "
            "familiales.</p>"
        )
    names = {"negated": "niée", "hypothetical": "hypothétique", "family": "familiale"}
    rows = []
    for item in negation.items[:MAX_NEGATION_ROWS]:
        evidence = " ; ".join(
            f"« {text} » ({', '.join(names[q] for q in qualifiers)})" for text, qualifiers in item.evidence
        )
        rows.append([item.stay_id, item.code, fr_number(item.score), evidence])
    cut = len(negation.items) - MAX_NEGATION_ROWS
    more = f'<p class="note">… et {fr_int(cut)} autres (voir la sortie JSON).</p>' if cut > 0 else ""
    return (
        head + f"<p>{escape(fr_int(negation.count))} codes pré-cochés (part : {escape(fr_number(negation.rate))}) "
        "ne reposent que sur des mentions niées (« pas de »), hypothétiques (« suspicion de ») ou "
        "concernant un proche : ils ne devraient pas être codés comme affections du patient.</p>"
        + _table(["Séjour", "Code", "Score", "Mentions"], rows, numeric_from=2)
        + more
    )


# ----------------------------------------------------------------------------------------------- document


def render_report(result: EvaluationResult, title: str = "Évaluation du codage") -> str:
    """The whole HTML document as a string."""
    body = (
        f"<h1>{escape(title)}</h1>"
        f'<p class="sub">{escape(counts_line(result))}</p>'
        + headline_section(result)
        + chapter_section(result.chapters)
        + detail_section(result)
        + calibration_section(result.calibration)
        + negation_section(result.negation)
    )
    return (
        '<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>{body}</body></html>\n"
    )


def write_report(result: EvaluationResult, path: Path, title: str = "Évaluation du codage") -> Path:
    """Write the report to `path` atomically (a temporary file in the same folder, then a rename), so a
    reader never opens a half-written report; returns the path."""
    from coding_assistant.formats.atomic import atomic_write_text

    path = Path(path)
    atomic_write_text(path, render_report(result, title))  # OutputError when it cannot be written
    return path
