"""Which labels a model learns: codes and 3-character categories seen often enough in training, the DP's
category, and the CCAM acts of the stays whose acts were coded."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from coding_assistant.schema import Stay

CODE = "code"
CATEGORY = "category"
# "This category holds the stay's principal diagnosis": a head that helps choose the DP among the codes.
DP_CATEGORY = "dp_category"
# "This CCAM act was done during the stay": learnt from the stays whose acts were coded (`codes.acts` not None),
# read by the act proposer (coding_assistant.acts), never a diagnosis candidate.
ACT = "act"
DIAGNOSIS_LEVELS = frozenset({CODE, CATEGORY, DP_CATEGORY})


@dataclass(frozen=True)
class LabelSet:
    labels: list[str]
    levels: list[str]

    def __len__(self) -> int:
        return len(self.labels)

    def targets(self, stays: Sequence[Stay]) -> np.ndarray:
        """A (stays, labels) 0/1 matrix: a stay has a code label if coded with it, a category label if
        coded with any code of the category, a DP-category label if its DP is in that category."""
        position = {(level, label): j for j, (label, level) in enumerate(zip(self.labels, self.levels, strict=True))}
        y = np.zeros((len(stays), len(self.labels)), dtype=np.int8)
        for i, stay in enumerate(stays):
            for code in stay.codes.all_codes() if stay.codes else ():
                for key in ((CODE, code), (CATEGORY, code[:3])):
                    j = position.get(key)
                    if j is not None:
                        y[i, j] = 1
            if stay.codes and stay.codes.dp:
                j = position.get((DP_CATEGORY, stay.codes.dp[:3]))
                if j is not None:
                    y[i, j] = 1
            for act in stay.codes.act_codes() if stay.codes else ():
                j = position.get((ACT, act))
                if j is not None:
                    y[i, j] = 1
        return y


def learns_acts(stays: Sequence[Stay]) -> bool:
    """True when every stay has its acts coded, at least one act among them."""
    coded = [stay.codes.acts for stay in stays if stay.codes is not None]
    return bool(coded) and all(acts is not None for acts in coded) and any(coded)


def choose_labels(stays: Sequence[Stay], min_count: int) -> LabelSet:
    """Codes, categories, DP categories and acts present in at least `min_count` training stays, most frequent
    first within each level. Acts are learnt only when every training stay has its acts coded (`codes.acts`
    not None, `[]` for none done): a stay whose acts are unknown would teach each act's head that it was not
    done (`learns_acts`)."""
    codes: Counter[str] = Counter()
    categories: Counter[str] = Counter()
    dp_categories: Counter[str] = Counter()
    acts: Counter[str] = Counter()
    for stay in stays:
        if stay.codes is None:
            continue
        present = stay.codes.all_codes()
        codes.update(set(present))
        categories.update({code[:3] for code in present})
        if stay.codes.dp:
            dp_categories[stay.codes.dp[:3]] += 1
        acts.update(stay.codes.act_codes())
    if not learns_acts(stays):
        acts.clear()
    labels: list[str] = []
    levels: list[str] = []
    for counter, level in ((codes, CODE), (categories, CATEGORY), (dp_categories, DP_CATEGORY), (acts, ACT)):
        for label, count in sorted(counter.items(), key=lambda item: (-item[1], item[0])):
            if count >= min_count:
                labels.append(label)
                levels.append(level)
    return LabelSet(labels, levels)
