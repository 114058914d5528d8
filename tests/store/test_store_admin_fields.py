"""The store keeps a stay's RUM administrative fields in its RUM line (no column of their own) and gives them back
with the stay; they are not part of the content hash, so a corrected mode sends no stay back to coding."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from coding_assistant.formats import read_rss, rss_to_stays
from coding_assistant.schema import Document, Stay
from coding_assistant.store import Store
from coding_assistant.store.hashing import stay_content_hash

RSS_ADMIN = Path(__file__).parents[1] / "data" / "rss" / "rss_admin.txt"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(f"sqlite:///{tmp_path / 'store.sqlite3'}", tmp_path)
    yield opened
    opened.close()


def burn_stay() -> tuple[Stay, str]:
    """Stay 2001-1 of the fixture (entry 7 from réanimation, exit 7 to MCO), with a letter, and its RUM line."""
    line = RSS_ADMIN.read_text(encoding="latin-1").splitlines()[0]
    stay = next(rss_to_stays(read_rss(RSS_ADMIN)))
    letter = Document(doc_id="2001-CRH", text="Brûlure de la main.")
    return stay.model_copy(update={"documents": [letter], "codes": None}), line


def test_a_stay_read_from_an_rss_comes_back_with_its_fields(store: Store) -> None:
    stay, line = burn_stay()
    store.upsert_stay(stay, source_rum=line)
    loaded = store.load_stay(stay.stay_id)
    assert (loaded.entry_mode, loaded.entry_origin, loaded.exit_mode, loaded.exit_destination) == ("7", "R", "7", "1")
    assert loaded.documents == stay.documents


def test_without_a_rum_line_or_with_one_that_no_longer_reads_they_are_absent(store: Store) -> None:
    stay, line = burn_stay()
    store.upsert_stay(stay.model_copy(update={"stay_id": "JSONL-1"}))
    assert store.load_stay("JSONL-1").exit_mode is None  # a JSONL stay: its fields are not stored
    store.upsert_stay(stay.model_copy(update={"stay_id": "OLD-1"}), source_rum=line[:9] + "019" + line[12:])
    assert store.load_stay("OLD-1").entry_mode is None  # a format this version cannot read: left out, no error


def test_the_fields_are_not_in_the_content_hash(store: Store) -> None:
    stay, line = burn_stay()
    bare = stay.model_copy(update=dict.fromkeys(("entry_mode", "entry_origin", "exit_mode", "exit_destination")))
    assert stay_content_hash(stay) == stay_content_hash(bare)
    dead = line.replace("040320267", "040320269")  # exit date 04032026 (88-95), exit mode 9 (96)
    assert dead != line
    _, changed = store.upsert_stay(bare, source_rum=dead)
    assert changed and store.load_stay(stay.stay_id).exit_mode == "9"
    # The same letters with a corrected exit mode: not sent back to coding, the new line is kept and read.
    _, changed = store.upsert_stay(stay, source_rum=line)
    assert not changed and store.load_stay(stay.stay_id).exit_mode == "7"
