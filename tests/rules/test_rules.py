"""PMSI checks (coding_assistant.rules): each rule with a passing and a failing hand-built case."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from coding_assistant.config import BUNDLED_TERMINOLOGIES
from coding_assistant.errors import TerminologyFileError
from coding_assistant.rules import allowed_roles, check_coding, default_rules_data, dr_for_dp, load_rules_data
from coding_assistant.rules.dagger import dagger_index, pairs_from_labels
from coding_assistant.rules.ranges import CodeRange
from coding_assistant.text.measurements import find_measurements

RULES_DIR = BUNDLED_TERMINOLOGIES / "rules"


def rules_of(warnings, rule=None):
    ids = [w.rule for w in warnings]
    return ids if rule is None else [w for w in warnings if w.rule == rule]


def check(terminology, dp, dr=None, das=(), sex="F", age=40, acts=()):
    return check_coding(dp, dr, list(das), sex, age, terminology, acts)


# --- code ranges ---
@pytest.mark.parametrize(
    ("code", "start", "end", "inside"),
    [
        ("C509", "C00", "D48", True),
        ("D489", "C00", "D48", True),
        ("D500", "C00", "D48", False),
        ("Z4920", "Z492", "Z492", True),
        ("Z491", "Z492", "Z492", False),
        ("N185", "N185", "N185", True),
        ("N18", "N185", "N185", False),
    ],
)
def test_code_range(code, start, end, inside):
    assert (code in CodeRange.parse(start, end)) is inside


def test_code_range_refuses_reversed_bounds():
    with pytest.raises(ValueError):
        CodeRange.parse("D48", "C00")


# --- the clean case ---
def test_a_plain_correct_coding_has_no_warning(terminology):
    assert check(terminology, "I5002", das=["N184", "E1198"], sex="M", age=67) == []


def test_codes_are_normalised(terminology):
    assert check(terminology, "i50.02", das=["n18.4"], sex="1", age=67) == []


# --- DP ---
def test_dp_missing(terminology):
    warnings = check(terminology, None, das=["I10"])
    assert rules_of(warnings) == ["dp-missing"]
    assert warnings[0].fg_error == "40" and warnings[0].severity == "error"


def test_malformed_code(terminology):
    warnings = check(terminology, "I10", das=["12345"])
    assert rules_of(warnings) == ["malformed-code"]
    assert warnings[0].fg_error == "42"


def test_unknown_code(terminology):
    warnings = check(terminology, "I10", das=["I109"])
    assert rules_of(warnings) == ["unknown-code"]
    assert warnings[0].fg_error == "70"


# --- type MCO per position (FG 113-119) --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("dp", "dr", "das", "code", "fg"),
    [
        ("I50", None, [], "I50", "115"),  # type 3 category in DP
        ("Z511", "C50", [], "C50", "118"),  # type 3 in DR
        ("I10", None, ["E66"], "E66", "119"),  # type 3 in DAS
        ("E1180", None, [], "E1180", "113"),  # type 1 in DP
        ("Z511", "E1188", [], "E1188", "116"),  # type 1 in DR
        ("W1800", None, ["S7200"], "W1800", "114"),  # external cause in DP
        ("Z511", "W1800", [], "W1800", "117"),  # external cause in DR
    ],
)
def test_type_position(terminology, dp, dr, das, code, fg):
    found = rules_of(check(terminology, dp, dr, das), "type-position")
    assert [(w.code, w.fg_error) for w in found] == [(code, fg)]
    assert code in found[0].message and "type-position" not in found[0].message  # the id is apart
    assert str(found[0]).endswith(f"(règle « type-position », FG {fg})")  # and said on a terminal


def test_type_position_allows_type_1_and_2_in_das(terminology):
    assert rules_of(check(terminology, "S7200", das=["W1800", "E1188"]), "type-position") == []


def test_type_4_in_dp_is_refused_without_an_fg_number(terminology):
    type4 = next(e.code for e in terminology if e.mco_type == 4 and not e.deleted and not e.code.startswith("I69"))
    found = check(terminology, type4)
    assert any(w.code == type4 and w.severity == "error" for w in found)


# --- deleted codes (FG 67/68, 70/71, 94/95) ---
def test_deleted_codes_are_refused_in_every_position(terminology):
    warnings = check(terminology, "A90", "E6600", ["N180"])
    found = rules_of(warnings, "deleted-code")
    assert [(w.code, w.fg_error) for w in found] == [("A90", "68"), ("E6600", "95"), ("N180", "71")]
    assert "type-position" not in rules_of(warnings)  # reported once, as deleted


def test_living_code_is_not_deleted(terminology):
    assert rules_of(check(terminology, "A970"), "deleted-code") == []


# --- sequelae and delivery modes as DP (guide méthodologique MCO 2025: coding of sequelae and of deliveries) ---
def test_sequelae_dp(terminology):
    found = rules_of(check(terminology, "I693", sex="M", age=70), "sequelae-dp")
    assert [w.code for w in found] == ["I693"]
    assert rules_of(check(terminology, "I693", sex="M", age=70), "type-position") == []


def test_sequelae_in_das_is_fine(terminology):
    assert check(terminology, "I639", das=["I693"], sex="M", age=70) == []


def test_after_cataract_is_not_a_sequela(terminology):
    # H26.4 "Séquelles de cataracte" (type 0): the after-cataract, coded as DP for a capsulotomy.
    assert check(terminology, "H264", sex="M", age=70) == []
    assert "DP" in allowed_roles("H264", terminology)


def test_delivery_mode_dp(terminology):
    found = rules_of(check(terminology, "O820", das=["Z370"], acts=["JQGA002"], sex="F", age=30), "delivery-mode-dp")
    assert [(w.code, w.fg_error) for w in found] == [("O820", "113")]


def test_normal_delivery_dp_is_fine(terminology):
    assert check(terminology, "O800", das=["Z370"], acts=["JQGD010"], sex="F", age=30) == []


# --- DR (guide méthodologique MCO 2025, chapitre IV) ---
def test_chemotherapy_needs_a_tumour_dr(terminology):
    missing = check(terminology, "Z511", das=["C509"])
    assert [(w.rule, w.fg_error) for w in missing] == [("dr-required", "187")]
    assert check(terminology, "Z511", "C509") == []
    wrong = rules_of(check(terminology, "Z511", "I10"), "dr-required")
    assert [w.code for w in wrong] == ["I10"]


@pytest.mark.parametrize("dp", ["Z491", "Z4920"])
def test_dialysis_needs_ckd_stage_5(terminology, dp):
    assert rules_of(check(terminology, dp, "N185", sex="M", age=60)) == []
    assert rules_of(check(terminology, dp, "N184", sex="M", age=60)) == ["dr-required"]
    assert rules_of(check(terminology, dp, None, sex="M", age=60)) == ["dr-required"]


def test_dr_with_a_disease_dp_is_a_warning(terminology):
    warnings = check(terminology, "I5002", "E1198")
    assert [(w.rule, w.severity) for w in warnings] == [("dr-forbidden", "warning")]


def test_dr_with_a_z_or_symptom_dp_is_fine(terminology):
    assert check(terminology, "Z090", "C509") == []
    assert check(terminology, "R060", "J449") == []


def test_dr_for_dp():
    chemo = dr_for_dp("Z51.1")
    assert chemo is not None and chemo.accepts("C509") and chemo.accepts("D480") and not chemo.accepts("I10")
    assert "tumeur" in chemo.description
    dialysis = dr_for_dp("Z4921")
    assert dialysis is not None and dialysis.accepts("N185") and not dialysis.accepts("N184")
    assert dr_for_dp("I10") is None
    assert dr_for_dp(None) is None


# --- roles ---
@pytest.mark.parametrize(
    ("code", "roles"),
    [
        ("I5002", {"DP", "DR", "DAS"}),
        ("I50", set()),  # type 3
        ("E1180", {"DAS"}),  # type 1
        ("W1800", {"DAS"}),  # external cause
        ("I693", {"DR", "DAS"}),  # sequela, type 4
        ("O820", {"DAS"}),
        ("A90", set()),  # deleted
        ("I109", set()),  # unknown
    ],
)
def test_allowed_roles(terminology, code, roles):
    assert allowed_roles(code, terminology) == roles


# --- external causes (CIM-10 FR à usage PMSI, chapter XX: type 2) ---
def test_external_cause_needs_an_injury(terminology):
    alone = rules_of(check(terminology, "I10", das=["W1800"]), "external-cause-alone")
    assert [w.code for w in alone] == ["W1800"]
    assert check(terminology, "S7200", das=["W1800"]) == []


def test_adverse_drug_effect_qualifies_any_chapter(terminology):
    assert check(terminology, "D611", das=["Y433"]) == []
    assert rules_of(check(terminology, "D611", das=["Y433", "W1800"]), "external-cause-alone")[0].code == "W1800"


# --- dagger / asterisk (CIM-10 FR à usage PMSI convention) ---
def test_asterisk_alone_is_an_error(terminology):
    found = rules_of(check(terminology, "G01"), "asterisk-without-dagger")
    assert [(w.code, w.severity) for w in found] == [("G01", "error")]
    assert "A390" in found[0].message or "A170" in found[0].message


def test_asterisk_with_its_dagger_is_fine(terminology):
    assert check(terminology, "A390", das=["G01"]) == []
    assert check(terminology, "G01", das=["A390"]) == []


def test_asterisk_with_an_unknown_aetiology_is_a_warning(terminology):
    found = rules_of(check(terminology, "G01", das=["I10"]), "asterisk-without-dagger")
    assert [(w.code, w.severity) for w in found] == [("G01", "warning")]


def test_asterisk_recognised_from_its_label(terminology):
    index = dagger_index(terminology, default_rules_data())
    assert index.is_asterisk("D638")  # "Anémie au cours d'autres maladies chroniques classées ailleurs"
    assert not index.is_asterisk("A288")  # "… non classées ailleurs" is not an asterisk
    assert rules_of(check(terminology, "D638"), "asterisk-without-dagger")
    assert check(terminology, "D638", das=["N184"]) == []  # unknown dagger: cannot be judged


def test_pairs_are_read_from_labels(terminology):
    pairs = set(pairs_from_labels(terminology))
    assert ("B260", "N511") in pairs
    shipped = set(default_rules_data().dagger_pairs)
    assert len(shipped) >= 45 and shipped <= pairs | shipped


# --- sex and age (FG return codes 86/92/98 and 130-135) ---
@pytest.mark.parametrize(
    ("dp", "das", "sex", "code", "fg"),
    [
        ("C61", [], "F", "C61", "86"),  # prostate in a woman
        ("N40", [], "F", "N40", "86"),
        ("I10", ["D251"], "M", "D251", "92"),  # uterus in a man
        ("Z090", ["C56"], "M", "C56", "92"),
        ("O800", ["Z370"], "M", "O800", "86"),
    ],
)
def test_sex(terminology, dp, das, sex, code, fg):
    found = rules_of(check(terminology, dp, das=das, sex=sex, age=30, acts=()), "sex")
    assert (found[0].code, found[0].fg_error) == (code, fg)


def test_sex_consistent_or_unknown(terminology):
    assert rules_of(check(terminology, "C61", sex="M", age=70), "sex") == []
    assert rules_of(check(terminology, "C61", sex=None, age=70), "sex") == []
    assert rules_of(check(terminology, "C509", sex="M", age=70), "sex") == []  # breast: both sexes


def test_sex_in_dr(terminology):
    found = rules_of(check(terminology, "Z511", "C61", sex="F", age=60), "sex")
    assert found[0].fg_error == "98"


@pytest.mark.parametrize(("age", "ok"), [(9, False), (10, True), (55, True), (56, False)])
def test_obstetric_age_bounds(terminology, age, ok):
    found = rules_of(check(terminology, "O800", das=["Z370"], age=age), "age")
    assert (found == []) is ok
    if not ok:
        assert {w.fg_error for w in found} == {"130", "132"}


@pytest.mark.parametrize(("age", "ok"), [(0, True), (1, False), (40, False)])
def test_newborn_codes_and_age(terminology, age, ok):
    found = rules_of(check(terminology, "Z380", das=["P071"], age=age), "age")
    assert (found == []) is ok
    if not ok:
        assert [(w.code, w.fg_error, w.severity) for w in found] == [
            ("Z380", "133", "error"),
            ("P071", "135", "warning"),  # chapter XVI may be used later for a perinatal condition
        ]


def test_age_bounds_are_configurable(tmp_path):
    for path in RULES_DIR.iterdir():
        (tmp_path / path.name).write_bytes(path.read_bytes())
    text = (tmp_path / "age_constraints.csv").read_text(encoding="utf-8").replace("O00,O99,F,10,55", "O00,O99,F,12,50")
    (tmp_path / "age_constraints.csv").write_text(text, encoding="utf-8")
    rules = load_rules_data(tmp_path)
    assert rules.age[0].min_age == 12 and rules.age[0].max_age == 50


def test_bad_data_file_names_file_and_line(tmp_path):
    for path in RULES_DIR.iterdir():
        (tmp_path / path.name).write_bytes(path.read_bytes())
    with (tmp_path / "sex_codes.csv").open("a", encoding="utf-8") as handle:
        handle.write("C61,C61,X,bad\n")
    with pytest.raises(TerminologyFileError, match=r"sex_codes.csv:\d+"):
        load_rules_data(tmp_path)


# --- obstetrics: delivery diagnosis <-> delivery act (FG return codes 205/206) ----------------------------------------
def test_delivery_diagnosis_without_act(terminology):
    found = rules_of(check(terminology, "O800", das=["Z370"], acts=["ZCQK002"]), "obstetric-without-delivery-act")
    assert [(w.fg_error, w.severity) for w in found] == [("205", "warning")]


def test_delivery_act_without_diagnosis(terminology):
    found = rules_of(check(terminology, "O140", acts=["JQGA002"]), "delivery-act-without-obstetric")
    assert [(w.fg_error, w.severity) for w in found] == [("206", "error")]


def test_delivery_with_act_or_without_acts_given(terminology):
    assert check(terminology, "O800", das=["Z370"], acts=["JQGD010-1-0"]) == []
    assert check(terminology, "O800", das=["Z370"]) == []  # acts unknown: not checked


def test_delivery_acts_exist_in_ccam():
    with (BUNDLED_TERMINOLOGIES / "ccam" / "ccam_actes.csv").open(encoding="utf-8") as handle:
        labels = {row["code"]: row["libelle_long"] for row in csv.DictReader(handle)}
    for act in default_rules_data().delivery_acts:
        assert act.startswith(("JQGA", "JQGD")) and "ccouchement" in labels[act]


# --- duplicates and message shape ---
def test_duplicate_code(terminology):
    found = rules_of(check(terminology, "I10", das=["I10"]), "duplicate-code")
    assert [(w.code, w.severity) for w in found] == [("I10", "warning")]


def test_every_cited_fg_number_exists_and_messages_name_the_code_not_the_rule(terminology):
    fg = default_rules_data().fg_errors
    stays = [
        ("I50", "I10", ["W19", "G01", "E6600"], "M", 70, ["JQGA002"]),
        (None, "Z511", ["C61", "O800", "P071", "Y433"], "F", 60, []),
        ("Z511", None, ["12"], None, None, []),
    ]
    seen = 0
    for dp, dr, das, sex, age, acts in stays:
        for warning in check_coding(dp, dr, das, sex, age, terminology, acts):
            seen += 1
            assert warning.fg_error is None or warning.fg_error in fg, warning
            assert "règle «" not in warning.message  # the rule travels as its own field
            assert warning.code is None or warning.code in warning.message
            assert "\n" not in warning.message
            assert warning.severity in ("error", "warning")
    assert seen >= 10


def test_errors_come_first(terminology):
    warnings = check(terminology, "I50", "I10", ["I10"])
    severities = [w.severity for w in warnings]
    assert severities == sorted(severities, key=lambda s: s != "error")


# --- data files ---
def test_sex_and_age_ranges_name_existing_codes(terminology):
    rules = default_rules_data()
    for constraint in [*rules.sex, *rules.age]:
        for bound in (constraint.codes.start, constraint.codes.end):
            assert bound in terminology, bound


def test_data_files_are_documented():
    readme = (RULES_DIR / "README.md").read_text(encoding="utf-8")
    for path in RULES_DIR.iterdir():
        if path.name != "README.md":
            assert path.name in readme, path.name


def test_rules_never_read_shared():
    package = Path(__file__).resolve().parents[2] / "coding_assistant" / "rules"
    for source in package.rglob("*.py"):
        assert "shared/data" not in source.read_text(encoding="utf-8"), source


# --- a code that the letter's measured value contradicts ---


@pytest.mark.parametrize(
    ("text", "coded", "expected"),
    [
        ("Natrémie à 126 mmol/L le 3/02.", "E8710", "E8718"),  # "< 120" in the wording, 126 measured
        ("Natrémie à 112 mmol/L.", "E8718", "E8710"),  # and the other way round
        ("Kaliémie 5,2 mmol/L.", "E8750", "E8758"),
        ("Poids 120 kg. IMC à 42 kg/m².", "E6604", "E6606"),  # the band, the cause (E66.0) kept
        ("DFG 25 mL/min/1,73 m².", "N183", "N184"),
    ],
)
def test_a_value_that_contradicts_the_codes_wording_is_flagged(terminology, text, coded, expected):
    measurements = find_measurements(text)
    warnings = check_coding("I10", None, [coded], "F", 60, terminology, measurements=measurements, text=text)
    found = rules_of(warnings, "measurement-code")
    assert [w.code for w in found] == [coded] and found[0].severity == "warning"
    assert f"{expected} attendu" in found[0].message


@pytest.mark.parametrize(
    ("text", "coded"),
    [
        ("Natrémie à 112 mmol/L.", "E8710"),  # the value agrees
        ("Hyponatrémie sévère.", "E8710"),  # no value in the letter: the coder may know more
        ("IRC stade 3 connue. DFG 25 mL/min ce jour (insuffisance rénale aiguë).", "N183"),  # a written stage wins
    ],
)
def test_no_flag_when_the_value_agrees_or_is_absent(terminology, text, coded):
    warnings = check_coding("I10", None, [coded], "F", 60, terminology, measurements=find_measurements(text), text=text)
    assert rules_of(warnings, "measurement-code") == []
