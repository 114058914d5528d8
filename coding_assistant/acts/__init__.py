"""CCAM acts proposed from a stay's documents (operative reports first, then letters), ranked, selected only
on affirmed evidence, with their activity, phase, date and PMSI checks.

Public API:
- `ActProposer(catalogue=None, settings=None).propose(stay, dp, dr, das, learned=None)` -> (act lines, stay
  warnings); `learned`: the classifier's act heads (`LearnedActs`), when the model has them
- `default_proposer()`: one proposer per process on the configured CCAM folder
- `propose_acts(stay, {"DP": [...], "DR": [...], "DAS": [...]})`: what the proposal pipeline calls
- `check_act(code, activity, phase, day, catalogue, sex=, age=, admission=, discharge=)` -> list[RuleWarning]
The lexicon and rule lists live in `coding_assistant/acts/data/` (see its README).
"""

from collections.abc import Mapping, Sequence
from functools import lru_cache

from coding_assistant.acts.catalogue import ActCatalogue, build_catalogue, default_catalogue
from coding_assistant.acts.checks import check_act, check_delivery_acts
from coding_assistant.acts.proposer import ActProposer, ActSettings, LearnedActs
from coding_assistant.config import get_settings
from coding_assistant.schema import ActProposal, Note, Stay
from coding_assistant.text.qualifiers import QualifierEngine


@lru_cache(maxsize=4)
def _proposer(probable_is_hypothetical: bool, engine: QualifierEngine) -> ActProposer:
    """One proposer per setting and process, on the configured CCAM folder. `probable_is_hypothetical` False:
    for a DIM that codes "probable" diagnoses, "probable X" acts are not hypothetical either."""
    settings = ActSettings(probable_is_hypothetical=probable_is_hypothetical, qualifier_engine=engine)
    return ActProposer(default_catalogue(), settings)


def default_proposer() -> ActProposer:
    """The proposer of the settings (`CODING_ASSISTANT_QUALIFIER_ENGINE`, read here at the package's edge)."""
    return _proposer(True, get_settings().qualifier_engine)


def propose_acts(
    stay: Stay,
    diagnoses: Mapping[str, Sequence[str]],
    probable_is_hypothetical: bool = True,
    engine: QualifierEngine = "rules",
    learned: LearnedActs | None = None,
) -> tuple[list[ActProposal], list[Note]]:
    """The stay's act lines and stay warnings; `diagnoses` maps "DP", "DR" and "DAS" to the chosen codes (for
    the delivery check); `engine` qualifies the act mentions (the pipeline passes its setting); `learned`: the
    classifier's act heads, when the model has them."""
    proposer = _proposer(probable_is_hypothetical, engine)
    first = {role: next(iter(diagnoses.get(role, ())), None) for role in ("DP", "DR")}
    return proposer.propose(stay, first["DP"], first["DR"], list(diagnoses.get("DAS", ())), learned)


__all__ = [
    "ActCatalogue",
    "ActProposer",
    "ActSettings",
    "LearnedActs",
    "build_catalogue",
    "check_act",
    "check_delivery_acts",
    "default_catalogue",
    "default_proposer",
    "propose_acts",
]
