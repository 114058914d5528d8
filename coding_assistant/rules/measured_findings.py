"""A biological disorder the letter names and its own measurement confirms.

A letter that writes « hypokaliémie » and reports « kaliémie 3,1 mmol/L » has established the disorder: the
value is in the range the disorder's name means. Such a disorder, current and affirmed, is coded as a DAS
(ATIH Guide méthodologique MCO, chapitre IV: an associated diagnosis is a condition that weighed on the care,
which a documented abnormal value with the disorder named in the letter shows), whatever the fused probability,
which learnt from letters that name many disorders in passing. The disorders, the measurement that confirms
each and its limit are data (`terminologies/rules/measured_findings.csv`), the limits those of the usual
reference ranges (the disorder's definition).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from coding_assistant.errors import TerminologyFileError
from coding_assistant.rules.data import DEFAULT_RULES_DIR, parse_range, read_rows
from coding_assistant.rules.ranges import CodeRange
from coding_assistant.text.measurements import Measurement, of_kind

MEASURED_FINDINGS_FILE = "measured_findings.csv"


@dataclass(frozen=True, slots=True)
class MeasuredFinding:
    codes: CodeRange
    kind: str  # the measurement kind (text.measurements): kaliemie, natremie …
    below: bool  # the disorder is a value below `limit` (else above it)
    limit: float
    basis: str

    def confirmed_by(self, measurements: Sequence[Measurement]) -> bool:
        values = [m.value for m in of_kind(measurements, self.kind)]
        if not values:
            return False
        return min(values) < self.limit if self.below else max(values) > self.limit


def read_measured_findings(path: Path) -> tuple[MeasuredFinding, ...]:
    findings = []
    for line, row in enumerate(read_rows(path), start=2):
        direction = row.get("direction", "")
        if direction not in ("below", "above"):
            raise TerminologyFileError(f"{path}:{line}: direction must be 'below' or 'above'")
        try:
            limit = float(row.get("limit", ""))
        except ValueError:
            raise TerminologyFileError(f"{path}:{line}: the limit must be a number") from None
        codes = parse_range(path, line, row.get("code_from", ""), row.get("code_to", ""))
        findings.append(MeasuredFinding(codes, row.get("kind", ""), direction == "below", limit, row.get("basis", "")))
    return tuple(findings)


@lru_cache(maxsize=4)
def _findings(directory: str) -> tuple[MeasuredFinding, ...]:
    return read_measured_findings(Path(directory) / MEASURED_FINDINGS_FILE)


def measured_finding(
    code: str, measurements: Sequence[Measurement], directory: Path | str = DEFAULT_RULES_DIR
) -> MeasuredFinding | None:
    """The rule by which the letter's measurements confirm the disorder `code` names, or None."""
    return next((f for f in _findings(str(directory)) if code in f.codes and f.confirmed_by(measurements)), None)
