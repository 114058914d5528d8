"""Hospital letters as clinicians write them: headings, antecedents that still hold, short letters, the DP."""

from __future__ import annotations

import pytest

from coding_assistant.matching.loading import default_mention_dictionary
from coding_assistant.pipeline import CodingPipeline
from coding_assistant.pipeline.candidates import MIN_CANDIDATES, Candidate, build_candidates
from coding_assistant.pipeline.evidence import gather_evidence
from coding_assistant.pipeline.fusion import features
from coding_assistant.pipeline.training import sentence_dropout
from coding_assistant.rules.persistent import is_persistent, read_persistent_ranges
from coding_assistant.schema import Document, Stay


def stay(text: str, stay_id: str = "L1") -> Stay:
    return Stay(stay_id=stay_id, sex="M", age=70, documents=[Document(doc_id=f"{stay_id}-CRH", text=text)])


def mentioned_categories(text: str) -> set[str]:
    evidence = gather_evidence(stay(text), default_mention_dictionary())
    return {code[:3] for mention in evidence.mentions for code in mention.codes}


@pytest.mark.parametrize(
    "heading",
    [
        "Antécédents médicaux, chirurgicaux, familiaux, allergies",
        "**Antécédents médicaux, chirurgicaux, familiaux, allergies :**",
        "ANTECEDENTS MEDICAUX, CHIRURGICAUX, FAMILIAUX, ALLERGIES",
        "Allergies :",
        "## Allergies",
    ],
)
def test_a_heading_is_never_a_mention(heading):
    text = f"Motif d'hospitalisation : pneumopathie.\n{heading}\n\nATCD :\n- HTA\nConclusion : pneumopathie.\n"
    categories = mentioned_categories(text)
    assert "T78" not in categories  # "allergies" in a heading is no allergy
    assert "I10" in categories  # what follows is read


def test_a_form_label_is_not_a_mention_but_its_value_is_read():
    categories = mentioned_categories("Allergies : pas d'allergie connue\nConclusion : pneumopathie.\n")
    evidence = gather_evidence(
        stay("Allergies : allergie à la pénicilline\nDiabète de type 2.\n"), default_mention_dictionary()
    )
    assert "T78" not in categories
    assert not any(m.start < len("Allergies :") for m in evidence.mentions)


def test_markdown_headings_do_not_cut_their_section():
    text = (
        "**Motif d'admission :**\nDouleur thoracique.\n\n**Antécédents médicaux :**\n"
        "Il souffre d'un diabète de type 2 et d'une hypertension artérielle.\n\n"
        "**Conclusion :**\nInfarctus du myocarde.\n"
    )
    evidence = gather_evidence(stay(text), default_mention_dictionary())
    sections = {m.codes[0][:3]: m.section for m in evidence.mentions}
    assert sections["E11"] == "antecedents" and sections["I10"] == "antecedents"
    assert sections["I21"] == "conclusion"


@pytest.mark.parametrize(
    ("code", "persistent"),
    [("E11", True), ("Z955", True), ("N185", True), ("E43", True), ("E559", True), ("K35", False), ("E86", False)],
)
def test_persistent_conditions(code, persistent):
    assert is_persistent(code) is persistent


def test_persistent_conditions_file_names_its_bad_line(tmp_path):
    bad = tmp_path / "persistent.csv"
    bad.write_text("code_from,code_to,kind,basis\nE10,E14,chronic,ok\nZ95,,forever,?\n", encoding="utf-8")
    with pytest.raises(Exception, match=r"persistent\.csv:3"):
        read_persistent_ranges(bad)


def test_a_chronic_disease_among_the_antecedents_is_current_a_resolved_one_is_past():
    text = "Antécédents :\n- Diabète de type 2 sous metformine\n- Appendicite aiguë\nConclusion : pneumopathie.\n"
    evidence = gather_evidence(stay(text), default_mention_dictionary())
    candidates = build_candidates(None, [], [], None, evidence.mentions)
    past_only = {category: bool(features(c)[5]) for category, c in candidates.items()}
    assert past_only["E11"] is False
    assert past_only["K35"] is True


def test_a_condition_only_among_the_antecedents_is_not_the_dp(text_pipeline):
    text = "Antécédents :\n- Embolie pulmonaire\nHistoire de la maladie : toux fébrile.\nConclusion : pneumopathie.\n"
    result = text_pipeline.propose(stay(text))
    dp = [p.code for p in result.proposals if p.role == "DP"]
    assert dp and not dp[0].startswith("I26")


def test_a_short_letter_gets_a_ranked_list_and_a_dp(small_model):
    pipeline = CodingPipeline.load(small_model)
    result = pipeline.propose(stay("Hospitalisé en ambulatoire. Geste réalisé sans complication. Sortie le jour même."))
    assert len(result.proposals) >= MIN_CANDIDATES
    assert sum(p.role == "DP" for p in result.proposals) == 1


def test_the_candidate_list_is_filled_from_the_classifier_only_up_to_the_minimum():
    import numpy as np

    labels = [f"A{i:02d}" for i in range(30)]
    scores = np.linspace(0.01, 0.04, 30)  # all below the listing floor
    candidates = build_candidates(scores, labels, ["category"] * 30, np.full(30, 0.5), [])
    assert len(candidates) == MIN_CANDIDATES
    assert min(c.model_score for c in candidates.values()) >= sorted(scores)[-MIN_CANDIDATES]
    assert all(isinstance(c, Candidate) for c in candidates.values())


def test_sentence_dropout_is_deterministic_and_keeps_a_share():
    text = " ".join(f"Phrase numéro {i}." for i in range(200))
    once, again = sentence_dropout(text, 0.5, "S1"), sentence_dropout(text, 0.5, "S1")
    assert once == again
    assert 0.35 < len(once.split(".")) / 200 < 0.65
    assert sentence_dropout(text, 0.5, "S2") != once


def test_a_cancer_among_the_antecedents_is_also_its_personal_history_code():
    text = "Antécédents :\n- Adénocarcinome du côlon opéré en 2015\n\nConclusion : pneumopathie.\n"
    evidence = gather_evidence(stay(text), default_mention_dictionary())
    history = [m for m in evidence.mentions if m.source == "history"]
    assert history and history[0].codes == ("Z8500",)
    assert text[history[0].start : history[0].end].lower().startswith("adénocarcinome")


def test_a_current_cancer_is_no_personal_history():
    text = "Histoire de la maladie : adénocarcinome du côlon découvert sur anémie.\nConclusion : cancer du côlon.\n"
    evidence = gather_evidence(stay(text), default_mention_dictionary())
    assert not [m for m in evidence.mentions if m.source == "history"]


def test_a_negated_head_negates_its_coordinated_sites():
    text = "Scanner : absence de métastases hépatiques et osseuses.\nConclusion : pneumopathie.\n"
    evidence = gather_evidence(stay(text), default_mention_dictionary())
    metastases = [m for m in evidence.mentions if m.codes and m.codes[0][:3] in {"C78", "C79"}]
    assert len(metastases) >= 2
    assert all(m.negated for m in metastases)


def test_status_from_drugs_and_past_treatments():
    text = (
        "Antécédents :\n- FA permanente\n- Cancer du sein 2010 : mastectomie + radiothérapie, en rémission\n\n"
        "Traitement à l'entrée :\nEliquis 5 mg x2\nKardegic 75 mg\n\nConclusion : pneumopathie.\n"
    )
    evidence = gather_evidence(stay(text), default_mention_dictionary())
    codes = {code for m in evidence.mentions if not m.excluded for code in m.codes}
    assert {"Z921", "Z853", "Z923"} <= codes
    assert "Z922" not in codes  # an antiplatelet agent gives no status code (terminologies/rules/README.md)
    drug = next(m for m in evidence.mentions if m.source == "drug" and m.codes == ("Z921",))
    assert text[drug.start : drug.end] == "Eliquis" and drug.section == "traitement_entree"


def test_a_drug_named_in_a_heading_or_negated_gives_no_status():
    text = "Pas d'anticoagulant, pas d'Eliquis.\nConclusion : pneumopathie.\n"
    evidence = gather_evidence(stay(text), default_mention_dictionary())
    assert all(m.negated for m in evidence.mentions if m.source == "drug")


def test_a_status_is_not_the_dp(text_pipeline):
    text = "Porteur de pacemaker. Sous Eliquis.\nConclusion : pneumopathie franche lobaire aiguë.\n"
    result = text_pipeline.propose(stay(text))
    dp = next(p.code for p in result.proposals if p.role == "DP")
    assert not dp.startswith(("Z95", "Z92"))


def test_a_diagnosis_that_opens_the_conclusion_is_the_dp_rather_than_a_symptom():
    from coding_assistant.pipeline.decided import Decided
    from coding_assistant.pipeline.roles import _diagnosis_over_symptom

    falls, parkinson, hta = Candidate("R29"), Candidate("G20"), Candidate("I10")
    symptom = Decided(falls, "R296", selected=True)
    disease = Decided(parkinson, "G20", selected=True)
    other = Decided(hta, "I10", selected=True)
    pool = [symptom, disease, other]
    assert _diagnosis_over_symptom(symptom, pool, parkinson) is disease
    # No diagnosis opens the conclusion (it opens on the symptom): the symptom stays the DP.
    assert _diagnosis_over_symptom(symptom, pool, falls) is symptom
    # A diagnosis the pipeline does not select does not replace it.
    disease.selected = False
    assert _diagnosis_over_symptom(symptom, pool, parkinson) is symptom


def test_a_session_named_first_in_the_motif_is_the_dp_and_its_tumour_the_dr(text_pipeline):
    text = (
        "Motif d'admission : séance de chimiothérapie pour adénocarcinome du côlon.\n"
        "Conclusion : adénocarcinome du côlon, cure bien tolérée.\n"
    )
    roles = {p.code[:3]: p.role for p in text_pipeline.propose(stay(text)).proposals if p.selected}
    assert roles.get("Z51") == "DP" and roles.get("C18") == "DR"


def test_session_rule_needs_the_session_first_in_the_motif():
    from coding_assistant.pipeline.decided import Decided
    from coding_assistant.pipeline.roles import _session_motif

    tumour, session = Candidate("C18"), Candidate("Z51")
    dp = Decided(tumour, "C189", selected=True)
    chemo = Decided(session, "Z511", selected=True)
    assert _session_motif(dp, [dp, chemo], session, overnight=False) is chemo
    assert _session_motif(dp, [dp, chemo], tumour, overnight=False) is dp
    chemo.selected = False
    assert _session_motif(dp, [dp, chemo], session, overnight=False) is dp


def test_a_drug_started_during_the_stay_is_no_long_term_treatment():
    text = "Évolution : FA découverte, mise sous Eliquis 5 mg x2.\nTraitement de sortie :\nEliquis 5 mg x2\n"
    evidence = gather_evidence(stay(text), default_mention_dictionary())
    assert not [m for m in evidence.mentions if m.source == "drug"]


def test_the_most_precise_wording_names_the_code():
    text = "BPCO post-tabagique. BPCO stade 3. Conclusion : exacerbation de BPCO.\n"
    evidence = gather_evidence(stay(text), default_mention_dictionary())
    candidate = build_candidates(None, [], [], None, evidence.mentions)["J44"]
    assert candidate.mentioned_codes()[0] == "J441"


def test_a_site_threshold_per_category_is_read_with_the_fusion(tmp_path):
    import json

    import numpy as np

    from coding_assistant.classifier.bundle import ModelBundleError
    from coding_assistant.pipeline.fusion import FEATURES, FUSION_FILE, SITE_THRESHOLDS_FILE, Fusion, score_candidates

    fusion = Fusion(weights=np.zeros(len(FEATURES)), bias=0.0, threshold=0.5)
    fusion.save(tmp_path)
    assert Fusion.load(tmp_path).category_thresholds == {}  # type: ignore[union-attr]
    (tmp_path / SITE_THRESHOLDS_FILE).write_text(json.dumps({"category_thresholds": {"I10": 0.8}}), encoding="utf-8")
    loaded = Fusion.load(tmp_path)
    assert loaded is not None and (tmp_path / FUSION_FILE).is_file()
    hta, other = Candidate("I10"), Candidate("E11")
    score_candidates([hta, other], loaded)
    assert (hta.select_threshold, other.select_threshold) == (0.8, 0.5)
    (tmp_path / SITE_THRESHOLDS_FILE).write_text('{"category_thresholds": [1]}', encoding="utf-8")
    with pytest.raises(ModelBundleError, match=SITE_THRESHOLDS_FILE):
        Fusion.load(tmp_path)


def sections_of(text: str) -> dict[str, set[str]]:
    evidence = gather_evidence(stay(text), default_mention_dictionary())
    found: dict[str, set[str]] = {}
    for mention in evidence.mentions:
        found.setdefault(mention.codes[0][:3], set()).add(mention.section)
    return found


@pytest.mark.parametrize(
    "plan",
    [
        "Il est recommandé de surveiller la fonction rénale et de suivre de près l'évolution du diabète.",
        "Surveillance du diabète par le médecin traitant.",
        "Diabète à contrôler à distance.",
    ],
)
def test_a_follow_up_sentence_of_the_conclusion_is_not_the_conclusion(plan):
    text = f"Conclusion : pneumopathie franche lobaire aiguë guérie. {plan}\n"
    found = sections_of(text)
    assert found["J18"] == {"conclusion"}
    assert found["E14"] == {"other"}  # what is to be watched after the stay, as under a "Suivi :" title


def test_a_condition_the_conclusion_states_before_a_follow_up_cue_stays_in_the_conclusion():
    found = sections_of("Conclusion : diabète déséquilibré, surveillance glycémique.\n")
    assert found["E14"] == {"conclusion"}


@pytest.mark.parametrize(
    "sentence",
    [
        "Conclusion : pneumopathie franche lobaire aiguë, diabète, transfert en unité de surveillance continue.",
        "Conclusion : à la réévaluation, pneumopathie franche lobaire aiguë et diabète.",
    ],
)
def test_care_during_the_stay_is_not_a_follow_up_plan(sentence):
    assert sections_of(sentence + "\n")["E14"] == {"conclusion"}


def selected_codes(pipeline, text: str) -> dict[str, list[str]]:
    """Selected code → the texts of its evidence."""
    proposals = pipeline.propose(stay(text)).proposals
    return {p.code: [e.text for e in p.evidence] for p in proposals if p.selected}


def test_an_enumeration_of_two_conditions_of_one_category_gives_both_codes(text_pipeline):
    text = (
        "Motif : altération de l'état général.\n"
        "Conclusion : métastases pulmonaires et hépatiques d'un adénocarcinome colique. "
        "Hyponatrémie et hyperkaliémie.\n"
    )
    codes = selected_codes(text_pipeline, text)
    assert {"C780", "C787"} <= set(codes), codes
    # Each keeps the words that name it as its evidence.
    assert codes["C787"] == ["hépatiques"] and "hépatiques" not in codes["C780"]
    assert {code[:4] for code in codes if code.startswith("E87")} == {"E871", "E875"}


def test_two_codes_of_one_category_named_apart_stay_one_code(text_pipeline):
    # « TVP » and « thrombose veineuse profonde fémorale » are one thrombosis named twice, not two.
    text = "Motif : TVP.\nExamen : grosse jambe gauche.\nConclusion : thrombose veineuse profonde fémorale gauche.\n"
    codes = selected_codes(text_pipeline, text)
    assert len([code for code in codes if code.startswith("I80")]) == 1, codes
