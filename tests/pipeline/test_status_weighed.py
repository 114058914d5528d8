"""Codes a coder leaves unticked although the letter names them (pipeline/status_weighed.py): Z92.1 beside the
haemorrhage its anticoagulant caused or for an anticoagulation the stay introduces, A49 beside the infection
whose bacteraemia it is, Z96 for an implant that did not weigh on the stay. Each stays in the ranked list with
its note. Letters written here."""

from __future__ import annotations

from coding_assistant.pipeline import CodingPipeline
from coding_assistant.schema import Document, Proposal, Stay


def proposals(pipeline: CodingPipeline, text: str) -> list[Proposal]:
    stay = Stay(stay_id="S1", sex="F", age=78, documents=[Document(doc_id="d", text=text)])
    return pipeline.propose(stay).proposals


def selected(found: list[Proposal]) -> set[str]:
    return {p.code for p in found if p.selected}


def notes_of(found: list[Proposal], prefix: str) -> set[str]:
    return {n.rule for p in found if p.code.startswith(prefix) for n in p.warnings}


LONG_TERM = (
    "Motif : pneumopathie.\n"
    "Antécédents : FA permanente sous Eliquis 5 mg x2 depuis 2019. HTA.\n"
    "Évolution : amoxicilline 7 jours, apyrexie à J3.\n"
    "Conclusion : pneumopathie aiguë communautaire.\n"
)


def test_a_long_term_anticoagulant_of_the_antecedents_is_coded(text_pipeline: CodingPipeline) -> None:
    assert "Z921" in selected(proposals(text_pipeline, LONG_TERM))


def test_an_anticoagulation_the_stay_introduces_is_not_a_long_term_use(text_pipeline: CodingPipeline) -> None:
    text = (
        "Motif : palpitations.\n"
        "Antécédents : HTA.\n"
        "Évolution : FA paroxystique à l'ECG, CHA2DS2-VASc à 3 : introduction d'une anticoagulation par apixaban.\n"
        "Conclusion : fibrillation atriale paroxystique de découverte récente.\n"
    )
    found = proposals(text_pipeline, text)
    assert not any(code.startswith("Z921") for code in selected(found)), selected(found)
    assert "anticoagulant-introduced" in notes_of(found, "Z921")


def test_z92_1_is_not_coded_beside_the_haemorrhage_the_anticoagulant_caused(text_pipeline: CodingPipeline) -> None:
    text = (
        "Motif : hématurie macroscopique sous AVK, INR à 7,8.\n"
        "Antécédents : FA permanente sous Préviscan depuis 2015.\n"
        "Conclusion : hématurie par surdosage en AVK (trouble hémorragique dû aux anticoagulants).\n"
    )
    found = proposals(text_pipeline, text)
    chosen = selected(found)
    assert "D683" in chosen and "Z921" not in chosen, chosen
    assert "anticoagulant-haemorrhage" in notes_of(found, "Z921")


def test_a_bacteraemia_belongs_to_the_infection_whose_site_is_named(text_pipeline: CodingPipeline) -> None:
    text = (
        "Motif : fièvre et ictère.\n"
        "Conclusion : angiocholite aiguë lithiasique, bactériémique à E. coli, traitée par CPRE et ceftriaxone.\n"
    )
    found = proposals(text_pipeline, text)
    chosen = selected(found)
    assert any(code.startswith(("K830", "K803")) for code in chosen), chosen
    assert not any(code.startswith("A49") for code in chosen), chosen
    assert "bacteraemia-of-a-site" in notes_of(found, "A49")


def test_a_bacteraemia_without_a_named_site_is_coded(text_pipeline: CodingPipeline) -> None:
    text = "Motif : fièvre.\nConclusion : bactériémie à staphylocoque doré sans porte d'entrée retrouvée.\n"
    chosen = selected(proposals(text_pipeline, text))
    assert any(code.startswith(("A49", "A41")) for code in chosen), chosen


def test_a_joint_prosthesis_among_the_antecedents_is_left_for_the_coder(text_pipeline: CodingPipeline) -> None:
    text = (
        "Motif : pneumopathie.\n"
        "Antécédents : HTA. Prothèse totale de hanche gauche en 2017.\n"
        "Conclusion : pneumopathie aiguë communautaire.\n"
    )
    found = proposals(text_pipeline, text)
    assert not any(code.startswith("Z96") for code in selected(found)), selected(found)
    assert "implant-presence" in notes_of(found, "Z96")


def test_surgery_named_without_a_complication_is_no_external_cause(text_pipeline: CodingPipeline) -> None:
    text = (
        "Motif : appendicite aiguë.\n"
        "Évolution : une intervention chirurgicale a été réalisée le jour même, suites simples.\n"
        "Conclusion : appendicite aiguë opérée.\n"
    )
    found = proposals(text_pipeline, text)
    assert not any(code.startswith(("Y83", "Y84")) for code in selected(found)), selected(found)


def test_surgery_that_caused_a_complication_keeps_its_external_cause(text_pipeline: CodingPipeline) -> None:
    text = (
        "Motif : hémorragie.\n"
        "Conclusion : hémorragie postopératoire après intervention chirurgicale (complication de l'intervention "
        "chirurgicale).\n"
    )
    chosen = selected(proposals(text_pipeline, text))
    assert any(code.startswith("Y83") for code in chosen) and any(code.startswith("T8") for code in chosen), chosen


def test_a_dialysed_patient_kept_overnight_has_no_session_code(text_pipeline: CodingPipeline) -> None:
    from datetime import date

    text = (
        "Néphrologie - Dialyse\n"
        "Motif : hyperkaliémie à 7,1 mmol/L au bilan pré-dialyse.\n"
        "Antécédents : insuffisance rénale chronique terminale, hémodialysé 3 fois par semaine.\n"
        "Conclusion : hyperkaliémie sévère, séance d'hémodialyse en urgence.\n"
    )

    def session_codes(admitted: date, discharged: date) -> set[str]:
        stay = Stay(
            stay_id="S2",
            sex="F",
            age=69,
            admission_date=admitted,
            discharge_date=discharged,
            documents=[Document(doc_id="d", text=text)],
        )
        found = text_pipeline.propose(stay).proposals
        return {p.code for p in found if p.selected and p.code.startswith("Z49")}

    assert not session_codes(date(2026, 5, 20), date(2026, 5, 24))
    assert session_codes(date(2026, 5, 20), date(2026, 5, 20))  # one day: the session is the stay


def test_an_infection_beside_a_drug_effect_is_not_drug_induced(text_pipeline: CodingPipeline) -> None:
    """The chemotherapy caused the neutropenia; the pyelonephritis is its agent's (N10, not the drug nephropathy
    N14.1 of pipeline/combined_codes.py's drug-induced rule)."""
    text = (
        "Motif : fièvre sous chimiothérapie.\n"
        "Conclusion : neutropénie fébrile post-chimiothérapie avec pyélonéphrite aiguë droite à E. coli.\n"
    )
    chosen = selected(proposals(text_pipeline, text))
    assert any(code.startswith("N10") for code in chosen) and not any(c.startswith("N14") for c in chosen), chosen
