"""CCAM acts from operative reports and letters: specificity (approach, side, count), negation and planned
acts, activity 4, dates, checks with their FG numbers, the proposals schema and the act metrics."""

from __future__ import annotations

from datetime import date

import pytest

from coding_assistant.acts import (
    ActProposer,
    LearnedActs,
    check_act,
    check_delivery_acts,
    default_catalogue,
    default_proposer,
)
from coding_assistant.acts.dates import find_dates
from coding_assistant.evaluation.metrics import act_scores
from coding_assistant.schema import ActProposal, Codes, Document, Evidence, ModelInfo, Note, Stay, StayProposals


@pytest.fixture(scope="module")
def proposer() -> ActProposer:
    return default_proposer()


@pytest.fixture(scope="module")
def catalogue():
    return default_catalogue()


def _stay(*texts: str, doc_type: str = "CRH", sex: str = "M", age: int = 60, **dates: date) -> Stay:
    documents = [Document(doc_id=f"D{i}", type=doc_type, text=text) for i, text in enumerate(texts)]
    return Stay(
        stay_id="S1",
        sex=sex,
        age=age,
        admission_date=dates.get("admission", date(2025, 3, 10)),
        discharge_date=dates.get("discharge", date(2025, 3, 15)),
        documents=documents,
    )


def _selected(proposer: ActProposer, stay: Stay, activity: int = 1) -> list[str]:
    acts, _ = proposer.propose(stay)
    return [a.code for a in acts if a.selected and a.activity == activity]


# ------------------------------------------------------------------------------------------- specificity


@pytest.mark.parametrize(
    ("sentence", "code"),
    [
        ("Intervention : cholécystectomie par cœlioscopie.", "HMFC004"),
        ("Intervention : cholécystectomie par laparotomie.", "HMFA007"),
        ("Intervention : appendicectomie coelioscopique.", "HHFA016"),
        ("Intervention : prostatectomie totale robot-assistée.", "JGFC001"),
        ("Intervention : cure de hernie inguinale droite selon Lichtenstein.", "LMMA012"),
        ("Intervention : cure de hernie inguinale bilatérale avec plaque, par voie inguinale.", "LMMA001"),
        ("Coronarographie avec angioplastie et pose d'un stent actif sur l'IVA.", "DDAF008"),
        ("Coronarographie avec angioplastie et pose de 2 stents (IVA et circonflexe).", "DDAF007"),
        ("Coronarographie avec angioplastie et pose de 3 stents.", "DDAF009"),
        ("Pose d'un stimulateur cardiaque double chambre par voie céphalique gauche.", "DELF005"),
        ("Résection transurétrale de vessie (RTUV) de la tumeur de la paroi latérale.", "JDFE002"),
    ],
)
def test_the_most_specific_act_the_text_justifies(proposer, sentence, code):
    assert _selected(proposer, _stay(sentence, sex="M")) == [code]


def test_letters_name_acts_as_surgeons_write_them(proposer):
    stay = _stay(
        "Pose d'une sonde JJ gauche le 11/03/2025.\nOrchidectomie gauche par voie scrotale.",
        sex="M",
    )
    selected = _selected(proposer, stay)
    assert "JHFA017" in selected
    assert any(code.startswith("JC") for code in selected)  # a JJ stent: « endoprothèse urétérale »


def test_ranking_lists_the_runner_up_acts_after_the_selected_one(proposer):
    acts, _ = proposer.propose(_stay("Intervention : cholécystectomie par cœlioscopie."))
    assert acts[0].code == "HMFC004" and acts[0].selected
    assert all(not a.selected for a in acts[1:]) and len(acts) > 1
    assert [a.score for a in acts[1:]] == sorted((a.score for a in acts[1:]), reverse=True)


def test_an_act_of_two_mentions_is_one_combined_act(proposer):
    """A coronarography and the angioplasty of the same procedure are one CCAM act (DDAF008), not two."""
    report = (
        "COMPTE RENDU DE CORONAROGRAPHIE ET D'ANGIOPLASTIE\nDate : 12/03/2025\n"
        "Coronarographie : occlusion de la CD.\nAngioplastie de la CD : implantation d'un stent actif.\n"
    )
    assert _selected(proposer, _stay(report, doc_type="CRO")) == ["DDAF008"]


# ------------------------------------------------------------------------------------------- negation


@pytest.mark.parametrize(
    "sentence",
    [
        "Pas de cholécystectomie.",
        "Geste non réalisé : cholécystectomie.",
        "Abstention chirurgicale, pas de cholécystectomie.",
        "Cholécystectomie récusée (risque anesthésique).",
        "Cholécystectomie à programmer à distance.",
        "Une cholécystectomie coelioscopique à froid sera discutée à 2 mois.",
        "Si échec : cholécystectomie.",
        "Cholécystectomie programmée le 02/04/2025.",  # after discharge
        "Antécédents : cholécystectomie en 2012.",
        "Cholécystectomie coelioscopique (12/2023).",
        "Cholécystectomie discutée, non retenue en raison du terrain.",
        "Talcage discuté, non réalisé (poumon incomplètement réexpansé).",
        "Cholécystectomie coelioscopique dans un an si récidive.",
        "Cholécystectomie coelioscopique à distance.",
        "Coloscopie de contrôle à 3 ans.",
        "Laryngoscopie préopératoire en consultation : mobilité laryngée normale.",
        "Échec de pose de sonde JJ, néphrostomie à discuter.",
        "Information sur les deux options : appendicectomie coelioscopique ou antibiothérapie seule.",
    ],
)
def test_negated_planned_and_past_acts_are_never_selected(proposer, sentence):
    acts, _ = proposer.propose(_stay(sentence))
    assert not [a for a in acts if a.selected]
    assert all(a.evidence for a in acts)


def test_an_act_discussed_then_done_is_selected(proposer):
    acts, _ = proposer.propose(_stay("Cholécystectomie discutée puis réalisée par coelioscopie le 11/03."))
    assert [a.code for a in acts if a.selected]


def test_a_negated_act_is_listed_with_its_reason(proposer):
    acts, _ = proposer.propose(_stay("Angioplastie non réalisée. Coronarographie le 11/03 : lésion de l'IVA."))
    assert [a.code for a in acts if a.selected] == ["DDQH009"]  # not "avec dilatation intraluminale"
    negated = [a for a in acts if any(e.negated for e in a.evidence)]
    assert negated and not any(a.selected for a in negated)
    assert any(w.rule == "act-not-done" for a in negated for w in a.warnings)


def test_a_negated_modifier_does_not_choose_the_label(proposer):
    """ "Ventriculographie non réalisée": not the coronarography "avec ventriculographie gauche"."""
    stay = _stay("Coronarographie le 11/03 : lésion de l'IVA. Ventriculographie non réalisée.")
    assert _selected(proposer, stay) == ["DDQH009"]


def test_an_antecedent_named_again_is_not_a_new_act(proposer):
    stay = _stay("Antécédents : néphrectomie totale droite en 2016.\nConclusion : rein unique (néphrectomie droite).")
    assert _selected(proposer, stay) == []


def test_steps_of_an_operative_report_are_not_acts_of_their_own(proposer):
    report = (
        "COMPTE RENDU OPERATOIRE - 12/03/2025\nIntervention : cholécystectomie par voie coelioscopique.\n"
        "Open coelio ombilicale. Ponction-vidange de la vésicule. Hystérorraphie.\n"
    )
    assert _selected(proposer, _stay(report, doc_type="CRO")) == ["HMFC004"]


# ------------------------------------------------------------------------------------------- activity 4


def test_general_anaesthesia_adds_the_activity_4_line(proposer, catalogue):
    report = "CRO du 12/03/2025. Anesthésie : AG.\nIntervention : cholécystectomie par cœlioscopie.\n"
    acts, _ = proposer.propose(_stay(report, doc_type="CRO"))
    lines = [(a.code, a.activity, a.phase, a.selected) for a in acts if a.code == "HMFC004"]
    assert lines == [("HMFC004", 1, 0, True), ("HMFC004", 4, 0, True)]
    assert "4" in catalogue.acts["HMFC004"].activity_phases
    anaesthesia = next(a for a in acts if a.activity == 4)
    assert anaesthesia.evidence[0].text == "AG"


@pytest.mark.parametrize(
    "anaesthesia",
    ["Rachianesthésie (Dr K.).", "Anesthésie locorégionale, bloc axillaire.", "Bloc iliofascial."],
)
def test_locoregional_anaesthesia_adds_activity_4(proposer, anaesthesia):
    report = f"CRO du 12/03/2025. {anaesthesia}\nIntervention : cure de hernie inguinale droite, Lichtenstein.\n"
    assert _selected(proposer, _stay(report, doc_type="CRO"), activity=4) == ["LMMA012"]


@pytest.mark.parametrize(
    "anaesthesia", ["Anesthésie locale.", "Anesthésie topique, sédation légère.", "Péridurale non posée."]
)
def test_no_activity_4_without_general_or_locoregional_anaesthesia(proposer, anaesthesia):
    report = f"CRO du 12/03/2025. {anaesthesia}\nIntervention : cholécystectomie par cœlioscopie.\n"
    assert _selected(proposer, _stay(report, doc_type="CRO"), activity=4) == []


def test_no_activity_4_line_for_an_act_without_activity_4(proposer, catalogue):
    """JVJF004 (a dialysis session) has no activity 4 in ccam_code_activite_phase_dernier_tarif.csv."""
    assert "4" not in catalogue.acts["JVJF004"].activity_phases
    stay = _stay("Séance d'hémodialyse sous anesthésie générale le 12/03/2025 pour insuffisance rénale chronique.")
    acts, _ = proposer.propose(stay)
    assert [a.activity for a in acts if a.code == "JVJF004"] == [1]


# ------------------------------------------------------------------------------------------- dates


def test_dates_written_in_the_sentence_or_the_report_header(proposer):
    acts, _ = proposer.propose(_stay("Appendicectomie coelioscopique le 12/03/2025."))
    assert acts[0].date == date(2025, 3, 12)
    acts, _ = proposer.propose(_stay("Coronarographie (11/03, voie radiale) : lésion de l'IVA."))
    assert acts[0].date == date(2025, 3, 11)
    report = "COMPTE RENDU OPERATOIRE - 13/03/2025\nIntervention : cholécystectomie par voie coelioscopique.\n"
    acts, _ = proposer.propose(_stay(report, doc_type="CRO"))
    assert acts[0].date == date(2025, 3, 13)


def test_find_dates_reads_days_months_and_years_but_not_ratios():
    text = "le 12/03/2025, (11/03), en 2019, 07/2025, le 3 mars, acuité 3/10, Apgar 9/10/10, PIO 15/16"
    found = {text[d.start : d.end]: (d.day, d.first) for d in find_dates(text, date(2025, 3, 10))}
    assert found["12/03/2025"][0] == date(2025, 3, 12)
    assert found["11/03"][0] == date(2025, 3, 11)
    assert found["2019"] == (None, date(2019, 1, 1))
    assert found["07/2025"] == (None, date(2025, 7, 1))
    assert found["3 mars"][0] == date(2025, 3, 3)
    assert not {"3/10", "9/10/10", "15/16"} & set(found)


# ------------------------------------------------------------------------------------------- checks


def _rules(warnings) -> dict[str, str | None]:
    return {w.rule: w.fg_error for w in warnings}


def test_act_for_the_other_sex_is_fg_148(catalogue):
    assert _rules(check_act("JGFC001", 1, 0, None, catalogue, sex="F")) == {"act-sex": "148"}
    assert check_act("JGFC001", 1, 0, None, catalogue, sex="M") == []


def test_act_age_from_its_label_is_fg_149(catalogue):
    """LMMA009: « Cure de hernie de la paroi abdominale antérieure après l'âge de 16 ans … »."""
    warnings = check_act("LMMA009", 1, 0, None, catalogue, age=10)
    assert _rules(warnings) == {"act-age": "149"} and warnings[0].severity == "warning"
    assert check_act("LMMA009", 1, 0, None, catalogue, age=40) == []


def test_activity_and_phase_validity(catalogue):
    assert _rules(check_act("JVJF004", 4, 0, None, catalogue)) == {"act-activity": "110"}
    assert _rules(check_act("HMFC004", 3, 0, None, catalogue)) == {"act-activity": "111"}
    assert _rules(check_act("HMFC004", 1, 2, None, catalogue)) == {"act-phase": None}
    assert check_act("HMFC004", 4, 0, None, catalogue) == []
    assert _rules(check_act("ZZZZ999", 1, 0, None, catalogue)) == {"act-unknown": "73"}


def test_act_date_outside_the_stay(catalogue):
    stay_dates = {"admission": date(2025, 3, 10), "discharge": date(2025, 3, 15)}
    assert _rules(check_act("HMFC004", 1, 0, date(2025, 3, 20), catalogue, **stay_dates)) == {"act-date": "102"}
    assert _rules(check_act("JQGD012", 1, 0, date(2025, 3, 1), catalogue, **stay_dates)) == {"act-date": "142"}
    assert check_act("HMFC004", 1, 0, date(2025, 3, 12), catalogue, **stay_dates) == []


def test_delivery_acts_with_delivery_diagnoses_reuse_the_rule():
    assert [w.fg_error for w in check_delivery_acts("I10", None, [], ["JQGD012"])] == ["206"]
    assert [w.fg_error for w in check_delivery_acts("O800", None, ["Z370"], ["HMFC004"])] == ["205"]
    assert check_delivery_acts("O800", None, ["Z370"], ["JQGD012"]) == []
    assert check_delivery_acts("O800", None, [], []) == []  # acts unknown: not checked


def test_proposed_acts_carry_their_warnings(proposer):
    stay = _stay("Intervention : prostatectomie totale robot-assistée.", sex="F")
    acts, _ = proposer.propose(stay)
    assert any(w.fg_error == "148" and w.is_check for w in acts[0].warnings)


def test_delivery_warning_for_the_stay_comes_back_with_the_acts(proposer):
    stay = _stay("Intervention : cholécystectomie par cœlioscopie.", sex="F", age=30)
    _, warnings = proposer.propose(stay, dp="O800", das=["Z370"])
    assert any(w.fg_error == "205" and w.rule == "obstetric-without-delivery-act" for w in warnings)


# ------------------------------------------------------------------------------------------- schema


def test_proposals_round_trip_with_acts():
    act = ActProposal(
        code="hmfc004",
        label="Cholécystectomie, par coelioscopie",
        activity=4,
        phase=0,
        date=date(2025, 3, 12),
        score=0.9,
        selected=True,
        evidence=[Evidence(doc_id="D0", start=0, end=16, text="cholécystectomie")],
        warnings=[Note(rule="act-sex", message="…", kind="check", fg_error="148")],
    )
    proposals = StayProposals(stay_id="S1", model=ModelInfo(name="m", version="1"), acts=[act])
    back = StayProposals.model_validate_json(proposals.model_dump_json())
    assert back == proposals and back.acts[0].code == "HMFC004" and back.acts[0].date == date(2025, 3, 12)


def test_old_proposals_and_codes_still_read():
    old = StayProposals.model_validate_json('{"stay_id": "S1", "model": {"name": "m", "version": "1"}}')
    assert old.acts == []
    assert Codes(dp="K800").acts is None  # acts not coded
    assert Codes(dp="K800", acts=[]).acts == []  # coded: none done
    assert Codes(dp="K800", acts=[" hmfc004"]).act_codes() == ["HMFC004"]
    with pytest.raises(ValueError, match="4 letters and 3 digits"):
        Codes(dp="K800", acts=["HMFC04"])


def test_act_metrics():
    gold = [
        Stay(stay_id="A", codes=Codes(dp="K800", acts=["HMFC004"])),
        Stay(stay_id="B", codes=Codes(dp="I10", acts=[])),
        Stay(stay_id="C", codes=Codes(dp="I10")),  # acts not coded: not judged
    ]
    model = ModelInfo(name="m", version="1")
    negated = Evidence(doc_id="D", start=0, end=3, text="pas", negated=True)
    predictions = [
        StayProposals(
            stay_id="A",
            model=model,
            acts=[
                ActProposal(code="HMFA007", score=0.9, selected=True),
                ActProposal(code="HMFC004", score=0.8),
            ],
        ),
        StayProposals(
            stay_id="B", model=model, acts=[ActProposal(code="JVJF004", score=0.6, selected=True, evidence=[negated])]
        ),
        StayProposals(stay_id="C", model=model, acts=[ActProposal(code="JVJF004", score=0.6, selected=True)]),
    ]
    scores = act_scores(gold, predictions)
    assert (scores.stays, scores.stays_with_acts, scores.gold_acts) == (2, 1, 1)
    assert scores.recall_at_k == 1.0 and scores.precision == 0.0 and scores.recall == 0.0
    assert scores.negated_selected == 1


# ------------------------------------------------------------------------------------------- pipeline


def test_the_pipeline_writes_acts_behind_a_setting(terminology):
    from coding_assistant.matching.loading import default_mention_dictionary
    from coding_assistant.pipeline import CodingPipeline, PipelineSettings

    stay = _stay("Conclusion : cholécystite aiguë lithiasique, cholécystectomie coelioscopique le 12/03/2025.")
    with_acts = CodingPipeline(None, terminology, default_mention_dictionary()).propose(stay)
    assert [a.code for a in with_acts.acts if a.selected] == ["HMFC004"]
    settings = PipelineSettings(acts=False)
    without = CodingPipeline(None, terminology, default_mention_dictionary(), settings).propose(stay)
    assert without.acts == []


# --- the classifier's act heads (a model that learnt acts) -------------------------------------------------------
def learned(**scores: float) -> LearnedActs:
    return LearnedActs(scores=scores, thresholds=dict.fromkeys(scores, 0.5))


def test_the_learned_heads_order_the_acts_the_words_fit_alike(proposer):
    stay = _stay("Intervention : cholécystectomie.", doc_type="CRO")
    assert _selected(proposer, stay) == ["HMFA007"]  # laparotomy and coelioscopy fit the words alike
    acts, _ = proposer.propose(stay, learned=learned(HMFC004=0.9, HMFA007=0.02))
    assert [a.code for a in acts if a.selected] == ["HMFC004"]  # what the model learnt of such reports
    assert [a.code for a in acts][:2] == ["HMFC004", "HMFA007"]


def test_an_act_only_the_model_finds_is_listed_unselected_with_its_reason(proposer):
    stay = _stay("Suites simples, patiente sortie à J2.", doc_type="CRO")
    assert proposer.propose(stay) == ([], [])
    acts, _ = proposer.propose(stay, learned=learned(HHFA016=0.9, JVJF004=0.3))
    assert [(a.code, a.selected, a.evidence) for a in acts] == [("HHFA016", False, [])]
    assert [w.rule for w in acts[0].warnings] == ["act-model-only"]


def test_the_model_never_brings_back_an_act_the_text_says_was_not_done(proposer):
    stay = _stay("Appendicectomie non réalisée.", doc_type="CRO")
    acts, _ = proposer.propose(stay, learned=learned(HHFA011=0.95))
    assert [(a.code, a.selected) for a in acts] == [("HHFA011", False)]
    assert [w.rule for w in acts[0].warnings] == ["act-not-done"]


def test_the_learned_heads_never_override_a_clearer_fit(proposer):
    stay = _stay("Intervention : appendicectomie.", doc_type="CRO")
    assert _selected(proposer, stay) == ["HHFA011"]
    # The model prefers the other appendectomy, whose words fit clearly less well: the text's act stays first.
    acts, _ = proposer.propose(stay, learned=learned(HHFA016=0.9))
    assert [a.code for a in acts if a.selected] == ["HHFA011"]
    assert "HHFA016" in [a.code for a in acts]


def test_the_model_never_lists_a_code_a_not_done_act_could_be(proposer):
    stay = _stay("Appendicectomie non réalisée.", doc_type="CRO")
    acts, _ = proposer.propose(stay, learned=learned(HHFA016=0.95))
    assert "HHFA016" not in [a.code for a in acts if any(w.rule == "act-model-only" for w in a.warnings)]
