"""The DP is the problem the stay treated, not the patient's background (pipeline/roles.py): in a letter with
neither motif nor conclusion, the first acute problem it names rather than a chronic condition or a habit
(`_acute_problem_of_an_untitled_letter`), and rather than a symptom of one body system the acute diagnosis of that
system it names; a severe episode with a category of its own rather than its chronic
disease, which its code then includes (`_episode_over_its_disease`). Letters written here."""

from __future__ import annotations

from coding_assistant.pipeline import CodingPipeline
from coding_assistant.pipeline.candidates import Candidate
from coding_assistant.schema import Document, Stay
from coding_assistant.terminology.model import CodeEntry, Terminology
from tests.pipeline.test_pipeline_roles import decide, make_table, mention


def proposals_of(pipeline: CodingPipeline, text: str) -> dict[str, tuple[str | None, bool, set[str]]]:
    stay = Stay(stay_id="S1", sex="F", age=66, documents=[Document(doc_id="d", text=text)])
    return {p.code[:3]: (p.role, p.selected, {n.rule for n in p.warnings}) for p in pipeline.propose(stay).proposals}


def test_the_first_acute_problem_of_an_untitled_letter_wins_over_a_stronger_chronic_condition() -> None:
    chronic = Candidate("I10", model_score=0.9, dp_score=0.6, score=0.9, mentions=[mention("I10", "other")])
    acute = Candidate("J13", model_score=0.3, dp_score=0.2, score=0.3, mentions=[mention("J13", "other")])
    assert decide(make_table(), [chronic, acute])["J13"].role == "DP"


def test_a_letter_with_a_conclusion_is_left_to_its_conclusion() -> None:
    chronic = Candidate("I10", model_score=0.9, dp_score=0.6, score=0.9, mentions=[mention("I10", "conclusion")])
    acute = Candidate("J13", model_score=0.3, dp_score=0.2, score=0.3, mentions=[mention("J13", "other")])
    assert decide(make_table(), [chronic, acute])["I10"].role == "DP"


def test_an_untitled_letter_has_its_first_acute_problem_as_dp_not_a_habit(text_pipeline: CodingPipeline) -> None:
    text = (
        "AIT le 04/05 : faiblesse du membre supérieur droit et manque du mot pendant 20 minutes, régressifs. "
        "ATCD : HTA sous Aprovel. Tabac actif 25 PA. Doppler : sténose carotidienne gauche à 50 %."
    )
    assert proposals_of(text_pipeline, text)["G45"][0] == "DP"


def test_an_untitled_letter_on_an_episode_of_a_chronic_disease_keeps_it(text_pipeline: CodingPipeline) -> None:
    text = "Exacerbation de BPCO sur bronchite virale, VNI 3 jours. Tabac sevré. Pneumopathie écartée au scanner."
    proposals = proposals_of(text_pipeline, text)
    assert proposals["J44"][0] == "DP"


def test_a_status_epilepticus_is_the_dp_and_includes_the_epilepsy(text_pipeline: CodingPipeline) -> None:
    text = (
        "Motif : crises convulsives.\n"
        "Antécédents : épilepsie généralisée traitée par Dépakine.\n"
        "Conclusion : état de mal épileptique tonico-clonique chez une patiente épileptique connue, favorisé par "
        "un arrêt du traitement.\n"
    )
    proposals = proposals_of(text_pipeline, text)
    assert proposals["G41"][0] == "DP"
    role, selected, notes = proposals["G40"]
    assert not selected and role is None and "included-in-code" in notes


def test_a_diagnosis_the_motif_states_once_wins_over_a_chronic_condition_no_title_names() -> None:
    # « Hospitalisé pour une pleurésie purulente. Antécédents : éthylisme chronique… », and no conclusion.
    chronic = Candidate("I10", model_score=0.9, dp_score=0.6, score=0.9, mentions=[mention("I10", "histoire")])
    motif = Candidate("J13", model_score=0.3, dp_score=0.2, score=0.3, mentions=[mention("J13", "motif")])
    assert decide(make_table(), [chronic, motif])["J13"].role == "DP"


def test_a_symptom_the_motif_names_once_does_not() -> None:
    chronic = Candidate("I10", model_score=0.9, dp_score=0.6, score=0.9, mentions=[mention("I10", "histoire")])
    symptom = Candidate("R51", model_score=0.3, dp_score=0.2, score=0.3, mentions=[mention("R51", "motif")])
    assert decide(make_table(), [chronic, symptom])["I10"].role == "DP"


def test_a_pregnancy_found_by_chance_is_no_reason_for_the_stay(text_pipeline: CodingPipeline) -> None:
    text = (
        "Mme L., grossesse de 9 SA, hospitalisée pour vomissements incoercibles avec perte de poids. "
        "Réhydratation IV, sortie à J3. Suivi de grossesse par la sage-femme."
    )
    proposals = proposals_of(text_pipeline, text)
    assert proposals["O21"][0] == "DP"
    assert proposals.get("Z33", (None,))[0] != "DP"


def symptoms_table() -> Terminology:
    codes = [
        ("R42", "Étourdissements et éblouissements"),
        ("H811", "Vertige bénin paroxystique"),
        ("R560", "Convulsions fébriles"),
        ("H660", "Otite moyenne suppurée aiguë"),
        ("R55", "Syncope et collapsus"),
        ("S010", "Plaie ouverte du cuir chevelu"),
        ("R51", "Céphalée"),
        ("B530", "Paludisme à Plasmodium ovale"),
        ("B082", "Exanthème subit [sixième maladie]"),
    ]
    return Terminology([CodeEntry(code, label, mco_type=0) for code, label in codes], "test", "2025")


def test_a_symptom_an_untitled_letter_opens_on_gives_way_to_the_diagnosis_of_its_system() -> None:
    # « Vertiges rotatoires … Dix-Hallpike positive : VPPB du canal postérieur droit », and no title.
    vertigo = Candidate("R42", model_score=0.3, dp_score=0.3, score=0.3, mentions=[mention("R42", "other")])
    bppv = Candidate("H811", model_score=0.08, dp_score=0.05, score=0.08, mentions=[mention("H811", "other")])
    assert decide(symptoms_table(), [vertigo, bppv])["H811"].role == "DP"


def test_a_general_symptom_gives_way_to_an_infectious_disease_only() -> None:
    # « Fièvre à 39,5 °C, céphalées … goutte épaisse : Plasmodium ovale »: the malaria explains the headache.
    headache = Candidate("R51", model_score=0.03, dp_score=0.03, score=0.03, mentions=[mention("R51", "other")])
    malaria = Candidate("B530", model_score=0.0, dp_score=0.0, score=0.08, mentions=[mention("B530", "other")])
    assert decide(symptoms_table(), [headache, malaria])["B530"].role == "DP"
    # A febrile convulsion beside the otitis or the roseola that made the fever: the convulsion, of the nervous
    # system, stays the DP.
    for cause in ("H660", "B082"):
        convulsion = Candidate("R560", model_score=0.4, dp_score=0.4, score=0.4, mentions=[mention("R560", "other")])
        fever_cause = Candidate(cause, model_score=0.3, dp_score=0.2, score=0.3, mentions=[mention(cause, "other")])
        assert decide(symptoms_table(), [convulsion, fever_cause])["R560"].role == "DP", cause


def test_an_injury_explains_nothing_of_an_untitled_letter() -> None:
    # A faint and the wound it caused: the wound is what the symptom led to.
    faint = Candidate("R55", model_score=0.4, dp_score=0.4, score=0.4, mentions=[mention("R55", "other")])
    wound = Candidate("S010", model_score=0.3, dp_score=0.2, score=0.3, mentions=[mention("S010", "other")])
    assert decide(symptoms_table(), [faint, wound])["R55"].role == "DP"


def test_a_titled_letter_leaves_its_symptom_dp_to_its_conclusion() -> None:
    vertigo = Candidate("R42", model_score=0.3, dp_score=0.3, score=0.3, mentions=[mention("R42", "conclusion")])
    bppv = Candidate("H811", model_score=0.08, dp_score=0.05, score=0.08, mentions=[mention("H811", "histoire")])
    assert decide(symptoms_table(), [vertigo, bppv])["R42"].role == "DP"


def test_a_motif_naming_the_operation_opens_on_the_condition_it_treats() -> None:
    # « Admis pour une intervention chirurgicale en raison de cataractes séniles » with a fibrillation from the
    # antecedents and the tests, and no conclusion: « intervention chirurgicale » reads as Y83 (an act as the
    # cause of a complication of care), which names what was done, so the motif opens on the cataract.
    table = Terminology(
        [
            CodeEntry("I482", "Fibrillation auriculaire permanente", mco_type=0),
            CodeEntry("H259", "Cataracte sénile, sans précision", mco_type=0),
            CodeEntry("Y839", "Intervention chirurgicale, sans précision", mco_type=0),
        ],
        "test",
        "2025",
    )
    chronic = Candidate(
        "I48",
        model_score=0.95,
        dp_score=0.6,
        score=0.95,
        mentions=[mention("I482", "antecedents", history=True, rank=3), mention("I482", "examens_complementaires")],
    )
    operation = Candidate("Y83", model_score=0.0, dp_score=0.0, score=0.5, mentions=[mention("Y839", "motif", rank=1)])
    cataract = Candidate(
        "H25",
        model_score=0.0,
        dp_score=0.0,
        score=0.3,
        mentions=[mention("H259", "motif", rank=2), mention("H259", "examen_clinique", rank=5)],
    )
    decided = decide(table, [chronic, operation, cataract])
    assert decided["H25"].role == "DP"
    assert decided["I48"].role == "DAS"


def test_a_pulmonary_embolism_is_the_dp_over_the_thrombosis_it_came_from() -> None:
    table = Terminology(
        [
            CodeEntry("I269", "Embolie pulmonaire, sans mention de cœur pulmonaire aigu", mco_type=0),
            CodeEntry(
                "I802", "Phlébite et thrombophlébite d'autres vaisseaux profonds des membres inférieurs", mco_type=0
            ),
        ],
        "test",
        "2025",
    )
    # The DP head prefers the thrombosis, which the letter names at more length, though below its threshold.
    thrombosis = Candidate(
        "I80", model_score=0.45, dp_score=0.9, score=0.45, mentions=[mention("I802", "other", rank=2)] * 2
    )
    embolism = Candidate("I26", model_score=0.6, dp_score=0.0, score=0.6, mentions=[mention("I269", "other", rank=1)])
    decided = decide(table, [thrombosis, embolism])
    assert decided["I26"].role == "DP"
    assert decided["I80"].role == "DAS" and decided["I80"].selected
    # Without the embolism, the thrombosis is the DP.
    assert decide(table, [thrombosis])["I80"].role == "DP"


def test_the_first_condition_a_section_names_is_never_a_drug_or_an_act_as_a_cause() -> None:
    from coding_assistant.pipeline.fusion import first_mentioned

    # « Conclusion : surdosage en digoxine … avec bradycardie jonctionnelle »: Y52.0 names how, not what.
    digoxin = Candidate("Y52", mentions=[mention("Y520", "conclusion", rank=1)])
    bradycardia = Candidate("I49", mentions=[mention("I498", "conclusion", rank=2)])
    fall = Candidate("W19", mentions=[mention("W19", "motif", rank=3)])
    fracture = Candidate("S72", mentions=[mention("S720", "motif", rank=4)])
    candidates = [digoxin, bradycardia, fall, fracture]
    assert first_mentioned(candidates, "conclusion") is bradycardia
    # A fall opening the motif says the stay was for an injury: it stays first.
    assert first_mentioned(candidates, "motif") is fall
