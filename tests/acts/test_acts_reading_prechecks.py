"""The word pre-checks that spare a document the case-insensitive searches it cannot match (reading.py
`_Lowered`): a document is searched whenever the pattern could match it, whatever the case of its words."""

import pytest

from coding_assistant.acts import reading

# Each searched pattern with the words its pre-check asks for.
GUARDED = [
    (reading._PARITY_PRIMI, reading._PRIMI_WORDS),
    (reading._TOOTH_ACT, reading._TOOTH_ACT_WORDS),
    (reading._INDICATION, reading._INDICATION_WORDS),
    (reading._TOTAL, reading._TOTAL_WORDS),
    (reading._LOCAL_NEGATION, reading._LOCAL_NEGATION_WORDS),
    (reading._POSTPOSED_NEGATION, reading._POSTPOSED_WORDS),
    (reading._SPARED, reading._SPARED_WORDS),
    (reading._FINDING, reading._FINDING_WORDS),
]
TEXTS = [
    "Primipare, G1P0. Nullipare. PRIMIGESTE.",
    "Avulsion de la 36. EXTRACTIONS dentaires.",
    "Indication : PTH droite.\nINDICATION OPÉRATOIRE : cholécystectomie.",
    "Soit 5 polypes. AU TOTAL 4 polypes. En tout 3 stents.",
    "Ventriculographie NON RÉALISÉE. Coronarographie non faite.",
    "PAS DE drain. Sans complication. Ni d'hémorragie. AUCUNE fuite. Absence d'épanchement.",
    "Uretère repéré et PRÉSERVÉ. Tendons intacts. Queue du pancréas vue et respectée.",
    "DILATATION des cavités pyélocalicielles, VBP dilatée.",
    # Characters that re.IGNORECASE folds otherwise than str.lower: « ı », « ſ », « İ ».
    "dılatation pyélocalicielle ; uretère repéré et preſervé ; İNDICATION : PTH ; ſoit 3 polypes",
]


@pytest.mark.parametrize("text", TEXTS)
def test_a_document_that_may_match_is_searched(text):
    lowered = reading._Lowered(text)
    for pattern, words in GUARDED:
        if pattern.search(text):
            assert lowered.holds(words), pattern.pattern


def test_the_parity_of_a_document_is_read_whatever_its_case():
    assert reading._parity("MULTIPARE", reading._Lowered("MULTIPARE")) == "multi"
    assert reading._parity("g3p2", reading._Lowered("g3p2")) == "multi"
    assert reading._parity("ATCD d'AVB", reading._Lowered("ATCD d'AVB")) == "multi"
    assert reading._parity("Primigeste", reading._Lowered("Primigeste")) == "primi"
    assert reading._parity("Patiente de 30 ans.", reading._Lowered("Patiente de 30 ans.")) is None


def test_sentences_of_offsets_as_bisect():
    import bisect

    starts = [0, 10, 10, 25, 40]
    offsets = [0, 3, 9, 10, 11, 24, 25, 39, 40, 41, 100]
    expected = [max(bisect.bisect_right(starts, offset) - 1, 0) for offset in offsets]
    assert reading._sentences_of(starts, offsets) == expected
    assert reading._sentences_of([5, 8], [0, 1, 5, 9]) == [0, 0, 0, 1]
