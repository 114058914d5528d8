"""Words clinicians and the labels use for the same thing match each other's wordings (text/equivalents.py)."""

import pytest

from coding_assistant.matching import find_mentions
from coding_assistant.matching.loading import default_mention_dictionary
from coding_assistant.text.equivalents import CANONICAL_STEMS, canonical
from coding_assistant.text.normalize import stem


@pytest.fixture(scope="module")
def dictionary():
    return default_mention_dictionary()


def codes_of(text, dictionary):
    return {code for m in find_mentions(text, dictionary) for code in m.codes}


@pytest.mark.parametrize(
    ("letter", "label_form", "category"),
    [
        ("Malnutrition sévère à l'entrée.", "Dénutrition grave à l'entrée.", "E43"),
        ("Cardiomyopathie ischémique connue.", "Myocardiopathie ischémique connue.", "I25"),
        ("Cirrhose éthylique Child B.", "Cirrhose alcoolique Child B.", "K70"),
        ("Lithiase rénale droite.", "Calcul du rein droit.", "N20"),
        ("Anévrysme de l'aorte abdominale.", "Anévrisme de l'aorte abdominale.", "I71"),
        ("Flutter atrial typique.", "Flutter auriculaire typique.", "I48"),
        ("Communication interatriale.", "Communication interauriculaire.", "Q21"),
    ],
)
def test_the_clinicians_word_matches_what_the_labels_word_matches(dictionary, letter, label_form, category):
    assert any(code.startswith(category) for code in codes_of(label_form, dictionary))
    assert any(code.startswith(category) for code in codes_of(letter, dictionary))


def test_the_mention_keeps_the_letters_own_words_and_offsets(dictionary):
    text = "Au total : malnutrition sévère."
    found = [m for m in find_mentions(text, dictionary) if any(c.startswith("E43") for c in m.codes)]
    assert [m.text for m in found] == ["malnutrition sévère"]
    assert text[found[0].start : found[0].end] == "malnutrition sévère"


def test_a_word_without_an_equivalent_is_read_as_itself():
    assert canonical(stem("fracture")) == stem("fracture")
    # Plural and accent-free forms of a word read as its equivalent too.
    assert canonical(stem("severes")) == canonical(stem("severe")) == stem("grave")
    # Equivalence is one step: no canonical stem is itself rewritten.
    assert not set(CANONICAL_STEMS.values()) & set(CANONICAL_STEMS)


def test_a_severity_word_alone_is_no_mention(dictionary):
    assert not codes_of("Forme sévère.", dictionary)
