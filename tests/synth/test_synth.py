"""The synthetic corpus: deterministic, PMSI-consistent gold codes, realistic and hard letters."""

from __future__ import annotations

import re

import pytest

from coding_assistant.cli.synth import synth_command
from coding_assistant.schema import read_stays
from coding_assistant.synth import generate_stays, generate_synthetic
from coding_assistant.synth.catalogue import CodeCatalogue
from coding_assistant.synth.data import load_data
from coding_assistant.synth.generator import build_context
from coding_assistant.synth.typos import misspell_word
from coding_assistant.synth.wording import template_fields

SESSION_DPS = {"Z511", "Z5100", "Z5101", "Z491", "Z4920", "Z4921", "Z5130"}


@pytest.fixture(scope="module")
def context(loaded):
    return build_context(loaded)


@pytest.fixture(scope="module")
def corpus(context):
    return list(generate_synthetic(300, seed=7, context=context))


def _dump(stays) -> list[str]:
    return [s.model_dump_json() for s in stays]


def test_same_seed_same_corpus_and_other_seed_other_corpus(context):
    first = _dump(s.stay for s in generate_synthetic(40, seed=3, context=context))
    again = _dump(s.stay for s in generate_synthetic(40, seed=3, context=context))
    other = _dump(s.stay for s in generate_synthetic(40, seed=4, context=context))
    assert first == again
    assert first != other


def test_public_generator_yields_stays():
    stays = list(generate_stays(3, seed=1))
    assert [s.stay_id for s in stays] == ["SYN-000001", "SYN-000002", "SYN-000003"]


def test_every_gold_code_exists_and_is_allowed_in_its_role(corpus, terminology):
    for synthetic in corpus:
        codes = synthetic.stay.codes
        assert terminology.allowed(codes.dp, "DP"), (synthetic.stay.stay_id, codes.dp)
        if codes.dr:
            assert terminology.allowed(codes.dr, "DR"), (synthetic.stay.stay_id, codes.dr)
        for code in codes.das:
            assert terminology.allowed(code, "DAS"), (synthetic.stay.stay_id, code)
            assert terminology.get(code).mco_type in {0, 1, 2, 4}
        assert len(codes.all_codes()) == 1 + bool(codes.dr) + len(codes.das), "no code twice"


def test_dr_only_and_always_with_session_dps(corpus):
    for synthetic in corpus:
        codes = synthetic.stay.codes
        assert (codes.dr is not None) == (codes.dp in SESSION_DPS), synthetic.stay.stay_id
        if codes.dp == "Z491":
            assert codes.dr == "N185"
        if codes.dp in {"Z511", "Z5101", "Z5100"}:
            assert codes.dr.startswith("C")


def test_external_causes_only_beside_an_injury_or_poisoning(corpus):
    for synthetic in corpus:
        codes = synthetic.stay.codes.all_codes()
        if any(c[0] in "VWXY" for c in codes):
            assert any(c[0] in "ST" for c in codes), synthetic.stay.stay_id
            assert synthetic.stay.codes.dp[0] not in "VWXY"


def test_sex_and_age_consistency(corpus, context):
    catalogue: CodeCatalogue = context.catalogue
    for synthetic in corpus:
        stay = synthetic.stay
        for code in stay.codes.all_codes():
            if code.startswith("O") or code.startswith("Z37"):
                assert stay.sex == "F" and 15 <= stay.age <= 50, (stay.stay_id, code)
            if code.startswith("P") or code.startswith("Z38"):
                assert stay.age == 0, (stay.stay_id, code)
            if code.startswith(("N40", "C61")):
                assert stay.sex == "M", (stay.stay_id, code)
            assert catalogue.fits_patient(code, stay.sex, stay.age), (stay.stay_id, code)


def test_dates_units_and_sessions(corpus):
    for synthetic in corpus:
        stay = synthetic.stay
        assert re.fullmatch(r"SYN-\d{6}", stay.stay_id)
        assert stay.unit and stay.documents and stay.sex in {"M", "F"}
        if stay.codes.dp in SESSION_DPS:
            assert stay.admission_date == stay.discharge_date
        assert stay.length_of_stay is not None and stay.length_of_stay >= 0
        assert len({d.doc_id for d in stay.documents}) == len(stay.documents)


def test_word_counts_within_bounds(corpus):
    # Letters of a few lines (day hospital, ambulatory surgery) are short by nature; see test_synth_hospital.
    counts = [len(s.stay.text.split()) for s in corpus if not s.short]
    assert min(counts) >= 150 and max(counts) <= 1500, (min(counts), max(counts))
    # A short letter's words, without the operative report an ambulatory operation adds.
    short = [
        sum(len(d.text.split()) for d in s.stay.documents if d.doc_id != s.report_doc_id) for s in corpus if s.short
    ]
    assert short and min(short) >= 15 and max(short) <= 200, short


def test_some_stays_have_several_documents(corpus):
    share = sum(len(s.stay.documents) > 1 for s in corpus) / len(corpus)
    assert 0.05 < share < 0.6
    assert {"CRO", "Lettre"} <= {d.type for s in corpus for d in s.stay.documents}


def test_distractors_are_frequent_written_and_never_coded(corpus):
    with_distractor = 0
    kinds = set()
    for synthetic in corpus:
        gold = synthetic.stay.codes.all_codes()
        text = synthetic.stay.text
        with_distractor += bool(synthetic.distractors)
        for distractor in synthetic.distractors:
            kinds.add(distractor.kind)
            assert distractor.text.rstrip(".") in text, distractor
            assert distractor.code not in gold
            assert distractor.code[:3] not in {c[:3] for c in gold}
    assert with_distractor / len(corpus) >= 0.30
    assert kinds == {"negated", "hypothetical", "family", "history", "normal"}


def test_measurement_decided_codes_come_with_their_measurement(corpus, loaded):
    seen = set()
    for synthetic in corpus:
        gold = synthetic.stay.codes.all_codes()
        text = synthetic.stay.text
        for measured in synthetic.measurements:
            seen.add(measured.kind)
            assert measured.code in gold
            assert measured.text in text, (synthetic.stay.stay_id, measured)
    assert {"fevg", "imc", "dfg", "insulin", "infarct_delay", "term"} <= seen


def test_measurement_bands_follow_the_atih_labels(terminology):
    spec = load_data().measurements
    for low, _high, suffix in spec["fevg"]["bands"]:
        label = terminology.label("I500" + suffix)
        assert "FEVG" in label
        if low >= 50:
            assert "supérieure ou égale à 50" in label
        elif low >= 40:
            assert "inférieure à 50 et supérieure ou égale à 40" in label
        else:
            assert "inférieure à 40" in label
    assert "égal ou supérieur à 30" in terminology.label("E6604") and "inférieur à 35" in terminology.label("E6604")
    assert "supérieure à 6,5" in terminology.label(spec["kaliemie"]["bands"][0][2])
    assert "inférieure à 120" in terminology.label(spec["natremie"]["bands"][0][2])
    for _, _, code in spec["dfg"]["bands"]:
        assert f"stade {code[-1]}" in terminology.label(code)
    assert "insulinotraité" in terminology.label("E1190") and "non insulinotraité" in terminology.label("E1198")
    assert "24 heures ou moins" in terminology.label("I21400")


def test_insulin_decides_e11_fifth_character(corpus):
    insulins = load_data().drugs["classes"]["insuline"]
    insulin_names = {d["brand"].lower() for d in insulins} | {d["generic"] for d in insulins}
    for synthetic in corpus:
        text = synthetic.stay.text.lower()
        for code in synthetic.stay.codes.all_codes():
            if re.fullmatch(r"E11\d0", code):
                assert any(name in text for name in insulin_names), synthetic.stay.stay_id
            if re.fullmatch(r"E11\d8", code):
                assert not any(name in text for name in insulin_names), synthetic.stay.stay_id


def test_gold_wordings_are_varied(corpus):
    # The same code must not always be written the same way (label, lexicon, synonyms, typos).
    wordings: dict[str, set[str]] = {}
    for synthetic in corpus:
        text = synthetic.stay.text.lower()
        for form in ("hta", "hypertension artérielle", "hypertension essentielle"):
            if "I10" in synthetic.stay.codes.das and form in text:
                wordings.setdefault("I10", set()).add(form)
    assert len(wordings.get("I10", set())) >= 2


def test_distinct_codes_have_a_long_tail(context):
    stays = [s.stay for s in generate_synthetic(2000, seed=11, context=context)]
    codes = [c for s in stays for c in s.codes.all_codes()]
    distinct = set(codes)
    assert len(distinct) >= 650, len(distinct)
    singletons = sum(1 for c in distinct if codes.count(c) == 1)
    assert singletons / len(distinct) > 0.3


def test_data_codes_exist_and_templates_use_known_fields(terminology):
    data = load_data()
    listed: list[str] = []
    for scenario in data.scenarios:
        listed += [c[0] for c in scenario["dp"].get("codes", [])]
        listed += [c[0] for c in scenario.get("complications", []) if c[0][0].isupper() and c[0][1:3].isdigit()]
    for group in ("chronic", "acute"):
        listed += [c[0] for e in data.comorbidities[group] for c in e.get("codes", [])]
    listed += [t["code"] for t in data.oncology["tumours"]] + [c["code"] for c in data.distractors["conditions"]]
    listed += [entry[0] for group in ("chute", "accident") for entry in data.external_causes[group]]
    listed += [finding[1] for finding in data.distractors["normal_findings"]]
    listed += [
        c[0] for scenario in data.scenarios if isinstance(scenario.get("dr"), dict) for c in scenario["dr"]["codes"]
    ]
    listed += [site["code"] for site in data.oncology["metastases"]["sites"]]
    for entry in data.status["entries"]:
        listed += entry.get("codes", [])
        for site in entry.get("sites", []):
            listed += [site["code"], *(code for _, code in site["surgeries"] if code)]
        listed += [code for _, code, _ in entry.get("treatments", [])]
    listed += [rule["code"] for rule in data.status["implied"]] + [data.status["anticoagulant_code"]]
    listed += [*data.status["tobacco"], *data.status["alcohol"]]
    for code in listed:
        entry = terminology.get(code)
        assert entry is not None and entry.codable, code
    known = set(data.frames["pronouns"]["M"]) | {
        "pt",
        "Pt",
        "il",
        "Il",
        "e",
        "civ",
        "child",
        "votre_pt",
        "age",
        "dur",
        "n",
        "side",
        "year",
        "pa",
        "t1",
        "t2",
        "kg",
        "months",
        "kg_child",
        "cycle",
        "fraction",
        "date_rcp",
        "creat_hi",
        "creat_base",
        "nephro_cause",
        "fevg_text",
        "term_normal",
        "bw_normal",
        "ces_type",
        "sexe_nn",
        "dp",
        "dr",
        "dp_measure",
        "term",
        "bw_text",
        "protocol",
        "cause",
        "x",
        "X",
        "de_x",
        "article_x",
        "e_x",
        "care",
        "domain",
        "adm",
        "dis",
        "surname",
        "doctor",
        "doctor2",
        "measure",
        # hospital style (planner facts and short-letter values)
        "de_dr",
        "side_f",
        "ne",
        "Patient",
        "spouse",
        "Veuf",
        "Porteur",
        "cig",
        "glasses",
        "service",
        "hospital",
        "title",
        "SURNAME",
        "first",
        "next",
        "ps",
        "pnn",
        "plq",
        "uf",
        "hb_low",
        "units",
        "eva",
        "anesthesia",
        "DP",
        "DR",
        "de_dp",
    }
    for scenario in data.scenarios:
        for key in ("motifs", "story", "exam", "imaging", "care", "conclusions"):
            for template in scenario.get(key, []):
                assert template_fields(template) <= known, (scenario["id"], template)
        for key, templates in scenario.get("short", {}).items():
            for template in templates:
                assert template_fields(template) <= known, (scenario["id"], key, template)


def test_misspelling_changes_one_letter_or_accent():
    import random

    rng = random.Random(0)
    for word in ("hypertension", "pneumopathie", "insuffisance", "embolie", "fibrillation", "déshydratation"):
        typo = misspell_word(word, rng)
        assert typo != word or len(word) < 4
        assert abs(len(typo) - len(word)) <= 1


def test_command_writes_valid_jsonl(tmp_path):
    output = tmp_path / "corpus" / "stays.jsonl"
    synth_command(n=25, seed=5, output=output)
    stays = read_stays(output)
    assert len(stays) == 25
    assert all(s.codes and s.codes.dp for s in stays)
    assert not list(tmp_path.glob("corpus/.*.tmp"))
