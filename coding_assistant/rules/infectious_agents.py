"""The infectious agent of an infection whose own code does not name it: B95-B98, as a DAS.

The CIM-10 FR (B95-B98, "agents d'infections bactériennes, virales et autres, classés dans d'autres
chapitres") and the guide méthodologique MCO (chapitre IV) code the agent beside an infection coded in
another chapter ("infection urinaire à E. coli": N39.0 + B96.2; "spondylodiscite à S. aureus": M46.2 +
B95.6; "gastrite à H. pylori": K29 + B98.0). An agent counts when its line also names an infection, or a
sample that found it (ECBU, hémoculture, culture), and not when the line's only infection is one whose
codes name the agent already (a pneumonia: J13-J15; a meningitis: G00; a sepsis: A40-A41; an erysipelas:
A46; a streptococcal angina: J02.0): a second code would repeat the first. Colonisation and carriage are not
infections. Agents are data (`terminologies/rules/infectious_agents.csv`) for a DIM to extend.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from coding_assistant.rules.data import DEFAULT_RULES_DIR, read_rows
from coding_assistant.rules.status_drugs import DrugMention, read_named_codes
from coding_assistant.text.normalize import fold, may_hold, strip_accents

INFECTIOUS_AGENTS_FILE = "infectious_agents.csv"
# Infections (and the samples that find their agent) whose codes leave the agent to B95-B98.
INFECTION = re.compile(
    r"infection|infect[eé]|urinaire|\bECBU\b|py[eé]lon[eé]phrite|cystite|prostatite|bact[eé]ri[eé]mie|abc[eè]s|"
    r"angiocholite|cholangite|chol[eé]cystite|sigmo[iï]dite|diverticulite|p[eé]ritonite|spondylodiscite|"
    r"arthrite|ost[eé]ite|ost[eé]omy[eé]lite|endocardite|cellulite|dermohypodermite|gastrite|ulc[eè]re|"
    r"culture|h[eé]moculture|pr[eé]l[eè]vement",
    re.IGNORECASE,
)
# Infections whose own codes name the agent.
AGENT_IN_CODE = re.compile(
    r"pneumopathie|pneumonie|m[eé]ningite|sepsis|septic[eé]mie|choc septique|[eé]rysip[eè]le|angine",
    re.IGNORECASE,
)
NOT_INFECTION = re.compile(r"colonis|portage|porteur", re.IGNORECASE)
# The categories that code an infection's agent apart (CIM-10 FR B95-B98, « … cause de maladies classées dans
# d'autres chapitres »).
AGENT_CATEGORIES = ("B95", "B96", "B97", "B98")


def names_an_infection(text: str) -> bool:
    """Whether a wording names an infection (or its sample), with or without its agent."""
    return bool(INFECTION.search(text) or AGENT_IN_CODE.search(text))


def read_infectious_agents(path: Path) -> re.Pattern[str]:
    """One regex whose named groups give each agent's code; a bad row is an error naming its line. A name ends
    where a word does, or on its own dot ("E. coli.", "S. aureus,")."""
    return read_named_codes(
        path, r"B9[5-8]\d{1,2}", "an agent's name and a B95-B98 code", before=r"(?<![\w.])", after=r"(?!\w)"
    )


@lru_cache(maxsize=4)
def _default_pattern(directory: str) -> re.Pattern[str]:
    return read_infectious_agents(Path(directory) / INFECTIOUS_AGENTS_FILE)


@lru_cache(maxsize=4)
def _anchors(directory: str) -> frozenset[str]:
    """The longest word of each agent's name, folded: a letter that holds none names no agent."""
    return frozenset(anchor for anchor in _name_anchors(directory) if anchor is not None)


@lru_cache(maxsize=4)
def _name_anchors(directory: str) -> tuple[str | None, ...]:
    """Each agent's anchor (`_anchors`), None for a name made of common words only."""
    names = (row.get("name", "") for row in read_rows(Path(directory) / INFECTIOUS_AGENTS_FILE))
    anchors: list[str | None] = []
    for name in names:
        words = [w for w in re.findall(r"\w+", strip_accents(name).lower()) if w not in _COMMON_WORDS]
        anchors.append(max(words, key=len) if words else None)
    return tuple(anchors)


# Words of agents' names that letters use everywhere: never an anchor.
_COMMON_WORDS = frozenset({"virus", "respiratoire", "groupe", "du", "de", "coagulase", "negative"})


def find_infectious_agents(text: str, directory: Path | str = DEFAULT_RULES_DIR) -> list[DrugMention]:
    """Each agent named on a line that names an infection whose codes do not name the agent (or a sample)."""
    found: list[DrugMention] = []
    pattern = _default_pattern(str(directory))
    folded = fold(text)
    if not any(anchor in folded for anchor in _anchors(str(directory))):
        return found  # most letters name no agent: substring tests on the folded text, no regex, no line read
    # The same look for each line, on the anchors its letter holds, before the line's regex searches: a line
    # without one names no agent, when every name has an anchor.
    present = [anchor for anchor in _anchors(str(directory)) if anchor in folded]
    lines_looked_at = None not in _name_anchors(str(directory))
    offset = 0
    for line in text.splitlines(keepends=True):
        if (
            (not lines_looked_at or may_hold(line, present))
            and INFECTION.search(line)
            and not NOT_INFECTION.search(line)
            and not _agent_in_code_only(line)
        ):
            for match in pattern.finditer(line):
                start = offset + match.start()
                found.append(DrugMention(start, start + len(match.group()), match.group(), match.lastgroup or ""))
        offset += len(line)
    return found


def agents_named_in(text: str, directory: Path | str = DEFAULT_RULES_DIR) -> list[DrugMention]:
    """Every agent a short text names (an infection's own sentence), whatever else it says."""
    pattern = _default_pattern(str(directory))
    return [DrugMention(m.start(), m.end(), m.group(), m.lastgroup or "") for m in pattern.finditer(text)]


def _agent_in_code_only(line: str) -> bool:
    """The line's infections are all ones whose codes name the agent (a pneumonia, a meningitis…)."""
    if not AGENT_IN_CODE.search(line):
        return False
    return INFECTION.search(AGENT_IN_CODE.sub(" ", line)) is None
