"""The grouping preview of the coder's current coding (coding_assistant.groupage): GHM, severity, GHS and
tariff, the CMA level of each DAS, and what each unselected candidate with evidence would add to the tariff.

No Streamlit here. A preview is computed per stay and coding and kept (`lru_cache`): a coder's clicks go back
and forth between a few codings, and a grouping takes well under a millisecond anyway (the tables are read
once per process, by `default_grouper`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from coding_assistant.groupage import Act, CodeWorth, GroupingResult, StayFacts, code_worth, facts_for, group_stay
from coding_assistant.schema import Codes, Stay
from coding_assistant.store import DecidedAct

CACHE_SIZE = 4096
ERROR_CMD = "90"
SEVERITY_LABELS = {
    "1": "niveau 1",
    "2": "niveau 2",
    "3": "niveau 3",
    "4": "niveau 4",
    "A": "niveau A",
    "B": "niveau B",
    "C": "niveau C",
    "D": "niveau D",
    "J": "ambulatoire (J)",
    "T": "très courte durée (T)",
    "Z": "non segmenté (Z)",
    "E": "décès (E)",
}


@dataclass(frozen=True, slots=True)
class Preview:
    ghm: str | None
    label: str
    severity: str
    ghs: int | None
    tariff_eur: float | None
    in_error: bool
    # DAS code -> (CMA level, whether it counts for the severity); codes absent are not CMAs.
    cma: dict[str, tuple[int, bool]]
    note: str  # the preview's own caveat (tables and years; not the ATIH grouping function)


def stay_facts(stay: Stay, codes: Codes, acts: Sequence[DecidedAct] = ()) -> StayFacts | None:
    """The facts the trees read, for this coding and its kept acts; None without a DP (nothing to group).
    The acts decide the surgical and interventional GHMs (the trees test them by list, activity and phase)."""
    kept = [Act(act.code, str(act.activity), str(act.phase)) for act in acts]
    return facts_for(stay, codes.dp, codes.dr, codes.das, kept)


@lru_cache(maxsize=CACHE_SIZE)
def _grouped(facts: StayFacts) -> GroupingResult:
    return group_stay(facts)


@lru_cache(maxsize=CACHE_SIZE)
def _worth(facts: StayFacts, code: str) -> CodeWorth:
    return code_worth(facts, code)


def preview(facts: StayFacts) -> Preview:
    result = _grouped(facts)
    in_error = (result.ghm or "").startswith(ERROR_CMD)  # CMD 90: the coding cannot be grouped
    return Preview(
        ghm=result.ghm,
        label=result.ghm_label,
        severity=SEVERITY_LABELS.get(result.severity or "", result.severity or "—"),
        ghs=result.ghs,
        tariff_eur=result.tariff_eur,
        in_error=in_error,
        cma={v.code: (v.level, v.counts) for v in result.cma if v.level},
        note=result.preview,
    )


def gain_if_coded(facts: StayFacts, code: str) -> float | None:
    """Euros the tariff would gain with `code` as a DAS (None: no tariff either way, or nothing gained)."""
    if code == facts.dp or code == facts.dr or code in facts.das:
        return None
    worth = _worth(facts, code).worth_eur
    return worth if worth is not None and worth > 0 else None
