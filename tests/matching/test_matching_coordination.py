"""Coordinated wordings: one head written once for several sites or kinds gives each code."""

import json
from pathlib import Path

import pytest

from coding_assistant.matching import find_mentions
from coding_assistant.matching.dictionary import MentionDictionary, Pattern, wording_stems
from coding_assistant.matching.loading import default_mention_dictionary
from coding_assistant.text.qualifiers import qualify_mentions

DEV = Path(__file__).parents[1] / "data" / "dev"


@pytest.fixture(scope="module")
def dictionary():
    return default_mention_dictionary()


@pytest.fixture(scope="module")
def small():
    """Wordings the shipped dictionary may not hold, so the mechanism is tested whatever it holds."""
    wordings = {
        "fracture du radius": "S525",
        "fracture du cubitus": "S522",
        "fracture de l'humérus": "S423",
        "fracture du col du fémur": "S720",
        "fracture du tibia": "S822",
        "atteinte hépatique": "K768",
        "atteinte rénale": "N289",
        "hypertrophie de la prostate": "N40",
        "cancer de la prostate": "C61",
        "insuffisance cardiaque": "I50",
        "insuffisance rénale": "N19",
        "insuffisance rénale aiguë": "N17",
        "hépatite B": "B16",
        "HTA": "I10",
        "sevrage alcoolique": "F103",
        "sevrage aux benzodiazépines": "F133",
        "thrombose veineuse profonde": "I802",
        "thrombose des veines": "I829",
    }
    return MentionDictionary(
        Pattern(wording_stems(text), (code,), "lexicon", text.isupper()) for text, code in wordings.items()
    )


def found(text, dictionary):
    """(text, first code's 3 characters, coordinated) of each mention, and the offsets checked."""
    mentions = find_mentions(text, dictionary)
    for mention in mentions:
        assert text[mention.start : mention.end] == mention.text
    return [(m.text, m.codes[0][:3], m.coordinated) for m in mentions]


@pytest.mark.parametrize(
    ("text", "written_out", "conjuncts"),
    [
        ("Métastases ganglionnaires et pulmonaires.", "C77", [("pulmonaires", "C78")]),
        (
            "Scanner : métastases hépatiques, osseuses et cérébrales.",
            "C78",
            [("osseuses", "C79"), ("cérébrales", "C79")],
        ),
        ("Insuffisance rénale et hépatique.", "N19", [("hépatique", "K72")]),
        ("Cancer du sein droit avec métastases osseuses et hépatiques.", "C79", [("hépatiques", "C78")]),
        ("Métastases hépatiques et/ou pulmonaires.", "C78", [("pulmonaires", "C78")]),
        ("Métastases hépatiques ainsi que pulmonaires.", "C78", [("pulmonaires", "C78")]),
    ],
)
def test_each_conjunct_of_a_shared_head_gives_its_code(dictionary, text, written_out, conjuncts):
    mentions = found(text, dictionary)
    assert [(t, code) for t, code, coordinated in mentions if coordinated] == conjuncts
    assert written_out in [code for _, code, coordinated in mentions if not coordinated]


def test_the_conjunct_span_is_the_coordinated_word_and_the_phrase_the_whole_list(dictionary):
    text = "Métastases ganglionnaires et pulmonaires."
    conjunct = next(m for m in find_mentions(text, dictionary) if m.coordinated)
    assert (conjunct.start, conjunct.end) == (29, 40) and conjunct.text == "pulmonaires"
    assert text[slice(*conjunct.context_span)] == "Métastases ganglionnaires et pulmonaires"
    plain = next(m for m in find_mentions(text, dictionary) if not m.coordinated)
    assert plain.context_span == (plain.start, plain.end)


@pytest.mark.parametrize(
    "text",
    [
        "Fractures du radius et du cubitus.",
        "Fractures du radius et cubitus.",
        "Fracture du radius / cubitus.",
    ],
)
def test_a_repeated_preposition_is_optional(small, text):
    codes = [(m.text, m.codes[0]) for m in find_mentions(text, small)]
    assert [code for _, code in codes] == ["S525", "S522"]
    assert codes[1][0] == "cubitus"


def test_a_chain_of_conjuncts_keeps_the_head(small):
    assert [m.codes[0] for m in find_mentions("Fractures du radius, du cubitus et de l'humérus.", small)] == [
        "S525",
        "S522",
        "S423",
    ]


def test_the_modifier_replaced_may_be_several_words(small):
    # "col du fémur" is the modifier of "fracture du col du fémur": "tibia" takes its place.
    assert [m.codes[0] for m in find_mentions("Fracture du col du fémur et du tibia.", small)] == ["S720", "S822"]


def test_the_longest_conjunct_wins(small):
    mentions = find_mentions("Insuffisance cardiaque et rénale aiguë.", small)
    assert [(m.text, m.codes[0]) for m in mentions] == [("Insuffisance cardiaque", "I50"), ("rénale aiguë", "N17")]


def test_a_generic_head_coordinates_too(small):
    assert [m.codes[0] for m in find_mentions("Atteinte hépatique et rénale.", small)] == ["K768", "N289"]


def test_a_word_no_wording_takes_may_stand_in_the_list(dictionary):
    # "pleurales" makes no wording with "métastases" in the dictionary; "osseuses" after it still does.
    texts = [t for t, _, coordinated in found("Métastases hépatiques, pleurales et osseuses.", dictionary)]
    assert texts[-1] == "osseuses"


def test_mirror_form_the_shared_part_last(dictionary, small):
    assert found("Rétinopathie, neuropathie et néphropathie diabétiques.", dictionary) == [
        ("Rétinopathie", "E10", True),
        ("neuropathie", "E10", True),
        ("néphropathie diabétiques", "E10", False),
    ]
    # A complement is shared whatever its number.
    assert [m.codes[0] for m in find_mentions("Hypertrophie et cancer de la prostate.", small)] == ["N40", "C61"]


def test_mirror_form_needs_a_plural_adjective_and_a_word_coordinator(dictionary):
    # The singular adjective belongs to the last noun only, as in a list of diagnoses.
    assert not [m for m in find_mentions("Rétinopathie et néphropathie diabétique.", dictionary) if m.coordinated]
    assert not [m for m in find_mentions("Rétinopathie, néphropathie diabétiques.", dictionary) if m.coordinated]


@pytest.mark.parametrize(
    "text",
    [
        "Métastases pulmonaires et il est sorti.",
        "Métastases hépatiques. Osseuses : RAS.",
        "Métastases hépatiques ; osseuses à contrôler.",
        "Métastases hépatiques\nosseuses",
        "Métastases hépatiques et\nosseuses",
        "- Métastases hépatiques,\n- osseuses et cérébrales",
        "Métastases hépatiques avec lésions osseuses.",
        "Métastases hépatiques sans osseuses.",
        "Métastases hépatiques et non osseuses.",
        "Métastases hépatiques mais osseuses.",
        "Pas de métastases hépatiques ni osseuses.",
        "Métastases hépatiques et autres lésions.",
    ],
)
def test_no_conjunct_across_a_clause_or_without_a_coordinator(dictionary, text):
    assert not [m for m in find_mentions(text, dictionary) if m.coordinated]


def test_commas_alone_make_a_list_of_diagnoses_not_of_sites(dictionary, small):
    # A conjunct after a comma counts only when "et", "ou" or "/" closes the list.
    assert not [m for m in find_mentions("Métastases hépatiques, osseuses.", dictionary) if m.coordinated]
    text = "Sevrage alcoolique, benzodiazépines à posologie dégressive."
    assert [m.codes[0] for m in find_mentions(text, small)] == ["F103"]
    assert [m.text for m in find_mentions("Fracture du radius, cubitus et humérus.", small) if m.coordinated] == [
        "cubitus",
        "humérus",
    ]


def test_an_adjective_is_not_replaced_by_a_complement(small):
    text = "Thrombose veineuse profonde et des veines tibiales."
    assert [m.codes[0] for m in find_mentions(text, small)] == ["I802"]


def test_a_conjunct_never_takes_the_words_of_another_mention(small):
    # "hépatite B" is a mention of its own, not "insuffisance hépatique" + "B".
    mentions = find_mentions("Insuffisance rénale et hépatite B.", small)
    assert [(m.text, m.coordinated) for m in mentions] == [("Insuffisance rénale", False), ("hépatite B", False)]


def test_two_full_mentions_stay_as_they_are(dictionary):
    for text, codes in [
        ("Embolie pulmonaire et thrombose veineuse profonde.", ["I26", "I80"]),
        ("Diabète de type 2 et HTA.", ["E11", "I10"]),
    ]:
        mentions = find_mentions(text, dictionary)
        assert [m.codes[0][:3] for m in mentions] == codes and not any(m.coordinated for m in mentions)


def test_coordination_only_adds_mentions(dictionary):
    """On the dev letters: every mention of the plain scan is still there, unchanged, in text order."""
    for path in sorted(DEV.glob("*.jsonl")):
        for row in path.read_text(encoding="utf-8").splitlines():
            for document in json.loads(row)["documents"]:
                text = document["text"]
                plain = find_mentions(text, dictionary, coordination=False)
                both = find_mentions(text, dictionary)
                assert [m for m in both if not m.coordinated] == plain
                assert [m.start for m in both] == sorted(m.start for m in both)


def qualified(text, dictionary):
    mentions = find_mentions(text, dictionary)
    qualifiers = qualify_mentions(text, [m.context_span for m in mentions])
    return {m.text: (q.negated, q.hypothetical, q.family) for m, q in zip(mentions, qualifiers, strict=True)}


def test_a_cue_on_the_head_qualifies_every_conjunct(dictionary):
    assert qualified("Absence de métastases hépatiques et osseuses.", dictionary) == {
        "métastases hépatiques": (True, False, False),
        "osseuses": (True, False, False),
    }
    assert qualified("Pas de métastases hépatiques, osseuses ou cérébrales.", dictionary)["cérébrales"][0]
    assert qualified("Métastases hépatiques et pulmonaires à confirmer.", dictionary)["pulmonaires"][1]
    assert qualified("Mère : métastases hépatiques et pulmonaires.", dictionary)["pulmonaires"][2]
    assert qualified("Pas de métastases hépatiques. Métastases osseuses et cérébrales.", dictionary) == {
        "métastases hépatiques": (True, False, False),
        "Métastases osseuses": (False, False, False),
        "cérébrales": (False, False, False),
    }
