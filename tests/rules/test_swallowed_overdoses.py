"""A letter that tells a drug was swallowed on purpose or in overdose, without the word « intoxication », names a
poisoning (rules/poisoning.py, `find_swallowed_overdoses`; the pipeline then makes it the DP: roles.py,
`_poisoning_first`). Sentences written here."""

from __future__ import annotations

import pytest

from coding_assistant.pipeline import CodingPipeline
from coding_assistant.rules.poisoning import find_swallowed_overdoses
from coding_assistant.schema import Document, Stay


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("Hospitalisée après avoir ingéré volontairement 20 g de paracétamol.", {"T391", "X6099"}),
        # The intent nearest the swallowing, not a denied one earlier in the sentence.
        (
            "Sans antécédent de geste suicidaire, elle a avalé volontairement 30 comprimés de Lexomil.",
            {"T424", "X6199"},
        ),
        ("Il a avalé 12 comprimés de Doliprane 1 g pour des céphalées.", {"T391"}),  # an overdose, no intent said
        ("Doliprane 1 g en cas de douleur, à avaler avec un verre d'eau.", set()),  # no overdose, no intent
        ("Intoxication médicamenteuse volontaire : a ingéré 20 g de paracétamol.", set()),  # named: read elsewhere
    ],
)
def test_a_swallowed_overdose_names_its_poisoning(text: str, codes: set[str]) -> None:
    assert {found.code for found in find_swallowed_overdoses(text)} == codes


def test_the_poisoning_is_the_dp_and_its_effect_a_das(text_pipeline: CodingPipeline) -> None:
    text = (
        "Mlle D., 23 ans, hospitalisée après avoir ingéré volontairement 20 g de paracétamol. "
        "N-acétylcystéine IV.\nConclusion : hépatite aiguë toxique sans insuffisance hépatique.\n"
    )
    stay = Stay(stay_id="S1", sex="F", age=23, documents=[Document(doc_id="d", text=text)])
    roles = {p.code[:3]: p.role for p in text_pipeline.propose(stay).proposals if p.selected}
    assert roles["T39"] == "DP" and roles["K71"] == "DAS" and roles["X60"] == "DAS"
