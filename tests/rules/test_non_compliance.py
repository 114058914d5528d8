"""The patient's non-compliance, named or told, is read as Z91.1 (rules/non_compliance.py) and coded beside
what it brought about; a stop decided by the team or a word on compliance education is not. Sentences written
here."""

from __future__ import annotations

import pytest

from coding_assistant.pipeline import CodingPipeline
from coding_assistant.rules.non_compliance import find_non_compliance
from coding_assistant.schema import Document, Stay


@pytest.mark.parametrize(
    ("sentence", "found"),
    [
        ("Acidocétose sévère secondaire à un arrêt de l'insuline basale (non-observance).", True),
        ("HTA sévère non contrôlée par inobservance.", True),
        ("Décompensation cardiaque sur défaut d'observance du traitement diurétique.", True),
        ("Le patient reconnaît avoir arrêté son traitement depuis trois semaines.", True),
        ("Dit avoir arrêté ses injections d'insuline lente depuis une semaine.", True),
        ("Crise généralisée dans un contexte d'arrêt du traitement par le patient.", True),
        ("Il avait arrêté de lui-même le lévétiracétam depuis dix jours.", True),
        ("Arrêt du Kardégic cinq jours avant le geste, reprise à J1.", False),
        ("Éducation thérapeutique sur l'observance, bonne compréhension.", False),
        ("Arrêt des crises après la deuxième dose de clonazépam.", False),
    ],
)
def test_the_patients_own_stop_or_non_observance_is_read(sentence: str, found: bool) -> None:
    mentions = find_non_compliance(sentence)
    assert bool(mentions) is found, mentions
    assert all(m.code == "Z911" for m in mentions)


def test_a_seizure_on_the_patients_stop_of_treatment_codes_z91_1(text_pipeline: CodingPipeline) -> None:
    text = (
        "Motif : crise convulsive généralisée.\n"
        "Antécédents : épilepsie généralisée idiopathique sous Keppra.\n"
        "Histoire : crise tonico-clonique à domicile ; le patient reconnaît avoir arrêté son traitement.\n"
        "Conclusion : crise d'épilepsie sur arrêt du traitement par le patient.\n"
    )
    stay = Stay(stay_id="N1", sex="M", age=34, documents=[Document(doc_id="d", text=text)])
    selected = {p.code for p in text_pipeline.propose(stay).proposals if p.selected}
    assert "Z911" in selected, selected


def test_no_z91_1_when_the_team_stops_a_drug(text_pipeline: CodingPipeline) -> None:
    text = (
        "Motif : crise convulsive généralisée.\n"
        "Évolution : arrêt du Kardégic pendant le séjour. Éducation sur l'observance.\n"
        "Conclusion : crise d'épilepsie sur dette de sommeil.\n"
    )
    stay = Stay(stay_id="N2", sex="M", age=34, documents=[Document(doc_id="d", text=text)])
    assert not any(p.code.startswith("Z91") for p in text_pipeline.propose(stay).proposals if p.selected)
