"""Walking the 2026 trees: one synthetic stay per CMD built from the lists, node-kind coverage, list mismatches."""

from __future__ import annotations

import re

import pytest

from coding_assistant.groupage import Act, StayFacts, default_grouper


@pytest.fixture(scope="module")
def grouper():
    return default_grouper()


def first_code_of(grouper, name: str) -> str:
    return min(code for code, lists in grouper.lists.diagnosis.items() if name in lists)


def first_act_of(grouper, name: str) -> str:
    return min(code for code, lists in grouper.lists.acts.items() if name in lists)


MEDICAL_CMDS = [f"{n:02d}" for n in range(1, 24) if n != 15]


@pytest.mark.parametrize("cmd", MEDICAL_CMDS)
def test_a_dp_of_each_cmd_reaches_a_ghm_of_that_cmd(grouper, cmd):
    # DP: the first code of the CMD's first medical list (D-<cmd>xx); an adult, 5 nights, no act.
    names = sorted(n for n, cmds in grouper.lists.diagnosis_list_cmds.items() if re.match(rf"^D-{cmd}\d\d$", n))
    sex = "M" if cmd == "12" else "F"
    dp = first_code_of(grouper, names[0])
    result = grouper.group(StayFacts(f"cmd{cmd}", dp=dp, length_of_stay=5, age=40, sex=sex))
    assert result.cmd == cmd, (dp, result.ghm, result.warnings)
    assert result.ghm and not result.ghm.startswith("90")
    assert result.path[0] == "p10-1"  # the walk starts with the sessions' CMD 28
    assert grouper.tree.cmd_roots[cmd] in result.path


def test_cmd28_sessions(grouper):
    dialysis = grouper.group(StayFacts("s28", dp="Z491", dr="N185", length_of_stay=0, age=60, sex="M", sessions=1))
    assert dialysis.ghm == "28Z04Z"
    chemo = grouper.group(StayFacts("s28b", dp="Z511", dr="C509", length_of_stay=0, age=60, sex="F", sessions=1))
    assert chemo.ghm == "28Z07Z"
    # The same chemotherapy without a session count is not a session: CMD 17.
    assert grouper.group(StayFacts("s17", dp="Z511", dr="C509", length_of_stay=0, age=60, sex="F")).cmd == "17"


def test_cmd27_transplantation(grouper):
    act = first_act_of(grouper, "A-093")  # renal transplantation
    result = grouper.group(StayFacts("s27", dp="N185", acts=(Act(act),), length_of_stay=12, age=50, sex="M"))
    assert result.ghm.startswith("27C06")


def test_cmd26_multiple_trauma_needs_two_sites(grouper):
    head, thorax = first_code_of(grouper, "D-131"), first_code_of(grouper, "D-132")
    trauma = grouper.group(StayFacts("s26", dp=head, das=(thorax,), length_of_stay=8, age=40, sex="M"))
    assert trauma.cmd == "26"
    alone = grouper.group(StayFacts("s26b", dp=head, length_of_stay=8, age=40, sex="M"))
    assert alone.cmd != "26"


def test_cmd25_hiv(grouper):
    result = grouper.group(StayFacts("s25", dp="B200", das=("A021",), length_of_stay=5, age=40, sex="M"))
    assert result.cmd == "25"
    dead = grouper.group(StayFacts("s25", dp="B200", das=("A021",), length_of_stay=5, age=40, sex="M", exit_mode="9"))
    assert dead.ghm == "25Z02E"


def test_cmd15_newborn(grouper):
    newborn = StayFacts(
        "s15", dp="Z3800", length_of_stay=3, age=0, age_days=0, sex="F", birth_weight=3300, gestational_age=40
    )
    result = grouper.group(newborn)
    assert result.ghm == "15M05A"
    assert any("GNN" in w for w in result.warnings)
    preterm = grouper.group(
        StayFacts("s15b", dp="P0730", length_of_stay=20, age=0, age_days=0, sex="M", birth_weight=1300)
    )
    assert preterm.cmd == "15" and preterm.ghm.startswith("15M12")


def test_cmd14_delivery(grouper):
    act = first_act_of(grouper, "A-335")  # vaginal delivery, primipara
    result = grouper.group(
        StayFacts("s14", dp="O800", das=("Z370",), acts=(Act(act),), length_of_stay=3, age=30, sex="F")
    )
    assert result.ghm == "14Z13A"


def test_a_missing_list_is_not_met_with_a_warning(grouper):
    # A-405 (major breast surgery) is named by the 2026 CMD 09 tree but absent from the 2021 act lists.
    result = grouper.group(StayFacts("s09", dp="C504", acts=(Act("QEFA005"),), length_of_stay=4, age=55, sex="F"))
    assert result.ghm.startswith("09C")
    assert any("A-402" in w and "missing from the list files" in w for w in result.warnings)
    assert any("last branch taken" in w for w in result.warnings)


def test_every_node_kind_of_the_2026_trees_is_read(grouper):
    coverage = grouper.coverage()
    assert coverage["fallback_nodes"] == []
    assert set(coverage["genres"]) == {
        "ghm",
        "test",
        "critere",
        "erreur",
        "renvoi",
        "sans_relation",
        "gnn",
        "inversion",
    }
    assert len(coverage["test_symbols"]) == 10 and len(coverage["critere_variables"]) == 11
    assert coverage["node_kinds"] == 29


def test_mismatch_report_names_the_missing_lists(grouper):
    report = grouper.mismatch_report()
    missing = {entry["list"] for entry in report["missing"]}
    assert {"A-401", "A-405", "A-421"} <= missing and len(missing) == 21
    assert all(name.startswith("A-") for name in missing)  # every D-list the trees name is in the 2024 file
    resized = {entry["list"]: entry for entry in report["size_differs"]}
    assert resized["A-010"]["tree_codes"] == 21 and resized["A-010"]["file_codes"] == 18
    assert report["years"] == {"trees": "2026", "diagnosis_lists": "2024", "act_lists": "2021"}
    assert "aperçu de groupage" in report["preview"]


def test_every_result_is_labelled_a_preview(grouper):
    result = grouper.group(StayFacts("s", dp="J189", length_of_stay=5, age=40, sex="F"))
    assert result.as_dict()["preview"].startswith("aperçu de groupage — arbres 2026, listes 2024/2021")
    assert "pas la fonction groupage" in result.preview
