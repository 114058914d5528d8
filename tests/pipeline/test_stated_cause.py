"""A symptom DP gives way to the diagnosis its sentence states as its cause (pipeline/stated_cause.py): a link
word, a colon after the symptom in a retained diagnosis, « d'une » before the disease it is the sign of, a list of
symptoms sharing one link. Letters written
here."""

from __future__ import annotations

import pytest

from coding_assistant.pipeline import CodingPipeline
from coding_assistant.pipeline.stated_cause import stated_cause
from coding_assistant.schema import Document, Stay


def cause_of(pipeline: CodingPipeline, conclusion: str, symptom: str) -> str | None:
    """The category `stated_cause` finds for the symptom category in a letter ending on `conclusion`."""
    text = f"Motif : bilan.\nÉvolution : favorable.\nConclusion : {conclusion}\n"
    stay = Stay(stay_id="S1", sex="F", age=72, documents=[Document(doc_id="d", text=text)])
    candidates, _ = pipeline.candidates(stay, None)
    first = next(c for c in candidates if c.category == symptom)
    others = [c for c in candidates if c is not first]
    causes = [c for c in others if not c.category.startswith("R")]
    found = stated_cause(first, causes, {"d": text}, others)
    return found[0].category if found else None


@pytest.mark.parametrize(
    ("conclusion", "symptom", "cause"),
    [
        ("Rétention aiguë d'urine sur adénome de prostate.", "R33", "N40"),
        ("Douleurs thoraciques : péricardite aiguë idiopathique.", "R07", "I30"),
        ("Douleurs abdominales et rectorragies révélant une colite ischémique.", "R10", "K55"),
        ("Syncope avec chute et plaie du cuir chevelu, révélatrice d'un BAV complet.", "R55", "I44"),
        ("Décompensation ascitique inaugurale d'une cirrhose virale B.", "R18", "K74"),
        # The symptom's own side and intensity stand between it and its link.
        ("Colique néphrétique gauche hyperalgique sur calcul urétéral lombaire gauche.", "N23", "N20"),
        ("Douleur thoracique intense, atypique liée à une péricardite aiguë.", "R07", "I30"),
    ],
)
def test_a_symptom_is_linked_to_the_cause_its_sentence_states(
    text_pipeline: CodingPipeline, conclusion: str, symptom: str, cause: str
) -> None:
    assert cause_of(text_pipeline, conclusion, symptom) == cause


@pytest.mark.parametrize(
    ("conclusion", "symptom"),
    [
        # Words that are no list joint between the symptoms and the link: no shared link.
        ("Douleurs abdominales depuis trois semaines et rectorragies révélant une colite ischémique.", "R10"),
        # A symptom and a condition that merely share a sentence.
        ("Douleurs thoraciques atypiques sans cause retrouvée chez une patiente suivie pour une goutte.", "R07"),
    ],
)
def test_a_symptom_and_a_diagnosis_the_sentence_does_not_link_stay_apart(
    text_pipeline: CodingPipeline, conclusion: str, symptom: str
) -> None:
    assert cause_of(text_pipeline, conclusion, symptom) is None


def test_the_pipeline_makes_the_stated_cause_the_dp(text_pipeline: CodingPipeline) -> None:
    text = "Motif : douleur thoracique.\nConclusion : Douleurs thoraciques : péricardite aiguë idiopathique.\n"
    stay = Stay(stay_id="S2", sex="M", age=34, documents=[Document(doc_id="d", text=text)])
    dp = next(p.code for p in text_pipeline.propose(stay).proposals if p.role == "DP")
    assert dp.startswith("I30")


def test_a_symptom_outside_chapter_xviii_gives_way_to_its_stated_cause(text_pipeline: CodingPipeline) -> None:
    # « Colique néphrétique, sans précision » (N23) is a symptom filed under the urinary chapter.
    text = "Motif : colique néphrétique.\nConclusion : colique néphrétique droite fébrile sur calcul de l'uretère.\n"
    stay = Stay(stay_id="S3", sex="M", age=41, documents=[Document(doc_id="d", text=text)])
    proposals = {p.code[:3]: p for p in text_pipeline.propose(stay).proposals}
    assert proposals["N20"].role == "DP"


@pytest.mark.parametrize(
    ("conclusion", "dp", "symptom", "ticked"),
    [
        # A usual manifestation of the DP's system: part of the diagnosis, listed unticked with its note.
        ("rétention aiguë d'urine sur adénome de prostate", "N40", "R33", False),
        ("colique néphrétique gauche hyperalgique sur calcul urétéral lombaire gauche", "N20", "N23", False),
        # An unusual one (a urinary symptom of a digestive disease) may stand as a DAS.
        ("rétention aiguë d'urine sur fécalome", "K56", "R33", True),
    ],
)
def test_a_symptom_the_dp_explains_is_unticked_when_it_is_a_usual_manifestation(
    text_pipeline: CodingPipeline, conclusion: str, dp: str, symptom: str, ticked: bool
) -> None:
    text = f"Motif : {conclusion.split(' sur ')[0]}.\nConclusion : {conclusion}.\n"
    stay = Stay(stay_id="S4", sex="M", age=78, documents=[Document(doc_id="d", text=text)])
    proposals = {p.code[:3]: p for p in text_pipeline.propose(stay).proposals}
    assert proposals[dp].role == "DP"
    assert proposals[symptom].selected is ticked
    assert ("symptom-explained" in {n.rule for n in proposals[symptom].warnings}) is not ticked
