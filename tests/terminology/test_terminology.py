from pathlib import Path

import pytest

from coding_assistant.config import BUNDLED_CIM10, Settings
from coding_assistant.errors import CodeValidationError, TerminologyFileError
from coding_assistant.pipeline.pipeline import CodingPipeline
from coding_assistant.schema import Document, Stay
from coding_assistant.terminology import loader
from coding_assistant.terminology.model import Position
from coding_assistant.terminology.sources import atih_csv_version, read_atih_csv

CSV_HEADER = "code,type_mco,type_psy,ssr,active,label,category,chapter,group"
CSV_LINES = [
    "I21,3,3,NNN,1,Infarctus aigu du myocarde,I21,9,I20-I25",
    'I219,0,0,OOO,1,"Infarctus aigu du myocarde, sans précision",I21,9,I20-I25',
    "D760,3,3,NNN,0,*** SU11 *** Histiocytose des cellules de Langerhans,D76,3,D70-D77",
    "A90,3,3,NNN,0,Dengue,A90,1,",
    'W19,2,1,NNO,1,"Chute, sans précision",W19,20,V01-X59',
    "Z5185,1,1,OOO,1,Sédation profonde continue,Z51,21,Z40-Z54",
]


def write_csv(tmp_path: Path, lines: list[str], name: str = "cim10_fr_2026.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([CSV_HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def test_default_table_is_the_atih_2025_csv(terminology):
    assert terminology.source == "atih_csv"
    assert terminology.version == "CIM-10 FR 2025 (ATIH)"
    assert len(terminology) == 42897
    codable = sum(1 for entry in terminology if entry.codable)
    assert 39_000 < codable < 41_000
    assert sum(1 for entry in terminology if entry.deleted) == 401
    # Codes new since the edsnlp copy of the table (~2022): the 2024 palliative sedation codes.
    assert terminology.get("Z5185").mco_type == 1 and terminology.get("Z5186").codable


def test_atih_csv_reader_maps_types_and_deletions(tmp_path):
    entries = {e.code: e for e in read_atih_csv(write_csv(tmp_path, CSV_LINES))}
    assert entries["I21"].mco_type == 3 and not entries["I21"].codable
    assert entries["I219"].label == "Infarctus aigu du myocarde, sans précision" and entries["I219"].codable
    assert entries["D760"].deleted and entries["D760"].deleted_year == "11"
    assert entries["D760"].label.startswith("Histiocytose")
    assert entries["A90"].deleted  # active 0 is enough, even without the "*** SU" mark
    assert entries["W19"].mco_type == 2 and entries["Z5185"].mco_type == 1


def test_atih_csv_bad_lines_name_file_and_line(tmp_path):
    with pytest.raises(TerminologyFileError, match=r"cim10_fr_2026.csv:3: type MCO 'x'"):
        read_atih_csv(write_csv(tmp_path, [CSV_LINES[0], "I219,x,0,OOO,1,A,I21,9,"]))
    with pytest.raises(TerminologyFileError, match=r":2: malformed code"):
        read_atih_csv(write_csv(tmp_path, ["12X,0,0,OOO,1,A,I21,9,"]))
    with pytest.raises(TerminologyFileError, match=r":2: active '2'"):
        read_atih_csv(write_csv(tmp_path, ["I219,0,0,OOO,2,A,I21,9,"]))
    with pytest.raises(TerminologyFileError, match=r":2: expected 9 fields"):
        read_atih_csv(write_csv(tmp_path, ["I219,0,0"]))
    header_only = tmp_path / "bad.csv"
    header_only.write_text("code,label\nI21,Infarctus\n", encoding="utf-8")
    with pytest.raises(TerminologyFileError, match=r"bad.csv:1: header"):
        read_atih_csv(header_only)


def test_atih_csv_version_names_the_year():
    assert atih_csv_version(BUNDLED_CIM10) == "CIM-10 FR 2025 (ATIH)"
    assert atih_csv_version(Path("cim10_fr_2026.csv")) == "CIM-10 FR 2026 (ATIH)"
    assert atih_csv_version(Path("table.csv"), "2027") == "CIM-10 FR 2027 (ATIH)"
    assert atih_csv_version(Path("table.csv")) == "CIM-10 FR (ATIH, table.csv)"


def test_another_years_csv_is_configured_by_path(tmp_path):
    lexicon = tmp_path / "lexicon.csv"
    lexicon.write_text("term,expansion,codes,kind\nIDM,infarctus du myocarde,I219,acronym\n", encoding="utf-8")
    settings = Settings(
        cache_dir=tmp_path / "cache",
        lexicon_path=lexicon,
        terminology_path=write_csv(tmp_path, CSV_LINES),
        bundled_wordings=False,
    )
    loaded = loader.load(settings)
    assert loaded.terminology.version == "CIM-10 FR 2026 (ATIH)" and len(loaded.terminology) == 6
    assert loaded.index.search("idm")[0].code == "I219"


def test_other_sources_stay_selectable():
    assert Settings(terminology_source="edsnlp").terminology_source == "edsnlp"
    assert Settings().terminology_source == "atih_csv"


def test_terminology_version_in_each_stays_proposals(terminology):
    from coding_assistant.matching.loading import default_mention_dictionary

    stay = Stay(
        stay_id="T1",
        documents=[Document(doc_id="T1-CRH", text="Torsion du cordon spermatique gauche, détorsion au bloc.")],
    )
    proposals = CodingPipeline(None, terminology, default_mention_dictionary()).propose(stay)
    assert proposals.terminology == "CIM-10 FR 2025 (ATIH)"
    assert proposals.model_dump(mode="json")["terminology"] == "CIM-10 FR 2025 (ATIH)"


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


def test_the_tables_version_is_known_without_reading_it() -> None:
    from coding_assistant.terminology.loader import default_terminology, terminology_version

    assert terminology_version() == default_terminology().terminology.version == "CIM-10 FR 2025 (ATIH)"
