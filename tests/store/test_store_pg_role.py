"""PostgreSQL: the product runs as the everyday role the README ("Store") describes, which owns nothing and
cannot UPDATE, DELETE or TRUNCATE the audit log and the decisions: a batch and a validation work as that role,
and emptying or rewriting the coding record is refused by the database itself.

Runs where CODING_ASSISTANT_TEST_PG holds a URL whose user may create roles (scripts/postgres_for_tests.sh
gives one; scripts/test.sh starts it in CI); skipped otherwise, with the reason.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import DBAPIError

from coding_assistant.schema import Codes, Document, Stay, write_jsonl
from coding_assistant.store import Store

PG_URL = os.environ.get("CODING_ASSISTANT_TEST_PG")
pytestmark = pytest.mark.skipif(not PG_URL, reason="set CODING_ASSISTANT_TEST_PG (scripts/postgres_for_tests.sh)")
BATCH = [sys.executable, "-m", "coding_assistant", "batch"]
LETTER = "Insuffisance cardiaque globale décompensée. Hypertension artérielle traitée."


@dataclass(frozen=True)
class Urls:
    owner: str  # runs the migrations
    everyday: str  # the commands and the UI


@pytest.fixture
def urls(tmp_path: Path) -> Iterator[Urls]:
    assert PG_URL
    engine = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        if not connection.execute(text("SELECT rolcreaterole FROM pg_roles WHERE rolname = current_user")).scalar():
            engine.dispose()
            pytest.skip("the test user cannot create roles: rerun scripts/postgres_for_tests.sh (it grants it)")
    schema, role, password = f"test_{uuid.uuid4().hex[:12]}", f"everyday_{uuid.uuid4().hex[:12]}", secrets.token_hex(16)
    with engine.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        connection.execute(text(f"CREATE ROLE {role} LOGIN PASSWORD '{password}'"))
    owner = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    everyday = owner.set(username=role, password=password)
    try:
        Store.open(owner.render_as_string(hide_password=False), tmp_path).close()  # the owner migrates
        with engine.connect() as connection:
            # As the README says, word for word in spirit: everything on the tables, then UPDATE and DELETE
            # taken back on the coding record; TRUNCATE is never granted.
            for statement in (
                f'GRANT USAGE ON SCHEMA "{schema}" TO {role}',
                f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "{schema}" TO {role}',
                f'GRANT USAGE ON ALL SEQUENCES IN SCHEMA "{schema}" TO {role}',
                f'REVOKE UPDATE, DELETE ON "{schema}".audit_log, "{schema}".decisions FROM {role}',
            ):
                connection.execute(text(statement))
        yield Urls(owner.render_as_string(hide_password=False), everyday.render_as_string(hide_password=False))
    finally:
        with engine.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))  # its grants go with it
            connection.execute(text(f"DROP ROLE {role}"))
        engine.dispose()


def stay(stay_id: str) -> Stay:
    return Stay(
        stay_id=stay_id,
        sex="F",
        age=80,
        admission_date=date(2026, 10, 25),
        discharge_date=date(2026, 11, 20),
        unit="CARDIO",
        documents=[Document(doc_id=f"{stay_id}-crh", type="CRH", text=LETTER)],
    )


def test_the_everyday_role_codes_and_validates_but_cannot_rewrite_the_record(
    urls: Urls, tmp_path: Path, small_model: Path
) -> None:
    source = tmp_path / "stays.jsonl"
    write_jsonl(source, [stay("S1"), stay("S2")])
    batch = subprocess.run(
        [*BATCH, "--source", str(source), "--db", urls.everyday, "--model", str(small_model)],
        env={**os.environ, "CODING_ASSISTANT_DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert batch.returncode == 0, batch.stderr[-3000:]
    assert "Traceback" not in batch.stderr

    store = Store.open(urls.everyday, tmp_path)
    try:
        store.add_user("claire", "mot-de-passe-de-claire", "dim_physician")
        assert store.load_proposals("S1") is not None
        decision = store.save_decision("S1", "claire", Codes(dp="I5002", das=["I10"]), store.get_stay("S1").version)
        assert store.latest_decision("S1") == decision and store.get_stay("S1").status == "validated"
    finally:
        store.close()

    engine = create_engine(urls.everyday, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            for statement in (
                "TRUNCATE audit_log",
                "TRUNCATE decisions",
                "UPDATE decisions SET dp = 'Z000'",
                "DELETE FROM decisions",
                "UPDATE audit_log SET actor = 'nobody'",
                "DELETE FROM audit_log",
            ):
                with pytest.raises(DBAPIError) as refused:
                    connection.execute(text(statement))
                assert "permission denied" in str(refused.value.orig), statement
            assert connection.execute(text("SELECT count(*) FROM decisions")).scalar() == 1
            assert connection.execute(text("SELECT count(*) FROM audit_log")).scalar() > 0
    finally:
        engine.dispose()
