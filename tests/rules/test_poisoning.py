"""The drugs a poisoning's sentence names (`rules.poisoning`) and how the roles code them: T36-T50 by drug,
X60-X64 by class, in place of T50.9 and X64."""

from __future__ import annotations

from pathlib import Path

import pytest

from coding_assistant.errors import TerminologyFileError
from coding_assistant.pipeline.candidates import Candidate
from coding_assistant.pipeline.evidence import QualifiedMention
from coding_assistant.pipeline.roles import assign_roles
from coding_assistant.rules.poisoning import poisons_named_in, read_poisoning_agents
from coding_assistant.schema import Document, Stay
from coding_assistant.terminology.model import CodeEntry, Terminology


def test_drugs_are_read_by_name_and_brand_each_code_once() -> None:
    found = poisons_named_in("au paracétamol (Doliprane) et aux benzodiazépines (Xanax, LEXOMIL)")
    assert [(p.code, p.self_harm) for p in found] == [("T391", "X60"), ("T424", "X61")]
    assert not poisons_named_in("au décours d'une rupture")


def test_a_bad_row_is_named_by_its_line(tmp_path: Path) -> None:
    path = tmp_path / "drugs.csv"
    path.write_text("name,code,self_harm\nparacétamol,T391,X60\nXanax,Y471,X61\n", encoding="utf-8")
    with pytest.raises(TerminologyFileError, match=":3:"):
        read_poisoning_agents(path)


TABLE = Terminology(
    [
        CodeEntry("T509", "Intoxication par médicaments, sans précision", mco_type=0),
        CodeEntry("T391", "Intoxication par dérivés du 4-aminophénol", mco_type=0),
        CodeEntry("T424", "Intoxication par benzodiazépines", mco_type=0),
        CodeEntry("X6499", "Auto-intoxication par des médicaments, sans précision", mco_type=2),
        CodeEntry("X6099", "Auto-intoxication par des analgésiques", mco_type=2),
        CodeEntry("X6199", "Auto-intoxication par des psychotropes", mco_type=2),
    ],
    "test",
    "2025",
)


def mention(code: str, start: int, text: str) -> QualifiedMention:
    return QualifiedMention(
        "crh", (code,), start, start + len(text), text, "conclusion", False, False, False, False, (), "lexicon", start
    )


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "Diagnostic : intoxication médicamenteuse volontaire au paracétamol et aux benzodiazépines.",
            {"T391": "DP", "T424": "DAS", "X6099": "DAS", "X6199": "DAS"},
        ),
        # The drugs in another sentence: the poisoning keeps its unspecified codes.
        (
            "Diagnostic : intoxication médicamenteuse volontaire. Traitement habituel : Xanax.",
            {"T509": "DP", "X6499": "DAS"},
        ),
    ],
)
def test_a_poisoning_is_coded_by_the_drugs_its_sentence_names(sentence: str, expected: dict[str, str]) -> None:
    wording = "intoxication médicamenteuse volontaire"
    start = sentence.index(wording)
    poisoning = Candidate(
        "T50", score=0.9, dp_score=0.9, mentions=[mention("T509", start, sentence[start : start + len(wording)])]
    )
    cause = Candidate("X64", score=0.9, mentions=[mention("X6499", start, sentence[start : start + len(wording)])])
    decided = assign_roles([poisoning, cause], "", [], TABLE, documents={"crh": sentence})
    assert {d.code: d.role for d in decided if d.selected} == expected


def test_a_poisoning_is_coded_by_the_drugs_the_letter_says_were_swallowed(text_pipeline) -> None:
    text = (
        "Motif : intoxication médicamenteuse volontaire.\n"
        "Histoire : elle a ingéré environ vingt comprimés de bromazépam (Lexomil) et dix comprimés de zolpidem.\n"
        "Conclusion : intoxication médicamenteuse volontaire, surveillance, avis psychiatrique.\n"
    )
    chosen = {
        p.code
        for p in text_pipeline.propose(
            Stay(stay_id="P1", sex="F", age=34, documents=[Document(doc_id="d", text=text)])
        ).proposals
        if p.selected
    }
    assert {"T424", "T426"} <= chosen and not any(code.startswith("T509") for code in chosen), chosen
