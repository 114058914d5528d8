import csv
import importlib.util
from pathlib import Path

import pytest

from coding_assistant.config import BUNDLED_WORDINGS, Settings
from coding_assistant.errors import TerminologyFileError
from coding_assistant.matching import find_mentions
from coding_assistant.matching.dictionary import build_dictionary, wording_stems
from coding_assistant.matching.loading import default_mention_dictionary, load_mention_dictionary
from coding_assistant.terminology import loader
from coding_assistant.terminology.index_entries import index_entry_forms, plain_forms, sub_term_count
from coding_assistant.terminology.wordings import Wording, read_wordings
from coding_assistant.text.normalize import normalise_text

ROOT = Path(__file__).resolve().parents[2]
HELD_OUT = ROOT / "tests" / "data" / "search_hector_heldout.csv"


def _write(tmp_path: Path, text: str, name: str = "site_wordings.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- index entries ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entry", "forms"),
    [
        ("Torsion (de), cordon, spermatique", ["torsion cordon spermatique"]),
        ("Anémie (à) (de), normocytaire (infectieuse)", ["anémie normocytaire", "anémie normocytaire infectieuse"]),
        # " - voir aussi X" closes its part only; sub-terms go on after it.
        ("Syndrome (de) - voir aussi maladie, jonction pyélo-urétérale", ["syndrome jonction pyélo-urétérale"]),
        # Eponyms are inverted.
        ("Kedani, maladie de", ["maladie de kedani"]),
        # Glued groups are inflections or optional halves of a name; morphology codes and references go.
        ("Fracture(s) (oblique) (de), mandibule", ["fracture mandibule", "fracture oblique mandibule"]),
        ("Schmitz(-stutzer), dysenterie de", ["dysenterie de schmitz"]),
        (
            "Cystadénocarcinome (m8440/3) - voir aussi tumeur maligne, endométrioïde",
            ["cystadénocarcinome endométrioïde"],
        ),
        # " - voir X": what follows is the path of another entry.
        (
            "Disjonction (de), épiphysaire, traumatique - voir fracture, fémorale",
            ["disjonction épiphysaire traumatique"],
        ),
        # Parts that only join ("due à", "au cours de") and index conventions ("nca") are dropped.
        (
            "Glomérulonéphrite (à), au cours de (voir aussi glomérulopathie), infection gonococcique nca",
            ["glomérulonéphrite infection gonococcique"],
        ),
        ("Néphrite, tubulo- interstitielle", ["néphrite tubulo-interstitielle"]),
        ("Nca, post-partum", []),  # no lead term left
    ],
)
def test_index_entries_are_written_as_letters_write_them(entry, forms):
    assert index_entry_forms(entry) == forms


def test_plain_wordings_are_taken_as_written():
    assert plain_forms("Metastase pulmonaire sai") == ["Metastase pulmonaire"]
    assert plain_forms("Fistule lombaire (tuberculeuse)") == ["Fistule lombaire (tuberculeuse)"]
    assert sub_term_count("Torsion (de), cordon, spermatique") == 2
    assert sub_term_count("Avortement (complet) (incomplet)") == 0


# --- reading a site's file ------------------------------------------------------------------------------


def test_site_file_with_two_columns(tmp_path):
    path = _write(tmp_path, "term,code\nInsuffisance cardiaque à FEVG préservée,I50.03\nPied de Charcot,M14.6\n")
    wordings = read_wordings(path)
    assert [w.code for w in wordings] == ["I5003", "M146"]
    assert wordings[0].source == "site_wordings" and wordings[0].origin == f"{path}:2"
    assert wordings[0].forms() == ["Insuffisance cardiaque à FEVG préservée"]


def test_four_columns_any_order_and_index_category_codes(tmp_path):
    path = _write(
        tmp_path,
        'source,term,second_code,code\nindex,"Torsion (de), cordon, spermatique",,N44\n'
        'thesam,Arthrite brucellienne,M0139,A230\nindex,"Schistosomiase, vessie",,B65-\n',
    )
    wordings = read_wordings(path)
    assert wordings[0].is_index_entry and wordings[0].forms() == ["torsion cordon spermatique"]
    assert wordings[1].second_code == "M0139" and not wordings[1].is_index_entry
    assert wordings[2].code == "B65"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("term,code\nHTA,I10\nBPCO\n", r"site_wordings.csv:3: expected 2 fields, got 1"),
        ("term,code\nHTA,I10\n,I10\n", r"site_wordings.csv:3: empty term"),
        ("term,code\nHTA,12X\n", r"site_wordings.csv:2: malformed code"),
        ("term,code,second_code\nHTA,I10,X\n", r"site_wordings.csv:2: malformed code 'X'"),
        ("wording,code\nHTA,I10\n", r"site_wordings.csv:1: header must be term,code"),
        ("term,code,kind\nHTA,I10,x\n", r"site_wordings.csv:1: header must be term,code"),
    ],
)
def test_bad_lines_name_file_and_line(tmp_path, text, message):
    with pytest.raises(TerminologyFileError, match=message):
        read_wordings(_write(tmp_path, text))


def test_unreadable_or_not_utf8(tmp_path):
    with pytest.raises(TerminologyFileError, match="cannot be read"):
        read_wordings(tmp_path / "missing.csv")
    path = tmp_path / "latin.csv"
    path.write_bytes("term,code\nanémie,D649\n".encode("latin-1"))
    with pytest.raises(TerminologyFileError, match="not UTF-8"):
        read_wordings(path)


def test_paths_setting_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("CODING_ASSISTANT_WORDINGS_PATHS", f"{tmp_path}/a.csv:{tmp_path}/b.csv")
    settings = Settings()
    assert settings.wordings_paths == [tmp_path / "a.csv", tmp_path / "b.csv"]
    assert settings.wordings_files() == [BUNDLED_WORDINGS, tmp_path / "a.csv", tmp_path / "b.csv"]
    monkeypatch.setenv("CODING_ASSISTANT_BUNDLED_WORDINGS", "false")
    assert Settings().wordings_files() == [tmp_path / "a.csv", tmp_path / "b.csv"]


def test_site_wordings_feed_search_and_mentions_and_the_cache_keys(tmp_path):
    lexicon = _write(tmp_path, "term,expansion,codes,kind\nIC,insuffisance cardiaque,I50,acronym\n", "lexicon.csv")
    site = _write(tmp_path, "term,code\nmaladie des griffes du chat,A281\ncrise de tétanie normocalcémique,R298\n")
    settings = Settings(
        cache_dir=tmp_path / "cache", lexicon_path=lexicon, bundled_wordings=False, wordings_paths=[site]
    )
    loaded = loader.load(settings)
    assert loaded.index.search("tétanie normocalcémique")[0].code == "R298"
    dictionary = load_mention_dictionary(settings, loaded=loaded)
    [mention] = find_mentions("Crise de tétanie normocalcémique ce matin.", dictionary)
    assert mention.codes == ("R298",) and mention.source == "wording"
    # A changed wordings file is a new cache entry, not a stale hit.
    site.write_text("term,code\ncrise de tétanie normocalcémique,R290\n", encoding="utf-8")
    assert loader.load(settings).index.search("tétanie normocalcémique")[0].code == "R290"
    assert len(list((tmp_path / "cache").glob("cim10-*.pickle"))) == 2
    assert len(list((tmp_path / "cache").glob("mentions-*.pickle"))) == 1  # built on demand only


# --- precision guards of the mention dictionary ---------------------------------------------------------


def _wording(term: str, code: str, source: str = "site") -> Wording:
    return Wording(term=term, code=code, second_code=None, source=source, origin="test:1")


def test_only_specific_unambiguous_wordings_become_mentions(terminology):
    wordings = [
        _wording("prostatique", "N40"),  # one word
        _wording("rythme sinusal", "Z018"),  # two words: an everyday phrase of letters
        _wording("hernie inguinale droite", "K409"),  # two content words and a side
        _wording("Avortement (complet) (incomplet)", "O06", "index"),  # a lead term alone
        _wording("syndrome blanc papillaire chronique", "H46"),  # kept
        _wording("syndrome rouge papillaire tardif", "H46"),
        _wording("syndrome rouge papillaire tardif", "K30"),  # two categories for one wording
        _wording("macule pigmentaire acquise", "L81"),  # a hub: begins wordings of two other categories
        _wording("macule pigmentaire acquise faciale", "D22"),
        _wording("macule pigmentaire acquise dorsale", "Q82"),
        _wording("vieille affection radiaire annulaire", "D760"),  # deleted code
        _wording("vieille affection radiaire bis", "I99999"),  # not in the table
        _wording("insuffisance cardiaque congestive", "I10"),  # a label's wording: the label wins
    ]
    dictionary = build_dictionary(terminology, [], wordings)
    patterns = {p.stems: p for ps in [*dictionary.by_pair.values(), *dictionary.single.values()] for p in ps}
    by_source = {p.stems: p.codes for p in patterns.values() if p.source == "wording"}
    assert by_source == {
        wording_stems("syndrome blanc papillaire chronique"): ("H46",),
        # The longer wordings of the hub are specific: they stay.
        wording_stems("macule pigmentaire acquise faciale"): ("D22",),
        wording_stems("macule pigmentaire acquise dorsale"): ("Q82",),
    }
    assert patterns[wording_stems("insuffisance cardiaque congestive")].codes == ("I500",)


# --- the shipped Hector wordings --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mentions():
    dictionary = default_mention_dictionary()
    return lambda text: [code for m in find_mentions(text, dictionary) for code in m.codes]


def test_required_examples_become_mentions(mentions):
    assert mentions("Torsion du cordon spermatique gauche opérée en urgence.") == ["N44"]
    assert mentions("métastases pulmonaires") == ["C780"]
    assert [c[:3] for c in mentions("métastases ganglionnaires")] == ["C77"]
    assert [c[:3] for c in mentions("anémie normocytaire arégénérative")] == ["D64"]
    assert mentions("syndrome de la jonction pyélo-urétérale gauche") == ["N135"]
    assert mentions("métastases ganglionnaires médiastinales") == ["C771"]


def test_required_examples_are_search_hits(index):
    def top(query, k):
        return [r.code for r in index.search(query, k)]

    assert top("torsion du cordon spermatique", 1) == ["N44"]
    assert {"N135", "Q621"} & set(top("syndrome de jonction", 3))
    assert {"D649", "D619"} & set(top("anémie normocytaire arégénérative", 3))
    assert top("métastases pulmonaires", 1) == ["C780"]
    assert top("métastases ganglionnaires", 1)[0].startswith("C77")


def _split_key(row: dict[str, str]) -> str:
    forms = index_entry_forms(row["term"]) if row["source"] == "index" else plain_forms(row["term"])
    return normalise_text(forms[0]) if forms else normalise_text(row["term"])


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_held_out_entries_are_never_shipped():
    shipped, held_out = _rows(BUNDLED_WORDINGS), _rows(HELD_OUT)
    assert len(shipped) > 60_000 and 1_000 < len(held_out) < 0.03 * (len(shipped) + len(held_out))
    shipped_keys = {_split_key(row) for row in shipped}
    assert not any(_split_key(row) in shipped_keys for row in held_out)
    assert not {row["term"] for row in held_out} & {row["term"] for row in shipped}


def test_split_is_the_one_the_script_makes():
    spec = importlib.util.spec_from_file_location("make_hector", ROOT / "terminologies" / "wordings" / "make_hector.py")
    assert spec is not None and spec.loader is not None
    make_hector = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_hector)
    assert all(make_hector.is_held_out(row["term"], row["source"]) for row in _rows(HELD_OUT))
    assert not any(make_hector.is_held_out(row["term"], row["source"]) for row in _rows(BUNDLED_WORDINGS)[:5000])
