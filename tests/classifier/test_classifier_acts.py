"""The classifier learns CCAM acts when its training stays have their acts coded, on held-out stays it finds
them, and its act heads never become diagnosis candidates."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from coding_assistant.classifier import load_predictor
from coding_assistant.classifier.labels import ACT, choose_labels, learns_acts
from coding_assistant.pipeline.candidates import build_candidates
from coding_assistant.schema import Codes, Document, Stay
from coding_assistant.synth import generate_stays


def coded(stay_id: str, acts: list[str] | None) -> Stay:
    return Stay(stay_id=stay_id, documents=[Document(doc_id="d", text="texte")], codes=Codes(dp="K358", acts=acts))


def test_acts_are_labels_only_when_every_stay_has_its_acts_coded() -> None:
    every = [coded(f"S{i}", ["HHFA016"] if i % 2 else []) for i in range(10)]
    labels = choose_labels(every, min_count=3)
    assert ("HHFA016", ACT) in set(zip(labels.labels, labels.levels, strict=True))
    y = labels.targets(every)
    column = labels.labels.index("HHFA016")
    assert [int(v) for v in y[:, column]] == [i % 2 for i in range(10)]
    # One stay whose acts are unknown would be a false negative of every act: no act is learnt then.
    unknown = [*every, coded("S10", None)]
    assert not learns_acts(unknown)
    assert ACT not in choose_labels(unknown, min_count=3).levels
    assert not learns_acts([coded("S0", [])])  # acts coded, none ever done: nothing to learn


def test_the_act_heads_find_the_acts_of_held_out_stays(small_model: Path) -> None:
    """`small_model` is trained on 300 synthetic stays of seed 5; these come from seed 99."""
    predictor = load_predictor(small_model)
    bundle = predictor.bundle
    columns = [
        (j, label) for j, (label, level) in enumerate(zip(bundle.labels, bundle.levels, strict=True)) if level == ACT
    ]
    assert columns, "the synthetic stays carry acts: some are frequent enough to be learnt"
    held_out = list(generate_stays(200, seed=99))
    scores = predictor.predict_scores([stay.text for stay in held_out])
    found = expected = false_alarms = negatives = 0
    positive_scores, negative_scores = [], []
    for stay, row in zip(held_out, scores, strict=True):
        gold = set(stay.codes.act_codes()) if stay.codes else set()
        for j, code in columns:
            above = row[j] >= bundle.thresholds[j]
            if code in gold:
                expected += 1
                found += above
                positive_scores.append(row[j])
            else:
                negatives += 1
                false_alarms += above
                negative_scores.append(row[j])
    assert expected >= 10
    assert found / expected >= 0.8  # measured 20 / 20
    assert false_alarms / negatives <= 0.05  # measured 9 / 580
    assert np.mean(positive_scores) - np.mean(negative_scores) >= 0.4  # measured 0.70 against 0.02


def test_an_act_head_is_never_a_diagnosis_candidate() -> None:
    labels = ["K35", "HHFA016"]
    levels = ["category", ACT]
    candidates = build_candidates(np.array([0.9, 0.95]), labels, levels, np.array([0.5, 0.5]), [])
    assert set(candidates) == {"K35"}
