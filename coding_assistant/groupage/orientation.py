"""The CMD a DP leads to, read from the D-lists (Manuel des GHM, volume 1: the DP decides the CMD; volume 2
lists the DPs of each CMD, which the medical D-lists of each CMD tree share out).

Order of the look-up, each step after the first adding a warning:
1. the medical lists of the CMD trees ("D-0101" … "D-2399"): their CMD column;
2. the same lists, by the DP's parent codes (a code newer than the 2024 lists: I2100 -> I210 -> I21);
3. the chapters the manual gives whole to one CMD: XV (O00–O99) to CMD 14, burns and frostbite (T20–T35) to CMD 22;
4. the other D-lists holding the code (or a parent), by the CMD trees that test them (CMD 14's lists only
   for chapter XV codes: they name other codes as complications of a pregnancy);
5. none: the stay goes to the error GHM 90Z00Z.
A code on the lists of both CMD 12 (male genital) and CMD 13 (female genital) goes by the patient's sex.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

from coding_assistant.groupage.lists import ORIENTATION_LIST_RE, ListIndex

DP_CMDS = {f"{n:02d}" for n in range(1, 24)}
SEX_CMDS = {"12": "M", "13": "F"}
# (first, last category, CMD): chapters and blocks a CMD takes whole.
WHOLE_RANGES = (("O00", "O99", "14"), ("T20", "T35", "22"))


class Orientation:
    def __init__(self, lists: ListIndex, tested_in: dict[str, frozenset[str]]) -> None:
        """`tested_in`: D-list -> the CMDs whose trees test it."""
        self._lists = lists
        self._tested_in = tested_in
        self.cmd_of = lru_cache(maxsize=65_536)(self._cmd_of)

    def _cmds(self, names: frozenset[str]) -> set[str]:
        cmds: set[str] = set()
        for name in names:
            if ORIENTATION_LIST_RE.match(name):
                cmds |= self._lists.diagnosis_list_cmds.get(name, frozenset()) & DP_CMDS
        return cmds

    def _cmd_of(self, dp: str, sex: str | None) -> tuple[str | None, str | None]:
        """(CMD, note) for a DP; the note says how the CMD was found when it is not the plain case."""
        for end in range(len(dp), 2, -1):
            code = dp[:end]
            names = self._lists.diagnosis.get(code)
            if not names:
                continue
            cmds = self._cmds(names)
            if cmds:
                note = None if code == dp else f"DP {dp} absent from the D-lists: CMD of its parent {code}"
                return self._one(cmds, sex, dp, note)
        for first, last, cmd in WHOLE_RANGES:
            if first <= dp[:3] <= last:
                return cmd, f"DP {dp} on no medical list of a CMD tree: CMD {cmd} takes {first}–{last}"
        for end in range(len(dp), 2, -1):
            names = self._lists.diagnosis.get(dp[:end])
            if not names:
                continue
            votes = Counter(
                cmd
                for name in sorted(names)
                for cmd in self._tested_in.get(name, frozenset())
                if cmd in DP_CMDS and (cmd != "14" or dp.startswith("O"))
            )
            if votes:
                cmd = max(sorted(votes), key=lambda c: votes[c])
                return cmd, f"DP {dp} on no medical list of a CMD tree: CMD {cmd}, whose tree tests its other lists"
        return None, f"DP {dp} is on no D-list that orients: no CMD"

    @staticmethod
    def _one(cmds: set[str], sex: str | None, dp: str, note: str | None) -> tuple[str, str | None]:
        if len(cmds) == 1:
            return next(iter(cmds)), note
        by_sex = [cmd for cmd in sorted(cmds) if SEX_CMDS.get(cmd) == sex]
        if by_sex:
            return by_sex[0], note
        chosen = sorted(cmds)[0]
        return chosen, f"DP {dp} leads to CMD {', '.join(sorted(cmds))}: CMD {chosen} kept (sex unknown)"
