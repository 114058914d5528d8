"""qualify_mentions: negation, hypothesis, family and history, with their cues — under both engines."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from coding_assistant.text.qualifiers import QualifierEngine, Qualifiers, pipeline_info, qualify_mentions

ENGINE: dict[str, QualifierEngine] = {"current": "rules"}


@pytest.fixture(autouse=True, params=["rules", "edsnlp"])
def engine(request: pytest.FixtureRequest) -> Iterator[str]:
    """Every test runs once per engine: both must give the same answers."""
    ENGINE["current"] = request.param
    yield request.param
    ENGINE["current"] = "rules"


def qualify(text: str, mention: str, occurrence: int = 0, **settings: bool) -> Qualifiers:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(mention, start + 1)
    return qualify_mentions(text, [(start, start + len(mention))], engine=ENGINE["current"], **settings)[0]


@pytest.mark.parametrize(
    ("text", "mention"),
    [
        ("Pas de récidive de FA.", "FA"),
        ("Absence de pneumothorax.", "pneumothorax"),
        ("Suspicion d'EP éliminée.", "EP"),
        ("Embolie pulmonaire écartée au scanner.", "Embolie pulmonaire"),
        ("Infection materno-fœtale écartée.", "Infection materno-fœtale"),
        ("ECBU négatif.", "ECBU"),
        ("Diagnostic d'endocardite non retenu.", "endocardite"),
        ("Patient sans diabète.", "diabète"),
        ("Pas d'argument pour une hépatite alcoolique.", "hépatite alcoolique"),
        # A negation that follows in the plural agrees with every condition coordinated before it.
        ("Appendicite et torsion d'annexe écartées.", "Appendicite"),
        ("Embolie pulmonaire ou dissection aortique éliminées au scanner.", "Embolie pulmonaire"),
        ("Syndrome coronarien aigu, embolie pulmonaire et dissection aortique écartés.", "Syndrome coronarien aigu"),
        ("Antigénuries pneumocoque et légionelle négatives.", "pneumocoque"),
        # The judgment as a verb after the diagnosis.
        ("Un AIT n'est pas retenu (doppler des TSA normal).", "AIT"),
        ("La poussée de SEP n'a pas été confirmée.", "poussée de SEP"),
    ],
)
def test_negated(text: str, mention: str) -> None:
    result = qualify(text, mention)
    assert result.negated, result
    assert any(cue.startswith("negation: ") for cue in result.cues)


def test_negation_cue_is_named() -> None:
    assert "negation: 'pas de'" in qualify("Pas de fièvre.", "fièvre").cues


@pytest.mark.parametrize(
    ("text", "mention"),
    [
        ("Pas de fièvre. Pneumopathie franche.", "Pneumopathie"),  # scope ends at the sentence
        ("Pas de fièvre\nToux productive.", "Toux"),  # and at the line
        ("Pas de fièvre, toux productive.", "toux"),  # and at a comma
        ("Appendicite non compliquée.", "Appendicite"),  # "non" after a diagnosis qualifies it
        ("DT2 non insulinotraité.", "DT2"),
        ("EP à éliminer.", "EP"),  # hypothetical, not negated
        ("Douleur FID et appendicite écartée.", "Douleur"),  # a singular negation agrees with its own noun
        ("Douleur FID, appendicite et torsion écartées.", "Douleur"),  # a comma still ends the clause
        # Said of a cause, not of the symptom.
        ("La cause des paresthésies n'est pas retrouvée.", "paresthésies"),
        # How an examination was done, not a finding denied.
        ("Le scanner sans injection a montré un calcul de l'uretère lombaire.", "calcul"),
        ("IRM cérébrale sans gadolinium : hématome sous-dural.", "hématome"),
    ],
)
def test_not_negated(text: str, mention: str) -> None:
    assert not qualify(text, mention).negated


def test_a_denial_stops_at_a_colon_after_what_it_denies() -> None:
    text = "Graisse périrénale infiltrée, sans abcès rénal : il s'agissait d'une pyélonéphrite obstructive."
    assert qualify(text, "abcès").negated
    assert not qualify(text, "pyélonéphrite").negated
    # Right after its cue, the colon introduces what is denied; a following cue reaches back over it; a
    # condition reaches over its colon to what it conditions.
    assert qualify("Pas de : fièvre, frissons.", "fièvre").negated
    assert qualify("Geste non réalisé : cholécystectomie.", "cholécystectomie").negated
    assert qualify("Toxoplasmose : sérologie négative.", "Toxoplasmose").negated
    assert qualify("Si échec : résection de prostate.", "résection").hypothetical


@pytest.mark.parametrize(
    ("text", "mention"),
    [
        ("Suspicion de pneumopathie.", "pneumopathie"),
        ("EP à éliminer.", "EP"),
        ("Pneumopathie possible.", "Pneumopathie"),
        ("Adénopathies évoquant une sarcoïdose.", "sarcoïdose"),
        ("Sarcoïdose évoquée.", "Sarcoïdose"),
        ("Endocardite ?", "Endocardite"),
        ("Probable pneumopathie.", "pneumopathie"),
        ("HBPM pour éviter une thrombose veineuse profonde.", "thrombose"),
        ("Régime riche en fer afin de prévenir l'anémie.", "anémie"),
        ("Matelas à air en prévention des escarres.", "escarres"),
        ("Bactrim en prophylaxie de la pneumocystose.", "pneumocystose"),
    ],
)
def test_hypothetical(text: str, mention: str) -> None:
    result = qualify(text, mention)
    assert result.hypothetical, result
    assert any(cue.startswith("hypothesis: ") for cue in result.cues)


def test_secondary_prevention_names_a_disease_the_patient_has() -> None:
    assert not qualify("Aspirine en prévention secondaire de sa cardiopathie ischémique.", "cardiopathie").hypothetical
    # A prevention cue reaches no further than its segment.
    result = qualify("HBPM pour éviter une thrombose, avec une fracture du col fémoral.", "fracture")
    assert not result.hypothetical, result


def test_probable_is_a_setting() -> None:
    assert qualify("Probable pneumopathie.", "pneumopathie").hypothetical
    assert not qualify("Probable pneumopathie.", "pneumopathie", probable_is_hypothetical=False).hypothetical
    # other hypothesis cues are kept when "probable" is coded
    assert qualify("Suspicion de pneumopathie.", "pneumopathie", probable_is_hypothetical=False).hypothetical


def test_hypothesis_cues_that_misfire_on_letters_are_dropped() -> None:
    assert not qualify("Ictère conjonctival discret.", "Ictère").hypothetical
    assert not qualify("Insuline selon protocole, diabète équilibré.", "diabète").hypothetical


@pytest.mark.parametrize(
    ("text", "mention", "cue"),
    [
        ("ATCD familiaux : père IDM.", "IDM", "family: 'père'"),
        ("Sa mère a eu un cancer du sein.", "cancer du sein", "family: 'mère'"),
        ("Frère décédé d'un AVC.", "AVC", "family: 'frère'"),
        ("Sœur : leucémie.", "leucémie", "family: 'sœur'"),
        ("ANTECEDENTS\nFamiliaux : diabète.\n", "diabète", "section: antécédents familiaux"),
    ],
)
def test_family(text: str, mention: str, cue: str) -> None:
    result = qualify(text, mention)
    assert result.family and cue in result.cues, result


def test_not_family() -> None:
    assert not qualify("Hypercholestérolémie familiale.", "Hypercholestérolémie").family
    assert not qualify("Adressée par sa fille pour confusion.", "confusion").family
    text = "ATCD\n- Fam : père diabétique.\nPas de tabac. HTA.\n"
    assert qualify(text, "diabétique").family
    assert not qualify(text, "HTA").family


@pytest.mark.parametrize(
    ("text", "mention", "cue"),
    [
        ("ATCD\n- HTA\n", "HTA", "section: antécédents"),
        ("Antécédent de tuberculose.", "tuberculose", "history: 'antécédent de'"),
        ("ATCD de pneumothorax.", "pneumothorax", "history: 'atcd de'"),
        ("IDM en 2015, stenté.", "IDM", "history: '2015'"),
        ("Lymphome guéri.", "Lymphome", "history: 'guéri'"),
    ],
)
def test_history(text: str, mention: str, cue: str) -> None:
    result = qualify(text, mention)
    assert result.history and cue in result.cues, result
    assert result.is_current  # history is a separate flag


def test_not_history() -> None:
    assert not qualify("HTA depuis 2015.", "HTA").history
    assert not qualify("Hospitalisée le 03/02/2025 pour OAP.", "OAP").history
    assert not qualify("HDM : dyspnée.", "dyspnée").history


def test_many_spans_keep_their_order_and_offsets() -> None:
    text = "Motif : dyspnée.\nPas de fièvre. Probable pneumopathie.\nATCD familiaux : mère diabétique."
    words = ["dyspnée", "fièvre", "pneumopathie", "diabétique"]
    spans = [(text.index(w), text.index(w) + len(w)) for w in words]
    results = qualify_mentions(text, list(reversed(spans)), engine=ENGINE["current"])
    assert [(r.start, r.end) for r in results] == list(reversed(spans))
    by_word = dict(zip(reversed(words), results, strict=True))
    assert by_word["dyspnée"].is_current
    assert by_word["fièvre"].negated
    assert by_word["pneumopathie"].hypothetical
    assert by_word["diabétique"].family


def test_degenerate_spans() -> None:
    assert qualify_mentions("Pas de fièvre.", [], engine=ENGINE["current"]) == []
    results = qualify_mentions("Pas de fièvre.", [(3, 3), (50, 60), (6, 7)])
    assert [r.negated for r in results] == [False, False, False]


def test_pipeline_is_built_once() -> None:
    first = pipeline_info()
    assert pipeline_info() is first
    assert {"negation", "hypothesis", "family", "history"} <= set(first.pipe_names)


@pytest.mark.parametrize(
    ("text", "mention"),
    [
        ("Pas de fièvre mais toux productive.", "toux"),  # terminations end the scope
        ("Pas de fièvre cependant dyspnée d'effort.", "dyspnée"),
        ("Pas de changement de l'HTA.", "HTA"),  # pseudo cues are no negation
        ("Sans doute une pneumopathie.", "pneumopathie"),
        ("Non seulement une anémie mais aussi une thrombopénie.", "anémie"),
        ("Non seulement une anémie mais aussi une thrombopénie.", "thrombopénie"),
    ],
)
def test_scopes_and_pseudo_cues(text: str, mention: str) -> None:
    assert not qualify(text, mention).negated


@pytest.mark.parametrize(
    ("text", "mention", "flag", "cue"),
    [
        ("Le scanner élimine une embolie pulmonaire.", "embolie pulmonaire", "negated", "negation: 'élimine'"),
        ("On pourrait évoquer une sarcoïdose.", "sarcoïdose", "hypothetical", "hypothesis: 'pourrait'"),
        ("Pneumopathie suspectée à la radio.", "Pneumopathie", "hypothetical", "hypothesis: 'suspectée'"),
        ("Le patient ne présente pas de fièvre.", "fièvre", "negated", "negation: 'ne'"),
        ("Pas d’argument pour une hépatite.", "hépatite", "negated", "negation: 'pas d'argument pour'"),
        ("PAS DE FIEVRE.", "FIEVRE", "negated", "negation: 'pas de'"),
        ("Soeur : leucémie.", "leucémie", "family", "family: 'soeur'"),
    ],
)
def test_verb_forms_regexes_case_accents_and_quotes(text: str, mention: str, flag: str, cue: str) -> None:
    result = qualify(text, mention)
    assert getattr(result, flag) and cue in result.cues, result


def test_rules_engine_needs_no_spacy() -> None:
    code = (
        "import sys\n"
        "from coding_assistant.text.qualifiers import qualify_mentions\n"
        "assert qualify_mentions('Pas de fièvre.', [(7, 13)], engine='rules')[0].negated\n"
        "assert not any(name.split('.')[0] in {'spacy', 'edsnlp', 'pandas'} for name in sys.modules)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_vendored_cue_vocabulary_is_edsnlps() -> None:
    pytest.importorskip("pandas")
    from coding_assistant.text.patterns import edsnlp_cues
    from coding_assistant.text.patterns.export_edsnlp_cues import vocabulary

    for name, items in vocabulary().items():
        assert tuple(items) == getattr(edsnlp_cues, name), f"{name}: run export_edsnlp_cues again"


def test_engines_agree_on_synthetic_letters(engine: str) -> None:
    from coding_assistant.matching import find_mentions
    from coding_assistant.matching.loading import default_mention_dictionary
    from coding_assistant.synth import generate_stays

    if engine != "rules":
        pytest.skip("one comparison is enough")
    dictionary = default_mention_dictionary()
    compared = 0
    for stay in generate_stays(30, seed=11):
        for document in stay.documents:
            spans = [(m.start, m.end) for m in find_mentions(document.text, dictionary)]
            rules = qualify_mentions(document.text, spans, engine="rules")
            edsnlp = qualify_mentions(document.text, spans, engine="edsnlp")
            assert rules == edsnlp, document.doc_id
            compared += len(spans)
    assert compared > 200


def test_engine_is_a_setting(engine: str) -> None:
    if engine != "rules":
        pytest.skip("one run is enough")
    # The setting reaches the pipeline's evidence and the act proposer (the text layer never reads it itself).
    code = (
        "from coding_assistant.acts import default_proposer\n"
        "from coding_assistant.pipeline.pipeline import PipelineSettings\n"
        "print(PipelineSettings.configured().qualifier_engine, default_proposer().settings.qualifier_engine)"
    )
    environment = {k: v for k, v in os.environ.items() if k != "CODING_ASSISTANT_QUALIFIER_ENGINE"}

    def answer() -> str:
        return subprocess.run([sys.executable, "-c", code], env=environment, capture_output=True, text=True).stdout

    answers = [answer()]  # the default
    for value in ("edsnlp", "rules"):
        environment["CODING_ASSISTANT_QUALIFIER_ENGINE"] = value
        answers.append(answer())
    assert [a.strip() for a in answers] == ["rules rules", "edsnlp edsnlp", "rules rules"]


def test_a_cue_inside_parentheses_qualifies_only_what_they_hold():
    text = "Conclusion : infection urinaire masculine (prostatite aiguë probable) compliquée de RAU."
    assert not qualify(text, "infection urinaire masculine").hypothetical
    assert qualify(text, "prostatite aiguë").hypothetical
    aside = "Douleur thoracique (pas de sus-décalage du ST) résolutive."
    assert not qualify(aside, "Douleur thoracique").negated
    assert qualify(aside, "sus-décalage du ST").negated
