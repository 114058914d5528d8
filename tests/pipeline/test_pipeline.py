"""The proposal pipeline on short texts: evidence, qualifiers, specificity, roles, rules, the contract."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from coding_assistant.matching.loading import default_mention_dictionary
from coding_assistant.pipeline import CodingPipeline
from coding_assistant.pipeline.candidates import Candidate
from coding_assistant.pipeline.fusion import Fusion, features, fit_fusion
from coding_assistant.schema import Document, Stay, StayProposals


def stay(text: str, sex: str = "F", age: int = 70, stay_id: str = "T1") -> Stay:
    return Stay(stay_id=stay_id, sex=sex, age=age, documents=[Document(doc_id=f"{stay_id}-CRH", text=text)])


def selected(result: StayProposals) -> dict[str, str | None]:
    return {p.code: p.role for p in result.proposals if p.selected}


def test_conclusion_gives_dp_and_das_with_evidence_offsets(text_pipeline):
    text = "Motif : dyspnée.\nAntécédents : HTA.\nConclusion : Pyélonéphrite aiguë droite. Hypothyroïdie substituée.\n"
    result = text_pipeline.propose(stay(text))
    roles = selected(result)
    assert roles.get("N10") == "DP"
    assert any(code.startswith("E03") for code in roles)
    for proposal in result.proposals:
        for evidence in proposal.evidence:
            assert text[evidence.start : evidence.end] == evidence.text


@pytest.mark.parametrize(
    "sentence",
    [
        "Pas d'embolie pulmonaire.",
        "Embolie pulmonaire éliminée par l'angioscanner.",
        "Suspicion d'embolie pulmonaire.",
        "Antécédents familiaux : embolie pulmonaire chez la mère.",
    ],
)
def test_negated_hypothetical_and_family_mentions_are_never_selected(text_pipeline, sentence):
    result = text_pipeline.propose(stay(f"Conclusion : Pyélonéphrite aiguë.\n{sentence}\n"))
    embolism = [p for p in result.proposals if p.code.startswith("I26")]
    assert not any(p.selected for p in embolism)
    for proposal in embolism:
        assert any(w.rule == "excluded-mentions" and "non retenu" in w.message for w in proposal.warnings)
        assert all(e.cues for e in proposal.evidence if e.negated or e.hypothetical or e.family)  # why, said


def test_specificity_from_measurements(text_pipeline):
    result = text_pipeline.propose(
        stay("Conclusion : Insuffisance cardiaque congestive décompensée. ETT : FEVG 30 %.\n")
    )
    assert "I5002" in selected(result)


def test_kidney_stage_from_dfg(text_pipeline):
    result = text_pipeline.propose(
        stay("Conclusion : Pyélonéphrite aiguë.\nMaladie rénale chronique, DFG 22 ml/min.\n")
    )
    assert "N184" in {p.code for p in result.proposals}


def test_chemotherapy_session_gets_its_tumour_as_dr(text_pipeline):
    text = "Motif : séance de chimiothérapie.\nConclusion : Cancer du sein gauche. Séance de chimiothérapie.\n"
    roles = selected(text_pipeline.propose(stay(text, sex="F", age=54)))
    assert roles.get("Z511") == "DP"
    dr = [code for code, role in roles.items() if role == "DR"]
    assert dr and dr[0].startswith("C50")


def test_rule_warnings_name_the_rule(text_pipeline):
    # An obstetric diagnosis for a man: the sex rule fires on the selected code.
    result = text_pipeline.propose(stay("Conclusion : Pré-éclampsie sévère.\n", sex="M", age=40))
    warnings = [w for p in result.proposals if p.selected for w in p.warnings] + result.warnings
    sex = [w for w in warnings if w.rule == "sex"]
    assert sex and sex[0].is_check and sex[0].severity == "error" and sex[0].fg_error


def test_output_is_the_proposals_contract(text_pipeline):
    result = text_pipeline.propose(stay("Conclusion : Pyélonéphrite aiguë.\n"))
    payload = json.loads(result.model_dump_json())
    assert set(payload) == {
        "stay_id",
        "model",
        "proposals",
        "acts",
        "warnings",
        "terminology",
        "measurements",
        "grouping",
    }
    proposal = payload["proposals"][0]
    assert set(proposal) == {"code", "label", "score", "role", "selected", "evidence", "warnings"}
    assert set(proposal["evidence"][0]) == {
        "doc_id",
        "start",
        "end",
        "text",
        "negated",
        "hypothetical",
        "family",
        "cues",
    }
    assert sum(p["role"] == "DP" for p in payload["proposals"]) == 1


def test_fusion_fits_and_round_trips(tmp_path):
    rng = np.random.default_rng(0)
    samples = []
    for i in range(400):
        truth = bool(i % 2)
        c = Candidate(category="I50", model_score=float(np.clip(rng.normal(0.7 if truth else 0.2, 0.15), 0, 1)))
        samples.append((c, truth))
    fusion = fit_fusion(samples)
    assert fusion.weights[0] > 0  # a higher classifier probability means more likely coded
    fusion.save(tmp_path)
    again = Fusion.load(tmp_path)
    probe = Candidate(category="I50", model_score=0.9)
    assert abs(again.probability(probe) - fusion.probability(probe)) < 1e-4
    assert features(probe).shape == (len(fusion.weights),)


def test_predict_command_writes_proposals_and_names_bad_stays(tmp_path, terminology):
    from coding_assistant.classifier.train import TrainSettings, train_tfidf
    from coding_assistant.synth import generate_stays

    model = tmp_path / "model"
    train_tfidf(list(generate_stays(300, seed=5)), model, "tiny", TrainSettings(min_count=3))
    stays = tmp_path / "stays.jsonl"
    good = stay("Conclusion : Pyélonéphrite aiguë.\n", stay_id="G1").model_dump_json()
    stays.write_text(good + "\n{broken\n" + good.replace("G1", "G2") + "\n", encoding="utf-8")
    output = tmp_path / "out.jsonl"
    command = [sys.executable, "-m", "coding_assistant", "predict", str(stays), "--output", str(output)]
    result = subprocess.run(
        [*command, "--model", str(model)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1
    assert "stays.jsonl:2: not valid JSON" in result.stderr and "Traceback" not in result.stderr
    lines = [json.loads(line) for line in output.read_text().splitlines()]
    assert [line["stay_id"] for line in lines] == ["G1", "G2"]
    assert lines[0]["model"]["name"] == "tiny"


def test_probable_is_a_setting(terminology):
    from coding_assistant.pipeline import PipelineSettings

    text = "Conclusion : Hypothyroïdie. Pyélonéphrite aiguë probable.\n"
    strict = CodingPipeline(None, terminology, default_mention_dictionary())
    lenient = CodingPipeline(
        None, terminology, default_mention_dictionary(), PipelineSettings(probable_is_hypothetical=False)
    )
    assert not any(code.startswith("N10") for code in selected(strict.propose(stay(text))))
    assert any(code.startswith("N10") for code in selected(lenient.propose(stay(text))))


def test_the_dp_head_counts_down_to_the_floor_and_no_further():
    # A classifier that knows the category but scores it 0 as the DP (a letter unlike its corpus) weighs no less
    # than 5 %: where the letter names the diagnosis must still decide.
    from coding_assistant.pipeline.fusion import MODEL_LOGIT_FLOOR, dp_features

    known_but_zero = Candidate("K85", model_score=0.05, dp_score=0.0)
    known_and_likely = Candidate("K85", model_score=0.05, dp_score=0.6)
    assert dp_features(known_but_zero, None, None)[1] == pytest.approx(MODEL_LOGIT_FLOOR)
    assert dp_features(known_and_likely, None, None)[1] > MODEL_LOGIT_FLOOR
    assert dp_features(Candidate("K85"), None, None)[1] < MODEL_LOGIT_FLOOR  # a category it never learnt
