"""The hospital house style of the synthetic corpus: headings, antecedents and their status codes, symptom
DPs, short letters, coordinated metastases, determinism, and gold codes valid in the ATIH 2025 table."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from coding_assistant.synth import generate_stays, generate_synthetic
from coding_assistant.synth.data import load_data
from coding_assistant.synth.generator import build_context, compose_stay
from coding_assistant.synth.wording import template_fields
from coding_assistant.text.sections import split_sections

ATIH_2025 = Path(__file__).resolve().parents[2] / "terminologies" / "cim10" / "cim10_fr_2025.csv"
ALLOWED_TYPES = {"DP": {"0"}, "DR": {"0", "4"}, "DAS": {"0", "1", "2", "4"}}
N_PLANS = 1000


@pytest.fixture(scope="module")
def context(loaded):
    return build_context(loaded)


@pytest.fixture(scope="module")
def hospital(context):
    """Stays all written in the hospital style."""
    return list(generate_synthetic(400, seed=13, context=context, hospital_share=1.0))


@pytest.fixture(scope="module")
def plans(context):
    """(plan, documents, house) of a default-share run: what each gold code was made from."""
    return [compose_stay(context, 17, index, 0.45) for index in range(1, N_PLANS + 1)]


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def _full_letters(stays):
    return [s for s in stays if not s.short]


def test_share_of_hospital_style_follows_the_setting(context):
    default = [s.style for s in generate_synthetic(400, seed=2, context=context)]
    share = default.count("hospital") / len(default)
    assert 0.38 <= share <= 0.55, share  # default 0.45 (data/hospital.json)
    assert {s.style for s in generate_synthetic(60, seed=2, context=context, hospital_share=0.0)} == {"classic"}
    assert {s.style for s in generate_synthetic(60, seed=2, context=context, hospital_share=1.0)} == {"hospital"}
    with pytest.raises(ValueError):
        next(generate_synthetic(1, seed=2, context=context, hospital_share=1.5))


def test_same_seed_same_hospital_letters(context):
    first = [s.model_dump_json() for s in generate_stays(30, seed=8, hospital_share=1.0)]
    again = [s.stay.model_dump_json() for s in generate_synthetic(30, seed=8, context=context, hospital_share=1.0)]
    other = [s.stay.model_dump_json() for s in generate_synthetic(30, seed=9, context=context, hospital_share=1.0)]
    assert first == again
    assert first != other


def test_hospital_headings_are_written_and_read_as_sections(hospital):
    titles = load_data().hospital["titles"]
    letters = _full_letters(hospital)
    assert len(letters) > 200
    bold = 0
    for synthetic in letters:
        text = synthetic.stay.documents[0].text
        lines = {_norm(line) for line in text.split("\n")}
        for key in ("motif", "antecedents", "examen", "evolution", "conclusion", "traitement_sortie"):
            wanted = {_norm(t) for t in titles[key]}
            assert any(line in wanted or any(line.startswith(w + " ") for w in wanted) for line in lines), (
                synthetic.stay.stay_id,
                key,
            )
        bold += "**" in text
        kinds = {section.kind for section in split_sections(text)}
        assert {"motif", "antecedents", "evolution", "conclusion"} <= kinds, (synthetic.stay.stay_id, kinds)
    assert 0.1 < bold / len(letters) < 0.45  # some software exports headings in markdown bold


def test_antecedents_are_telegraphic_with_labels_and_brand_drugs(hospital):
    letters = [s.stay.documents[0].text for s in _full_letters(hospital)]
    joined = "\n".join(letters)
    assert sum(bool(re.search(r"^(-|•) ?\S", t, re.MULTILINE)) for t in letters) / len(letters) > 0.6
    for label in ("Allergie", "Tabac", "OH", "Familiaux"):
        assert label in joined, label
    brands = {d["brand"].lower() for drugs in load_data().drugs["classes"].values() for d in drugs}
    with_brand = sum(any(b in t.lower() for b in brands) for t in letters)
    assert with_brand / len(letters) > 0.8
    # lab values with their units
    for unit in ("g/dL", "µmol/L", "mmol/L", "mg/L", "pg/mL", "ng/L"):
        assert unit.lower() in joined.lower(), unit


def test_status_items_are_coded_and_written(plans):
    """Every status item of the plan is a DAS and its wording is in the letter; joined codes share it."""
    seen: set[str] = set()
    for plan, documents, house in plans:
        text = "\n".join(d.text for d in documents)
        gold = {m.code for m in plan.mentions}
        for m in plan.mentions:
            if m.place not in ("status", "metastasis"):
                continue
            seen.add(m.code[:3])
            assert m.role == "DAS" and m.code in gold
            if m.text:
                if m.place == "status":
                    assert house, (plan.index, m.code)
                # a short letter may write the sites after the tumour: "cancer du côlon métastatique (foie, os)"
                shown = m.text.lower() in text.lower() or (m.place == "metastasis" and "métastatique (" in text)
                assert shown, (plan.index, m.code, m.text)
    assert {"Z95", "Z92", "Z60", "Z74", "Z85", "Z90", "Z93", "Z94", "Z99"} <= seen, seen


def test_status_codes_follow_the_coding_rule(plans, context):
    spec = load_data().status
    anticoagulants = set(spec["anticoagulant_classes"])
    for plan, documents, _house in plans:
        text = "\n".join(d.text for d in documents)
        lower = text.lower()
        gold = [m.code for m in plan.mentions]
        # living alone is coded whenever a letter says it
        if re.search(r"\bvit seule?\b", lower):
            assert "Z6020" in gold, plan.index
        # long-term anticoagulation: Z92.1 iff an anticoagulant is in the entry treatment (both styles)
        entry = any(line.drug_class in anticoagulants for line in plan.drugs_in)
        assert ("Z921" in gold) == entry, plan.index
        if "Z921" in gold:
            lines = [line for line in plan.drugs_in if line.drug_class in anticoagulants]
            names = [name.lower() for line in lines for name in (line.brand, line.generic)]
            assert any(name in lower for name in names), plan.index
        if any(m.text and "stent" in m.text.lower() for m in plan.mentions):
            assert "Z955" in gold, plan.index
        # a cured cancer and its treatments, never beside an active cancer
        if any(code.startswith("Z85") for code in gold):
            assert not any(code.startswith(("C", "Z51")) for code in gold), plan.index
        if "Z926" in gold:
            assert "chimiothérapie" in lower
        if "Z923" in gold:
            assert "radiothérapie" in lower
        if "Z992" in gold:
            assert "N185" in gold and "dialys" in lower and not plan.dp.code.startswith("Z49")
        # a former smoker and routine cured surgery are written, never coded
        if re.search(r"tabac : sevré|tabagisme sevré|ancien fumeur", lower):
            assert not {"F1724", "Z720"} & set(gold), plan.index
        if "Z904" in gold:
            assert "colectomie" in lower, plan.index


def test_uncoded_antecedents_are_written_in_hospital_letters(hospital):
    cured = load_data().hospital["atcd"]
    stems = [t.split(" (")[0].split(" {")[0].lower() for t in cured["surgical"] + cured["medical_cured"]]
    letters = [s.stay.text.lower() for s in _full_letters(hospital)]
    assert sum(any(stem in t for stem in stems) for t in letters) / len(letters) > 0.5


def test_symptom_dp_stays_end_without_a_diagnosis(context):
    stays = [s for s in generate_synthetic(1500, seed=21, context=context) if s.scenario.startswith("symptome_")]
    assert len(stays) >= 40
    scenarios = {s["id"]: s for s in load_data().scenarios}
    dps = set()
    ended = 0
    for synthetic in stays:
        dp = synthetic.stay.codes.dp
        dps.add(dp)
        assert dp.startswith("R"), (synthetic.stay.stay_id, dp)
        if synthetic.scenario == "symptome_dyspnee":  # never the disease that would explain the symptom
            assert not any(code.startswith(("I50", "J44")) for code in synthetic.stay.codes.das)
        conclusions = scenarios[synthetic.scenario]["conclusions"]
        # the letter ends on the symptom with the scenario's words ("sans cause retrouvée"); a typo or an
        # abbreviation of the template may hide a few
        heads = [re.split(r"[{;,(]", c)[0].strip().lower() for c in conclusions]
        ended += any(head and head in synthetic.stay.text.lower() for head in heads)
    assert ended / len(stays) > 0.8
    assert {"R074", "R55", "R060", "R104", "R509", "R202"} <= dps


def test_short_letters(context):
    stays = [s for s in generate_synthetic(800, seed=5, context=context, hospital_share=1.0) if s.short]
    assert len(stays) >= 80
    dps = set()
    for synthetic in stays:
        stay = synthetic.stay
        # The short letter is the stay's only letter; an ambulatory operation adds its operative report.
        letters = [d for d in stay.documents if d.doc_id != synthetic.report_doc_id]
        assert len(letters) == 1
        lines = [line for line in letters[0].text.split("\n") if line.strip()]
        assert 3 <= len(lines) <= 6, (stay.stay_id, lines)
        assert stay.admission_date == stay.discharge_date
        for measured in synthetic.measurements:
            assert measured.text in stay.text, (stay.stay_id, measured)
        for distractor in synthetic.distractors:
            assert distractor.text in stay.text
        dps.add(stay.codes.dp)
        if stay.codes.dp == "Z511":
            assert stay.codes.dr and stay.codes.dr.startswith("C")
        if stay.codes.dp == "Z5130":
            assert stay.codes.dr is not None
    assert {"Z511", "Z491", "Z5130"} <= dps
    assert dps & {"H251", "H259"} and dps & {"K635", "K573", "K297", "K210", "K219"}  # surgery, endoscopy


def test_metastases_are_coordinated_wordings(plans):
    coordinated = 0
    for plan, documents, _house in plans:
        text = "\n".join(d.text for d in documents)
        metastases = [m for m in plan.mentions if m.place == "metastasis"]
        if not metastases:
            continue
        assert all(m.code[:3] in ("C77", "C78", "C79") for m in metastases)
        assert [m.joined for m in metastases] == [False] + [True] * (len(metastases) - 1)
        assert (metastases[0].text or "").lower() in text.lower() or "métastatique (" in text
        if len(metastases) > 1:
            coordinated += 1
            assert " et " in (metastases[0].text or "")
    assert coordinated >= 3


def test_gold_codes_valid_in_the_atih_2025_table(hospital, terminology):
    if not ATIH_2025.exists():
        pytest.skip("ATIH CIM-10 FR 2025 table not shipped in terminologies/cim10")
    with ATIH_2025.open(encoding="utf-8") as handle:
        table = {row["code"]: row for row in csv.DictReader(handle)}
    stays = [s.stay for s in hospital] + list(generate_stays(300, seed=31))
    for stay in stays:
        codes = stay.codes
        positions = [("DP", codes.dp)] + ([("DR", codes.dr)] if codes.dr else []) + [("DAS", c) for c in codes.das]
        for position, code in positions:
            row = table.get(code)
            assert row is not None and row["active"] == "1", (stay.stay_id, code)
            assert row["type_mco"] in ALLOWED_TYPES[position], (stay.stay_id, position, code)
            assert terminology.allowed(code, position), (stay.stay_id, position, code)


def test_hospital_templates_use_known_fields():
    data = load_data()
    known = set(data.frames["pronouns"]["M"]) | set(
        [
            "age",
            "dur",
            "n",
            "side",
            "side_f",
            "year",
            "pa",
            "cig",
            "glasses",
            "ne",
            "Patient",
            "spouse",
            "Veuf",
            "Porteur",
            "surname",
            "doctor",
            "doctor2",
            "dis",
            "adm",
            "x",
            "X",
            "de_x",
            "article_x",
            "e_x",
            "care",
            "domain",
            "dp",
            "list",
            "terrain",
            "route",
            "motif",
            "drug",
            "organ",
            "finding",
            "next",
            "eva",
            "site",
            "de_site",
            "e_site",
            "treatments",
            "adjs",
            "primary",
            "mets",
            "nouns",
            "kg",
            "sys",
            "dia",
            "hr",
            "rr",
            "temp",
            "spo2",
            "civ",
            "service",
            "hospital",
            "title",
            "SURNAME",
            "first",
            "t",
            "T",
            "brand",
            "Brand",
            "BRAND",
            "generic",
            "Generic",
            "dose",
            "posology",
            "cm",
        ]
    )
    templates: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, str):
            templates.append(node)
        elif isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            for key, value in node.items():
                if key != "_comment":
                    walk(value)

    walk(data.hospital)
    walk(data.status)
    walk({k: v for k, v in data.oncology["metastases"].items() if k in ("standalone", "with_primary")})
    for template in templates:
        assert template_fields(template) <= known, template
