import pytest

from coding_assistant.errors import CodeValidationError
from coding_assistant.terminology.model import Position


def test_default_table_is_the_full_atih_table(terminology):
    assert len(terminology) == 42886
    codable = sum(1 for entry in terminology if entry.codable)
    assert 39_000 < codable < 41_000


def test_entry_fields(terminology):
    entry = terminology.get("I21.1")
    assert entry.code == "I211"
    assert entry.mco_type == 3 and not entry.codable
    assert entry.parent == "I21"
    assert "I2110" in entry.children
    assert entry.chapter == "IX"
    assert terminology.get("I21100").parent == "I2110"
    assert terminology.ancestors("I21100") == ["I2110", "I211", "I21"]


def test_deleted_codes_are_flagged_and_never_allowed(terminology):
    entry = terminology.get("D760")
    assert entry.deleted and entry.deleted_year == "11"
    assert not entry.label.startswith("***")
    decision = terminology.allowed("D760", "DAS")
    assert not decision and "deleted" in decision.reason


@pytest.mark.parametrize(
    ("code", "dp", "dr", "das"),
    [
        ("I5002", True, True, True),  # type 0
        ("I21", False, False, False),  # type 3: category
        ("W199", False, False, True),  # external causes are DAS only
    ],
)
def test_allowed_by_type(terminology, code, dp, dr, das):
    assert bool(terminology.allowed(code, Position.DP)) is dp
    assert bool(terminology.allowed(code, "dr")) is dr
    assert bool(terminology.allowed(code, "DAS")) is das


def test_allowed_for_types_1_and_4(terminology):
    type1 = next(e.code for e in terminology if e.mco_type == 1 and not e.deleted)
    type4 = next(e.code for e in terminology if e.mco_type == 4 and not e.deleted)
    assert not terminology.allowed(type1, "DP") and not terminology.allowed(type1, "DR")
    assert terminology.allowed(type1, "DAS")
    assert not terminology.allowed(type4, "DP")
    assert terminology.allowed(type4, "DR") and terminology.allowed(type4, "DAS")
    assert "ATIH type 4" in terminology.allowed(type4, "DP").reason


def test_codable_descendants(terminology):
    descendants = terminology.codable_descendants("I50")
    assert "I5002" in descendants and "I509" in descendants
    assert "I50" not in descendants and "I500" not in descendants
    assert terminology.codable_descendants("I5002") == ["I5002"]


def test_validate_names_the_reason(terminology):
    with pytest.raises(CodeValidationError, match="unknown code"):
        terminology.validate("I99.99")
    with pytest.raises(CodeValidationError, match="malformed"):
        terminology.validate("12345")
    assert terminology.validate("j44.1").code == "J441"
