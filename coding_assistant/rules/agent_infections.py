"""An infection and its agent named together, coded by the one CIM-10 code that names both.

The CIM-10 has codes that name an infection's agent (a pneumonia: J13-J15; a sepsis: A40-A41; a bacterial
meningitis: G00), and keeps B95-B98 for the agent of an infection classified elsewhere ("Utiliser, au besoin,
un code supplémentaire", chapter I notes): « pneumonie franche lobaire aiguë à pneumocoque » is J13, not
J18.1 + B95.3. The pairs are data (`terminologies/rules/agent_infection_codes.csv`: the infection code
without an agent, the agent's B95-B98 code, the code that names both) for a DIM to extend.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from coding_assistant.errors import TerminologyFileError
from coding_assistant.rules.data import DEFAULT_RULES_DIR, read_rows

AGENT_INFECTION_FILE = "agent_infection_codes.csv"
_CODE = re.compile(r"[A-Z]\d{2,4}")


@dataclass(frozen=True, slots=True)
class AgentInfection:
    infection: str  # a code or its start: the infection coded without its agent (J18, A419)
    agent: str  # the agent's B95-B98 code
    code: str  # the code that names both


def read_agent_infections(path: Path) -> tuple[AgentInfection, ...]:
    """The pairs of a file; a row whose codes are not CIM-10 codes is an error naming its line."""
    found = []
    for line, row in enumerate(read_rows(path), start=2):
        values = (row.get("infection", ""), row.get("agent", ""), row.get("code", ""))
        if not all(_CODE.fullmatch(value) for value in values) or not values[1].startswith("B9"):
            raise TerminologyFileError(f"{path}:{line}: expected an infection code, a B95-B98 code and a code")
        found.append(AgentInfection(*values))
    return tuple(found)


@lru_cache(maxsize=4)
def agent_infections(directory: str = str(DEFAULT_RULES_DIR)) -> tuple[AgentInfection, ...]:
    return read_agent_infections(Path(directory) / AGENT_INFECTION_FILE)


def code_naming_the_agent(infection: str, agent: str, directory: str = str(DEFAULT_RULES_DIR)) -> str | None:
    """The code that names both the infection (coded `infection` without its agent) and the agent, if any."""
    for pair in agent_infections(directory):
        if infection.startswith(pair.infection) and agent.startswith(pair.agent):
            return pair.code
    return None
