"""The agent of an infection whose own code does not name it (rules/infectious_agents.py, B95-B98)."""

from __future__ import annotations

import pytest

from coding_assistant.pipeline import CodingPipeline
from coding_assistant.rules.infectious_agents import find_infectious_agents
from coding_assistant.schema import Document, Stay


def agents(text: str) -> list[tuple[str, str]]:
    return [(m.text, m.code) for m in find_infectious_agents(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Conclusion : pyélonéphrite aiguë droite à E. coli.", [("E. coli", "B962")]),
        ("ECBU : Klebsiella pneumoniae 10^5 UFC/ml.", [("Klebsiella pneumoniae", "B961")]),  # the sample found it
        ("Abcès de paroi à staphylocoque doré.", [("staphylocoque doré", "B956")]),
        ("Ulcère bulbaire, H. pylori positif.", [("H. pylori", "B980")]),
        ("Pneumopathie et infection urinaire à Proteus.", [("Proteus", "B964")]),  # the urinary one needs it
    ],
)
def test_an_agent_named_beside_an_infection_that_leaves_it_to_b95_b98(text: str, expected: list) -> None:
    assert agents(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Pneumopathie à pneumocoque.",  # J13 names the agent
        "Méningite à méningocoque et sepsis à E. coli.",  # G00, A41.5: the codes name it
        "Colonisation urinaire à E. coli, non traitée.",  # not an infection
        "Portage de SARM connu.",
        "Conclusion : fracture du col fémoral. E. coli.",  # no infection on the line
    ],
)
def test_no_agent_code_where_the_infection_code_names_it_or_there_is_no_infection(text: str) -> None:
    assert agents(text) == []


def test_the_pipeline_codes_the_infection_and_its_agent(text_pipeline: CodingPipeline) -> None:
    text = "Motif : fièvre.\nConclusion : infection urinaire à Escherichia coli, traitée par ceftriaxone.\n"
    stay = Stay(stay_id="B1", sex="F", age=60, documents=[Document(doc_id="d", text=text)])
    chosen = {p.code: p.role for p in text_pipeline.propose(stay).proposals if p.selected}
    assert chosen.get("B962") == "DAS" and "N390" in chosen
