"""The last character of the GHM: severity level 1–4, or the root's short-stay and fixed letters.

Rules of the Manuel des GHM, volume 1, on the severity levels (niveaux de sévérité) and the short-stay GHMs,
each tested in tests/groupage/test_groupage_severity.py on a worked example:

- `short_stay_letter`: a root that has an ambulatory GHM (J) takes it for a stay of 0 nights; a root that has a
  very-short-stay GHM (T) takes it for a stay of less than 2 nights. These come before any severity.
- `base_level`: the level of a stay is the highest level among its counting CMAs (see `cma.py`), 1 without.
- `age_effect`: in the roots the trees mark for it (volume 3, roots drawn with the age effect), a patient of
  80 years or more, or of less than 2 years, raises a level 1 or 2 by one level.
- `death_effect`: in the other cases, a stay ending in death (exit mode 9) is at least at level 2.
- `cap_by_length`: a level needs a minimum length of stay — level 2 at least 3 days, level 3 at least 4 days,
  level 4 at least 5 days; a shorter stay is lowered to the highest level its length allows (1 under 3 days).
- `lettered_level`: roots graded A–D (obstetrics, newborns, some others) get their letter from the tree; the
  same minimum lengths apply (B needs 3 days, C 4, D 5). The gestational-age adjustment of the obstetric
  roots needs an ATIH table that is not shipped: it is left out, with a warning.
- Z (no level) and E (death) letters are taken from the tree as they are.
The ATIH root table sets, root by root, the age thresholds (70 or 80 years), the highest level the age raises
and the T threshold (1 to 3 nights); it is not shipped, so the preview applies 80 years, 2 years, levels 1–2
and 2 nights to every root the trees mark.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from coding_assistant.groupage.model import StayFacts

MIN_DAYS: dict[int, int] = {1: 0, 2: 3, 3: 4, 4: 5}
SHORT_STAY_NIGHTS = 2  # T: "séjours de moins de 2 jours"
OLD_AGE = 80  # years, "80 ans et plus"
YOUNG_AGE = 2  # years, "moins de 2 ans"
AGE_RAISES_UP_TO = 2  # the age effect raises levels 1 and 2 only
DEATH_EXIT_MODE = "9"


@dataclass(frozen=True, slots=True)
class Leaf:
    """A GHM box of the trees: its root, the short-stay letter above (J/T), the letter(s) below (1 = levels 1–4,
    Z, E, A–D), and its colour (age: the age effect applies; age_gestationnel)."""

    root: str
    high: str | None
    low: str | None
    colour: str | None = None


@dataclass(slots=True)
class SeverityOutcome:
    letter: str
    level: int | None  # 1–4 for roots with levels, None otherwise
    steps: list[str] = field(default_factory=list)
    cma_unused: str | None = None  # why CMAs play no part here, None when they do
    warnings: list[str] = field(default_factory=list)


def cap_by_length(level: int, nights: int) -> int:
    """Highest level a stay of `nights` allows: level 2 needs 3 days, 3 needs 4 days, 4 needs 5 days."""
    if nights < MIN_DAYS[2]:
        return 1
    return max(1, min(level, nights - 1))


def short_stay_letter(leaf: Leaf, nights: int) -> str | None:
    """J for a 0-night stay in a root with an ambulatory GHM, T for a stay of less than 2 nights in a root with
    a very-short-stay GHM; None otherwise."""
    if leaf.high == "J" and nights == 0:
        return "J"
    if leaf.high == "T" and nights < SHORT_STAY_NIGHTS:
        return "T"
    return None


def base_level(counting_levels: list[int]) -> int:
    """Highest level among the counting CMAs, 1 when none counts."""
    return max([1, *counting_levels])


def age_effect(level: int, age: int | None, leaf: Leaf) -> tuple[int, str | None]:
    """Raise a level 1 or 2 by one for a patient ≥ 80 or < 2 years old, in the roots marked for it."""
    if leaf.colour != "age" or age is None or level > AGE_RAISES_UP_TO:
        return level, None
    if age >= OLD_AGE:
        return level + 1, f"age {age} ≥ {OLD_AGE} in root {leaf.root}: level {level} -> {level + 1}"
    if age < YOUNG_AGE:
        return level + 1, f"age {age} < {YOUNG_AGE} in root {leaf.root}: level {level} -> {level + 1}"
    return level, None


def death_effect(level: int, exit_mode: str | None) -> tuple[int, str | None]:
    """A stay ending in death is at least at level 2."""
    if exit_mode == DEATH_EXIT_MODE and level == 1:
        return 2, "death (exit mode 9): level 1 -> 2"
    return level, None


def lettered_level(letter: str, nights: int) -> tuple[str, str | None]:
    """A–D from the tree, lowered like levels 1–4 when the stay is too short for the letter."""
    level = ord(letter) - ord("A") + 1
    allowed = cap_by_length(level, nights)
    if allowed == level:
        return letter, None
    lowered = chr(ord("A") + allowed - 1)
    return lowered, f"{letter} needs at least {MIN_DAYS[level]} days (this stay: {nights}): {letter} -> {lowered}"


def uses_cmas(leaf: Leaf, nights: int) -> bool:
    """Do CMAs play a part for a stay of `nights` that reached `leaf` (levels 1–4, not a short stay)?"""
    return leaf.low == "1" and short_stay_letter(leaf, nights) is None


def severity(leaf: Leaf, facts: StayFacts, counting_levels: list[int]) -> SeverityOutcome:
    """The GHM's last character for a stay that reached `leaf`, given the levels of its counting CMAs."""
    nights = facts.length_of_stay
    short = short_stay_letter(leaf, nights)
    if short:
        why = "0-night stay: ambulatory GHM (J)" if short == "J" else "stay under 2 nights: very short stay GHM (T)"
        return SeverityOutcome(short, None, [why], cma_unused=f"short stay ({short}): CMAs do not change the GHM")
    low = leaf.low
    if low is None:  # a box with only a J: the tree reached it for a 0-night stay
        return SeverityOutcome("J", None, ["ambulatory-only root"], cma_unused="ambulatory-only root")
    if low in ("Z", "E"):
        unused = f"root {leaf.root} has no severity levels ({low}): CMAs do not change the GHM"
        return SeverityOutcome(low, None, [f"root {leaf.root} has no levels ({low})"], unused)
    if low in "ABCD":
        unused = f"root {leaf.root} is graded A–D by the tree: CMAs do not change the GHM"
        outcome = SeverityOutcome(low, None, [f"letter {low} from the tree"], unused)
        letter, step = lettered_level(low, nights)
        if step:
            outcome.steps.append(step)
        outcome.letter = letter
        if leaf.colour == "age_gestationnel":
            outcome.warnings.append("gestational-age adjustment of the level not applied (ATIH table not shipped)")
        return outcome
    level = base_level(counting_levels)
    steps = [f"highest counting CMA level: {level}" if level > 1 else "no counting CMA: level 1"]
    raised, step = age_effect(level, facts.age, leaf)
    if step is None:
        raised, step = death_effect(level, facts.exit_mode)
    if step:
        steps.append(step)
    final = cap_by_length(raised, nights)
    if final < raised:
        steps.append(f"level {raised} needs at least {MIN_DAYS[raised]} days (this stay: {nights}): level {final}")
    return SeverityOutcome(str(final), final, steps)
