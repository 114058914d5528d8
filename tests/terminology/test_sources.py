from pathlib import Path

import pytest

from coding_assistant.config import Settings
from coding_assistant.errors import TerminologyFileError
from coding_assistant.terminology import loader
from coding_assistant.terminology.lexicon import read_lexicon
from coding_assistant.terminology.sources import read_atih_txt, read_claml

DATA = Path(__file__).parents[1] / "data"

ATIH_LINES = [
    "I21   |3|NNNN|3|INFARCTUS AIGU DU MYOCARDE|Infarctus aigu du myocarde",
    "I219  |0|NOOO|0|INFARCTUS AIGU DU MYOCARDE, SAI|Infarctus aigu du myocarde, sans précision",
    "D760  |3|NNNN|3|*** SU11 *** HISTIOCYTOSE|*** SU11 *** Histiocytose des cellules de Langerhans",
    "W19   |2|NOOO|2|CHUTE, SAI|Chute, sans précision",
]


def write_atih(tmp_path: Path, lines: list[str], encoding: str = "iso-8859-1") -> Path:
    path = tmp_path / "LIBCIM10MULTI.TXT"
    path.write_bytes("\r\n".join(lines).encode(encoding))
    return path


def test_atih_txt_iso_8859_1(tmp_path):
    entries = {e.code: e for e in read_atih_txt(write_atih(tmp_path, ATIH_LINES))}
    assert entries["I219"].label == "Infarctus aigu du myocarde, sans précision"
    assert entries["I21"].mco_type == 3
    assert entries["D760"].deleted and entries["D760"].deleted_year == "11"
    assert entries["W19"].mco_type == 2


def test_atih_txt_resaved_as_utf8_is_accepted(tmp_path):
    entries = {e.code: e for e in read_atih_txt(write_atih(tmp_path, ATIH_LINES, "utf-8"))}
    assert entries["I219"].label.endswith("précision")


def test_atih_txt_bad_line_names_file_and_line(tmp_path):
    path = write_atih(tmp_path, [*ATIH_LINES[:2], "I22|0|broken"])
    with pytest.raises(TerminologyFileError, match=r"LIBCIM10MULTI.TXT:3: expected 6"):
        read_atih_txt(path)
    path = write_atih(tmp_path, [*ATIH_LINES[:1], "I219|x|NOOO|0|A|B"])
    with pytest.raises(TerminologyFileError, match=r":2: type MCO 'x'"):
        read_atih_txt(path)
    path = write_atih(tmp_path, ["12X|0|NOOO|0|A|B"])
    with pytest.raises(TerminologyFileError, match=r":1: malformed code"):
        read_atih_txt(path)


def test_atih_txt_unreadable_or_wrongly_encoded(tmp_path):
    with pytest.raises(TerminologyFileError, match="cannot be read"):
        read_atih_txt(tmp_path / "missing.txt")
    path = write_atih(tmp_path, ATIH_LINES, "utf-16")
    with pytest.raises(TerminologyFileError, match="NUL bytes"):
        read_atih_txt(path)


def test_claml_keeps_inclusion_terms_and_derives_types():
    entries = {e.code: e for e in read_claml(DATA / "claml_sample.xml")}
    assert set(entries) == {"I21", "I210", "I219", "W19"}
    assert entries["I21"].mco_type == 3
    assert entries["I219"].mco_type == 0
    assert entries["W19"].mco_type == 2
    assert "Crise cardiaque SAI" in entries["I219"].synonyms


def test_claml_malformed(tmp_path):
    bad = tmp_path / "bad.xml"
    bad.write_text("<ClaML><Class code='I21'", encoding="utf-8")
    with pytest.raises(TerminologyFileError, match="not valid ClaML"):
        read_claml(bad)


def _settings(tmp_path: Path, **kwargs) -> Settings:
    lexicon = tmp_path / "lexicon.csv"
    lexicon.write_text("term,expansion,codes,kind\nIDM,infarctus du myocarde,,acronym\n", encoding="utf-8")
    return Settings(cache_dir=tmp_path / "cache", lexicon_path=lexicon, **kwargs)


def test_configured_atih_source_is_searchable_and_cached(tmp_path):
    settings = _settings(tmp_path, terminology_source="atih", terminology_path=write_atih(tmp_path, ATIH_LINES))
    first = loader.load(settings)
    assert len(first.terminology) == 4
    assert first.index.search("idm")[0].code == "I219"
    assert first.index.search("infarc")[0].code == "I219"  # truncated typing, codable first
    cached = list((tmp_path / "cache").glob("cim10-*.pickle"))
    assert len(cached) == 1
    second = loader.load(settings)
    assert second.terminology.get("I219").label == first.terminology.get("I219").label


def test_corrupt_cache_is_rebuilt(tmp_path):
    settings = _settings(tmp_path, terminology_source="atih", terminology_path=write_atih(tmp_path, ATIH_LINES))
    loader.load(settings)
    (cache_file,) = (tmp_path / "cache").glob("cim10-*.pickle")
    cache_file.write_bytes(b"not a pickle")
    assert len(loader.load(settings).terminology) == 4


def test_configured_claml_source(tmp_path):
    settings = _settings(tmp_path, terminology_source="claml", terminology_path=DATA / "claml_sample.xml")
    loaded = loader.load(settings, use_cache=False)
    assert loaded.index.search("crise cardiaque")[0].code == "I219"


def test_missing_path_for_file_source(tmp_path):
    with pytest.raises(TerminologyFileError, match="TERMINOLOGY_PATH"):
        loader.load(_settings(tmp_path, terminology_source="atih"))


def test_lexicon_errors_name_the_line(tmp_path):
    path = tmp_path / "lex.csv"
    path.write_text("term,expansion,codes,kind\nHTA,hypertension artérielle,I10,acronym\nX,,I10,acronym\n")
    with pytest.raises(TerminologyFileError, match=r"lex.csv:3: term and expansion"):
        read_lexicon(path)
    path.write_text("term,expansion,codes,kind\nHTA,hypertension artérielle,I99999,acronym\n")
    with pytest.raises(TerminologyFileError, match=r"lex.csv:2: code I99999 is not in"):
        read_lexicon(path, known_codes={"I10"})
    path.write_text("term,expansion,codes,kind\nHTA,hypertension,I10,bogus\n")
    with pytest.raises(TerminologyFileError, match=r"lex.csv:2: kind 'bogus'"):
        read_lexicon(path)
    path.write_text("term,expansion,codes,kind\ngoutte épaisse,frottis,M1099,not_a_condition\n")
    with pytest.raises(TerminologyFileError, match=r"lex.csv:2: a not_a_condition phrase has no codes"):
        read_lexicon(path)
    path.write_bytes("term,expansion,codes,kind\nHTA,hypertension art\xe9rielle,I10,acronym\n".encode("latin-1"))
    with pytest.raises(TerminologyFileError, match="not UTF-8"):
        read_lexicon(path)
