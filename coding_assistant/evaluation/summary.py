"""The evaluation's figures as a compact plain-text table for the terminal (`coding-assistant evaluate`)."""

from __future__ import annotations

from coding_assistant.evaluation.result import EvaluationResult


def _f(value: float) -> str:
    return f"{value:.3f}"


def summary_table(result: EvaluationResult) -> str:
    """A compact plain-text summary for the terminal."""
    c = result.counts
    lines = [
        f"stays {c.stays} (with prediction {c.stays_with_prediction}, without selected DP "
        f"{c.stays_without_predicted_dp}) · gold codes {c.gold_codes} · selected {c.selected_codes} "
        f"· proposals {c.proposals}",
        "",
        f"{'level':<8}{'DP acc':>8}{'micro P':>9}{'micro R':>9}{'micro F1':>10}"
        f"{'macro P':>9}{'macro R':>9}{'macro F1':>10}",
    ]
    for level, scores in result.selected.items():
        lines.append(
            f"{level:<8}{_f(result.dp_accuracy[level]):>8}{_f(scores.micro.precision):>9}"
            f"{_f(scores.micro.recall):>9}{_f(scores.micro.f1):>10}{_f(scores.macro.precision):>9}"
            f"{_f(scores.macro.recall):>9}{_f(scores.macro.f1):>10}"
        )
    lines.append("")
    for level, ranking in result.ranking.items():
        cells = "  ".join(
            f"R@{k} {_f(ranking.recall_at[k])} P@{k} {_f(ranking.precision_at[k])}" for k in sorted(ranking.recall_at)
        )
        lines.append(f"{level:<8}{cells}")
    lines += [
        "",
        f"negation errors {result.negation.count} (rate {_f(result.negation.rate)} of selected codes)",
        f"ECE {_f(result.calibration.ece)} over {result.calibration.proposals} proposals",
        "",
        f"{'chapter':<8}{'support':>8}{'P':>7}{'R':>7}{'F1':>7}",
    ]
    for chapter in result.chapters:
        lines.append(
            f"{chapter.chapter:<8}{chapter.support:>8}{_f(chapter.precision):>7}{_f(chapter.recall):>7}"
            f"{_f(chapter.f1):>7}"
        )
    return "\n".join(lines)
