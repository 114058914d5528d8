"""qualify_mentions: negation, hypothesis, family and history, with their cues."""

from __future__ import annotations

import pytest

from coding_assistant.text.qualifiers import Qualifiers, pipeline_info, qualify_mentions


def qualify(text: str, mention: str, occurrence: int = 0, **settings: bool) -> Qualifiers:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(mention, start + 1)
    return qualify_mentions(text, [(start, start + len(mention))], **settings)[0]


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
    ],
)
def test_not_negated(text: str, mention: str) -> None:
    assert not qualify(text, mention).negated


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
    ],
)
def test_hypothetical(text: str, mention: str) -> None:
    result = qualify(text, mention)
    assert result.hypothetical, result
    assert any(cue.startswith("hypothesis: ") for cue in result.cues)


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
    results = qualify_mentions(text, list(reversed(spans)))
    assert [(r.start, r.end) for r in results] == list(reversed(spans))
    by_word = dict(zip(reversed(words), results, strict=True))
    assert by_word["dyspnée"].is_current
    assert by_word["fièvre"].negated
    assert by_word["pneumopathie"].hypothetical
    assert by_word["diabétique"].family


def test_degenerate_spans() -> None:
    assert qualify_mentions("Pas de fièvre.", []) == []
    results = qualify_mentions("Pas de fièvre.", [(3, 3), (50, 60), (6, 7)])
    assert [r.negated for r in results] == [False, False, False]


def test_pipeline_is_built_once() -> None:
    first = pipeline_info()
    assert pipeline_info() is first
    assert {"negation", "hypothesis", "family", "history"} <= set(first.pipe_names)
