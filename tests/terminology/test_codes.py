import pytest

from coding_assistant.errors import CodeValidationError
from coding_assistant.terminology.codes import (
    chapter_of,
    cim10_prefix,
    is_symptom,
    normalise_code,
    usual_manifestation,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("I21.1", "I211"),
        ("i2110", "I2110"),
        (" e11.90 ", "E1190"),
        ("G01*", "G01"),
        ("A39.0†", "A390"),
        ("A39.0+", "A390"),
        ("B24+0", "B24+0"),
        ("z51.1", "Z511"),
        ("I21 100", "I21100"),
    ],
)
def test_normalise_code(raw, expected):
    assert normalise_code(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "empty"),
        ("  ", "empty"),
        ("121.1", "starts with a letter"),
        ("I2", "at least 3"),
        ("I21ABCDE", "more than 7"),
        ("IAB", "a letter, two digits"),
    ],
)
def test_normalise_code_rejects_with_reason(raw, reason):
    with pytest.raises(CodeValidationError, match=reason):
        normalise_code(raw)


def test_cim10_prefix():
    assert cim10_prefix("i21.1") == "I211"
    assert cim10_prefix("E1") == "E1"
    assert cim10_prefix("z51.1") == "Z511"
    assert cim10_prefix("bpco") is None
    assert cim10_prefix("insuffisance") is None


def test_chapters():
    assert chapter_of("I2110") == "IX"
    assert chapter_of("C50") == "II"
    assert chapter_of("D50") == "III"
    assert chapter_of("D48") == "II"
    assert chapter_of("W19") == "XX"
    assert chapter_of("U0710") == "XXII"
    assert chapter_of("S720") == "XIX"
    assert chapter_of("T98") == "XIX"


@pytest.mark.parametrize(
    ("code", "symptom"),
    [("R074", True), ("N23", True), ("M545", True), ("M255", True), ("N201", False), ("M4636", False), ("I10", False)],
)
def test_a_symptom_is_chapter_xviii_or_a_pain_filed_with_its_organ(code, symptom):
    assert is_symptom(code) is symptom


@pytest.mark.parametrize(
    ("symptom", "disease", "usual"),
    [
        ("R33", "N40", True),  # urinary symptom, urinary disease
        ("R074", "I300", True),  # chest pain, pericarditis
        ("R509", "J189", True),  # fever: a general symptom, usual for any disease
        ("N23", "N201", True),  # renal colic, ureteral stone: same chapter
        ("R33", "K564", False),  # urinary retention beside a faecal impaction
        ("R410", "N390", False),  # confusion beside a urinary infection
        ("R410", "F102", True),  # confusion, alcohol dependence
    ],
)
def test_a_symptom_is_a_usual_manifestation_of_its_own_body_system(symptom, disease, usual):
    assert usual_manifestation(symptom, disease) is usual
