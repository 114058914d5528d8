"""The cue lists of each qualifier, as the rules engine reads them: edsnlp's vocabulary with our changes.

The same assembly as the edsnlp engine's pipes (`edsnlp_qualifiers._build`): edsnlp's lists
(`patterns.edsnlp_cues`, its verbs already conjugated) plus the additions and minus the drops of
`patterns.qualifiers`. A role says where a cue acts within its segment of sentence:

- "preceding": on the mentions after it; "following": on the mentions before it;
- "pseudo": hides the shorter cues it overlaps ("pas de changement" is no "pas de"), acts on nothing;
- "segment": on every mention of its segment (family, history);
- "termination": ends a segment ("mais", "et", ",", "(").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from coding_assistant.text.patterns import edsnlp_cues as E
from coding_assistant.text.patterns import qualifiers as P

Qualifier = Literal["negation", "hypothesis", "family", "history", "termination"]
Role = Literal["preceding", "following", "pseudo", "segment", "termination"]


@dataclass(frozen=True, slots=True)
class CueList:
    qualifier: Qualifier
    role: Role
    phrases: tuple[str, ...]  # matched word for word, case and accents ignored
    regexes: tuple[str, ...] = ()  # matched on the lower-cased text, accents as written (see HISTORY_REGEX)


def _without(items: Sequence[str], dropped: Sequence[str]) -> tuple[str, ...]:
    return tuple(item for item in items if item not in set(dropped))


def qualifier_cues() -> tuple[CueList, ...]:
    return (
        CueList("termination", "termination", E.TERMINATION),
        CueList(
            "negation",
            "preceding",
            (*E.NEGATION_PRECEDING, *P.ADD_NEGATION_PRECEDING, *E.NEGATION_VERBS_PRECEDING),
            E.NEGATION_PRECEDING_REGEX,
        ),
        CueList(
            "negation",
            "following",
            (
                *_without(E.NEGATION_FOLLOWING, P.DROP_NEGATION_FOLLOWING),
                *P.ADD_NEGATION_FOLLOWING,
                *E.NEGATION_VERBS_FOLLOWING,
            ),
        ),
        CueList("negation", "pseudo", (*E.NEGATION_PSEUDO, *P.ADD_NEGATION_PSEUDO)),
        CueList(
            "hypothesis",
            "preceding",
            (
                *_without(E.HYPOTHESIS_PRECEDING, P.DROP_HYPOTHESIS_PRECEDING),
                *P.ADD_HYPOTHESIS_PRECEDING,
                *E.HYPOTHESIS_VERBS_PRECEDING,
            ),
        ),
        CueList(
            "hypothesis",
            "following",
            (*E.HYPOTHESIS_FOLLOWING, *P.ADD_HYPOTHESIS_FOLLOWING, *E.HYPOTHESIS_VERBS_FOLLOWING),
        ),
        CueList("hypothesis", "pseudo", (*E.HYPOTHESIS_PSEUDO, *P.ADD_HYPOTHESIS_PSEUDO)),
        # Family cues are ours alone: edsnlp's list names spouses and children, mostly caregivers in letters.
        CueList("family", "segment", P.FAMILY),
        CueList("history", "segment", (*E.HISTORY, *P.ADD_HISTORY), P.HISTORY_REGEX),
    )
