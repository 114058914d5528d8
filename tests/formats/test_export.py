"""Export of validated stays (library and `coding-assistant export`): RSS and CSV written from the latest
decision, stays marked exported and audited, stays that cannot be written left validated with their reason."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coding_assistant.cli import app
from coding_assistant.export import ExportError, ExportSelection, export_validated, stays_to_export
from coding_assistant.formats import read_rss
from coding_assistant.schema import Codes, Document, Stay
from coding_assistant.store import Store

FINESS = "750000001"
runner = CliRunner()


def make_stay(stay_id: str, unit: str = "CARD", age: int | None = 70, discharged: date = date(2025, 3, 6)) -> Stay:
    return Stay(
        stay_id=stay_id,
        sex="F",
        age=age,
        admission_date=date(2025, 3, 1),
        discharge_date=discharged,
        unit=unit,
        documents=[Document(doc_id=f"{stay_id}-CRH", text="Conclusion : insuffisance cardiaque.")],
    )


def validate(store: Store, stay: Stay, codes: Codes, user: str = "alice") -> None:
    store.upsert_stay(stay)
    store.save_decision(stay.stay_id, user, codes, store.get_stay(stay.stay_id).version)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    opened = Store.open(f"sqlite:///{tmp_path / 'export.sqlite3'}", tmp_path)
    opened.add_user("alice", "mot-de-passe-1", "coder")
    opened.add_user("claire", "mot-de-passe-2", "dim_physician")
    yield opened
    opened.close()


def test_export_writes_the_latest_decision_and_marks_stays(store: Store, tmp_path: Path) -> None:
    validate(store, make_stay("S1"), Codes(dp="I509", das=["I10"]))
    validate(store, make_stay("S1"), Codes(dp="I5002", dr=None, das=["I10", "N184"]), user="claire")  # re-validated
    validate(store, make_stay("S2", discharged=date(2025, 3, 2)), Codes(dp="J189"))
    store.upsert_stay(make_stay("S3"))  # never validated: not exported

    rss, codes_csv = tmp_path / "out" / "rss.txt", tmp_path / "out" / "codes.csv"
    rss.parent.mkdir()
    result = export_validated(store, "claire", rss, codes_csv, finess=FINESS)

    assert sorted(result.written) == ["S1", "S2"] and result.marked == 2 and not result.skipped
    records = {record.stay_id.split("-")[0]: record for record in read_rss(rss)}
    assert (records["S1"].dp, records["S1"].dr, records["S1"].das) == ("I5002", None, ["I10", "N184"])
    assert records["S2"].dp == "J189" and all(r.finess == FINESS for r in records.values())
    with codes_csv.open(encoding="utf-8") as handle:
        rows = {row["stay_id"]: row for row in csv.DictReader(handle)}
    assert rows["S1"]["das"] == "I10 N184" and rows["S2"]["dp"] == "J189"
    assert {store.get_stay(s).status for s in ("S1", "S2")} == {"exported"}
    assert store.get_stay("S3").status == "to_code"
    assert [e.action for e in store.audit_for_stay("S1")][-1] == "stay_exported"
    assert store.audit_for_stay("S1")[-1].actor == "claire"


def test_stays_that_cannot_be_written_stay_validated(store: Store, tmp_path: Path) -> None:
    validate(store, make_stay("OK"), Codes(dp="I10"))
    validate(store, make_stay("LONGUNIT", unit="CARDIOLOGIE"), Codes(dp="I10"))
    validate(store, make_stay("NOAGE", age=None), Codes(dp="I10"))
    result = export_validated(store, "claire", tmp_path / "rss.txt", finess=FINESS)
    assert result.written == ["OK"]
    reasons = {skipped.stay_id: skipped.reason for skipped in result.skipped}
    assert set(reasons) == {"LONGUNIT", "NOAGE"}
    assert "unit" in reasons["LONGUNIT"] and "age" in reasons["NOAGE"]
    assert store.get_stay("LONGUNIT").status == "validated" and store.get_stay("NOAGE").status == "validated"
    assert len((tmp_path / "rss.txt").read_text(encoding="latin-1").splitlines()) == 1


def test_exported_stays_are_left_out_unless_asked(store: Store, tmp_path: Path) -> None:
    validate(store, make_stay("S1"), Codes(dp="I10"))
    export_validated(store, "claire", tmp_path / "first.txt", finess=FINESS)
    again = export_validated(store, "claire", tmp_path / "second.txt", finess=FINESS)
    assert again.written == [] and not (tmp_path / "second.txt").exists()
    resend = export_validated(
        store, "claire", tmp_path / "third.txt", finess=FINESS, selection=ExportSelection(include_exported=True)
    )
    assert resend.written == ["S1"] and resend.marked == 0


def test_selection_by_unit_and_discharge_date(store: Store) -> None:
    validate(store, make_stay("A", unit="CARD", discharged=date(2025, 3, 2)), Codes(dp="I10"))
    validate(store, make_stay("B", unit="PNEU", discharged=date(2025, 3, 9)), Codes(dp="J189"))
    by_unit = stays_to_export(store, ExportSelection(unit="PNEU"))
    by_date = stays_to_export(store, ExportSelection(discharged_from=date(2025, 3, 5)))
    assert [s.stay_id for s in by_unit] == ["B"] and [s.stay_id for s in by_date] == ["B"]
    assert by_unit[0].codes == Codes(dp="J189") and by_unit[0].documents == []


@pytest.mark.parametrize("finess", [None, "", "12345", "75000000X"])
def test_a_finess_is_required(store: Store, tmp_path: Path, finess: str | None) -> None:
    validate(store, make_stay("S1"), Codes(dp="I10"))
    with pytest.raises(ExportError, match="FINESS"):
        export_validated(store, "claire", tmp_path / "rss.txt", finess=finess)
    assert store.get_stay("S1").status == "validated"


def test_corsican_finess_and_format_022(store: Store, tmp_path: Path) -> None:
    validate(store, make_stay("S1"), Codes(dp="I10"))
    result = export_validated(store, "claire", tmp_path / "rss.txt", finess="2A0000015", rss_format="022")
    assert result.written == ["S1"]
    (record,) = list(read_rss(tmp_path / "rss.txt"))
    assert (record.finess, record.version) == ("2A0000015", "022")
    with pytest.raises(ExportError, match="format"):
        export_validated(store, "claire", tmp_path / "bad.txt", finess=FINESS, rss_format="021")


def test_export_command(store: Store, tmp_path: Path) -> None:
    validate(store, make_stay("S1"), Codes(dp="I5002", das=["I10"]))
    url = str(store.engine.url)
    rss, codes_csv = tmp_path / "rss.txt", tmp_path / "codes.csv"
    args = ["export", "--db", url, "--rss", str(rss), "--csv", str(codes_csv), "--finess", FINESS]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "1 stays written" in result.stdout and rss.exists() and codes_csv.exists()
    assert store.get_stay("S1").status == "exported"
    assert store.audit_for_stay("S1")[-1].actor.startswith("cli:")

    again = runner.invoke(app, args)
    assert again.exit_code == 1 and "no stay exported, none is validated" in again.stderr


def test_export_command_refuses_without_finess(store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CODING_ASSISTANT_FINESS", raising=False)
    validate(store, make_stay("S1"), Codes(dp="I10"))
    result = runner.invoke(app, ["export", "--db", str(store.engine.url), "--rss", str(tmp_path / "rss.txt")])
    assert result.exit_code == 2
    assert "error: FINESS" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "rss.txt").exists()
