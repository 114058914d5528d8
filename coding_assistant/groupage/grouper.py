"""One stay's grouping preview: tree walk, CMA verdicts, severity, GHM, GHS and tariff.

    from coding_assistant.groupage import StayFacts, group_stay
    result = group_stay(StayFacts("s1", dp="J189", das=("E440",), length_of_stay=6, age=70, sex="F"))
    result.ghm, result.tariff_eur, [v.as_dict() for v in result.cma]

Every result carries `preview`: an "aperçu de groupage" with the years of its tables, never the ATIH function.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from coding_assistant.groupage.cma import load_cma_table
from coding_assistant.groupage.lists import ListIndex, mismatch_report
from coding_assistant.groupage.model import GroupingResult, StayFacts
from coding_assistant.groupage.severity import severity, uses_cmas
from coding_assistant.groupage.tables import locate, preview_label, read_csv, read_json
from coding_assistant.groupage.tariff import GhsTable, price
from coding_assistant.groupage.tree import GhmTree, WalkOutcome

GHS_COLUMNS = ("ghs", "ghm", "low_bound_days", "high_bound_days", "tariff_eur", "low_stay_rebate_eur", "extra_day_eur")


class Grouper:
    """The tables of one site (or the shipped ones), loaded once, and the preview of a stay."""

    def __init__(self, directory: Path | None = None) -> None:
        self.files = locate(directory)
        files = self.files
        self.lists = ListIndex.from_rows(
            read_csv(files["diagnosis_lists"], ("list", "cmd", "code")),
            read_csv(files["act_lists"], ("list", "ccam_code")),
        )
        self.cma = load_cma_table(directory)
        self.tree = GhmTree(read_json(files["tree"]), self.lists)
        self.ghs = GhsTable(
            read_csv(files["ghs"], GHS_COLUMNS),
            files["ghs"].year,
        )
        self.labels = {row["ghm"]: row["ghm_libelle"] for row in read_csv(files["ghm_labels"], ("ghm", "ghm_libelle"))}
        roots = read_json(files["roots"])
        self.root_labels = {str(values[1]): str(values[2]) for values in roots["valeurs"]}
        self.cmd_labels = {row["cmd"]: row["label"] for row in read_csv(files["cmd_labels"], ("cmd", "label"))}
        self.preview = preview_label(files)

    def group(self, facts: StayFacts) -> GroupingResult:
        walk = self.tree.walk(facts)
        state = walk.state
        warnings = state.warnings
        if walk.kind == "ghm" and walk.leaf is not None:
            return self._grouped(facts, walk, warnings)
        ghm = walk.error_root or "90Z03Z"
        cma = self.cma.verdicts(
            facts.dp, facts.dr, facts.das, None, facts.length_of_stay, f"error GHM {ghm}: CMAs do not apply"
        )
        result = GroupingResult(
            stay_id=facts.stay_id,
            cmd=ghm[:2],
            ghm=ghm,
            ghm_label=self._label(ghm),
            severity=ghm[5:],
            price=None,
            cma=cma,
            path=state.path,
            warnings=[*warnings, f"error GHM {ghm}: {walk.reason}"],
            preview=self.preview,
        )
        return result

    def _grouped(self, facts: StayFacts, walk: WalkOutcome, warnings: list[str]) -> GroupingResult:
        leaf = walk.leaf
        assert leaf is not None
        nights = facts.length_of_stay
        if uses_cmas(leaf, nights):
            cma = self.cma.verdicts(facts.dp, facts.dr, facts.das, leaf.root, nights)
            outcome = severity(leaf, facts, [v.level for v in cma if v.counts and v.level])
        else:
            outcome = severity(leaf, facts, [])
            cma = self.cma.verdicts(facts.dp, facts.dr, facts.das, leaf.root, nights, outcome.cma_unused)
        warnings = [*warnings, *outcome.warnings]
        ghm = leaf.root + outcome.letter
        row, others = self.ghs.default(ghm)
        priced = price(row, facts.length_of_stay) if row else None
        if row is None:
            warnings.append(f"GHM {ghm} has no GHS in the {self.ghs.year} public tariffs: no tariff")
        elif others:
            warnings.append(
                f"GHS {row.ghs} priced; GHS {', '.join(map(str, others))} of this GHM depend on conditions "
                "(authorisation, unit, particular care) the codes do not show"
            )
        return GroupingResult(
            stay_id=facts.stay_id,
            cmd=ghm[:2],
            ghm=ghm,
            ghm_label=self._label(ghm),
            severity=outcome.letter,
            price=priced,
            cma=cma,
            path=walk.state.path,
            warnings=warnings,
            preview=self.preview,
            severity_steps=outcome.steps,
        )

    def _label(self, ghm: str) -> str:
        label = self.labels.get(ghm) or self.ghs.label(ghm)
        if label:
            return label
        root = self.root_labels.get(ghm[:5], "")
        return f"{root}, {ghm[5:]}" if root else ""

    def mismatch_report(self) -> dict[str, Any]:
        years = {
            "trees": self.files["tree"].year,
            "diagnosis_lists": self.files["diagnosis_lists"].year,
            "act_lists": self.files["act_lists"].year,
        }
        report = mismatch_report(self.tree.tree_lists, self.lists, years)
        report["preview"] = self.preview
        return report

    def coverage(self) -> dict[str, Any]:
        return self.tree.coverage.as_dict()


@cache
def default_grouper(directory: Path | None = None) -> Grouper:
    """The grouper of the shipped tables (or a site folder), built on first use and kept."""
    return Grouper(directory)


def group_stay(facts: StayFacts, grouper: Grouper | None = None) -> GroupingResult:
    return (grouper or default_grouper()).group(facts)
