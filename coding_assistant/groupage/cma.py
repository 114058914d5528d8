"""CMA level of each DAS and whether it counts, with the reason (Manuel des GHM 2026, volume 1, annexes 4–5).

Rules, in the order they are tested:
1. the DAS must be on the CMA list (annex 4), which gives its level 2, 3 or 4;
2. a DAS that repeats the DP or the DR is not a significant associated diagnosis and never counts;
3. the root exclusion list of the CMA (annex 4) names GHM roots where it does not count ("CMD26", root types…);
4. the DP exclusion list of the CMA (annex 5) names the DPs with which it does not count — the CMA's own
   category is almost always on it, so a DAS of the same category as the DP does not count; the DR is tested
   against the same list, as it qualifies the DP;
5. a CMA raises the level only if the stay lasts long enough for that level (see `severity.MIN_DAYS`): below,
   it counts for the highest level the length of stay allows, or not at all under 3 days;
6. roots without levels 1–4 (Z, E, A–D) and short stays (J, T) do not use CMAs.
"""

from __future__ import annotations

from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from coding_assistant.groupage.codes import CodeRangeList, atih, root_item_covers
from coding_assistant.groupage.model import CmaVerdict
from coding_assistant.groupage.severity import MIN_DAYS, cap_by_length
from coding_assistant.groupage.tables import locate, read_json


class CmaTable:
    """The CMA list of one year, with its DP and root exclusion lists, compiled for quick tests."""

    def __init__(self, raw: dict[str, Any], year: str) -> None:
        self.year = year
        self.millesime = str(raw.get("millesime", ""))
        self.entries: dict[str, tuple[int, int | None, int | None]] = {}
        for code, level, dp_list, root_list in raw["cma"]:
            self.entries[atih(code)] = (int(level), dp_list, root_list)
        self._dp_raw: dict[str, list[str]] = raw["dp"]
        self._dp_lists: dict[int, CodeRangeList] = {}
        self.root_lists: dict[int, tuple[str, ...]] = {int(k): tuple(v) for k, v in raw["racines"].items()}
        self.dp_exclusion = lru_cache(maxsize=262_144)(self._dp_exclusion)

    def level(self, code: str) -> int | None:
        entry = self.entries.get(code)
        return entry[0] if entry else None

    def _dp_list(self, list_id: int) -> CodeRangeList:
        compiled = self._dp_lists.get(list_id)
        if compiled is None:
            compiled = self._dp_lists[list_id] = CodeRangeList(self._dp_raw[str(list_id)])
        return compiled

    def _dp_exclusion(self, code: str, dp: str) -> tuple[int, str] | None:
        """(annex-5 list, element) that excludes the CMA `code` when `dp` is the DP, or None."""
        entry = self.entries.get(code)
        if entry is None or entry[1] is None:
            return None
        item = self._dp_list(entry[1]).first_cover(dp)
        return (entry[1], item) if item is not None else None

    def root_exclusion(self, code: str, root: str) -> tuple[int, str] | None:
        """(annex-4 root list, element) that excludes the CMA `code` in the GHM root `root`, or None."""
        entry = self.entries.get(code)
        if entry is None or entry[2] is None:
            return None
        for item in self.root_lists.get(entry[2], ()):
            if root_item_covers(item, root):
                return entry[2], item
        return None

    def verdicts(
        self,
        dp: str,
        dr: str | None,
        das: tuple[str, ...],
        root: str | None,
        length_of_stay: int,
        levels_unused: str | None = None,
    ) -> list[CmaVerdict]:
        """One verdict per distinct DAS, in coding order. `levels_unused` says why the GHM does not use CMAs
        (a root without levels 1–4, a short stay), None when it does."""
        out: list[CmaVerdict] = []
        for code in dict.fromkeys(das):
            out.append(self._verdict(code, dp, dr, root, length_of_stay, levels_unused))
        return out

    def _verdict(
        self, code: str, dp: str, dr: str | None, root: str | None, days: int, levels_unused: str | None
    ) -> CmaVerdict:
        level = self.level(code)
        if level is None:
            return CmaVerdict(code, None, False, f"not on the {self.year} CMA list")
        if code == dp:
            return CmaVerdict(code, level, False, "same code as the DP")
        if code == dr:
            return CmaVerdict(code, level, False, "same code as the DR")
        if root and (hit := self.root_exclusion(code, root)):
            return CmaVerdict(code, level, False, f"excluded in root {root} (annex 4, root list {hit[0]}: {hit[1]})")
        for role, diagnosis in (("DP", dp), ("DR", dr)):
            if diagnosis and (found := self.dp_exclusion(code, diagnosis)):
                same = "; same category as the " + role if code[:3] == diagnosis[:3] else ""
                return CmaVerdict(
                    code,
                    level,
                    False,
                    f"excluded by the {role} {diagnosis} (annex 5, list {found[0]}: {found[1]}){same}",
                )
        if levels_unused:
            return CmaVerdict(code, level, False, levels_unused)
        if days < MIN_DAYS[level]:
            allowed = cap_by_length(level, days)
            need = f"level {level} needs a stay of at least {MIN_DAYS[level]} days (this stay: {days})"
            if allowed <= 1:
                return CmaVerdict(code, level, False, need)
            return CmaVerdict(code, level, True, f"counts as level {allowed}: {need}")
        return CmaVerdict(code, level, True, f"level {level}, not excluded by the DP, the DR or the root")


@cache
def load_cma_table(directory: Path | None = None) -> CmaTable:
    """The CMA list of the shipped tables (or a site folder), read on first use and kept: the grouper and the
    proposals' comorbidity rule share it. GroupingTableError when the tables cannot be found or read."""
    files = locate(directory)
    return CmaTable(read_json(files["cma"]), files["cma"].year)
