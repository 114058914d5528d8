"""The RUM's administrative fields on the stay page: the French line (`coding_review.admin_fields`) and the page
header of a stay read from an RSS."""

from __future__ import annotations

import sys
from pathlib import Path

from test_ui import open_stay, shown, sign_in, store  # noqa: F401  # `store`: the seeded store fixture

from coding_assistant.formats import read_rss, rss_to_stays
from coding_assistant.schema import Document, Stay
from coding_assistant.store import Store

UI_DIR = Path(__file__).resolve().parents[2] / "ui"
if str(UI_DIR) not in sys.path:
    sys.path.insert(0, str(UI_DIR))

from coding_review.admin_fields import admin_summary, code_label  # noqa: E402

RSS_ADMIN = Path(__file__).parents[1] / "data" / "rss" / "rss_admin.txt"
NNBSP = "\u202f"
TRANSFER = (
    "Entrée : transfert définitif (7), provenance réanimation (R) ; sortie : transfert définitif (7) vers MCO (1)"
)


def test_modes_provenance_and_destination_in_french() -> None:
    transfer = Stay(stay_id="T", entry_mode="7", entry_origin="R", exit_mode="7", exit_destination="1")
    assert admin_summary(transfer) == TRANSFER
    death = Stay(stay_id="D", entry_mode="8", exit_mode="9")
    assert admin_summary(death) == "Entrée : domicile (8) ; sortie : décès (9)"
    assert admin_summary(Stay(stay_id="O", entry_mode="0", exit_mode="6", exit_destination="2")) == (
        "Entrée : transfert provisoire (0) ; sortie : mutation (6) vers SMR (2)"
    )


def test_a_newborn_and_sessions() -> None:
    newborn = Stay(stay_id="N", entry_mode="N", exit_mode="8", birth_weight=2450, gestational_age=35)
    assert admin_summary(newborn) == (
        f"Entrée : naissance (N) ; sortie : domicile (8) ; poids à l'entrée 2{NNBSP}450 g ; âge gestationnel 35 SA"
    )
    assert admin_summary(Stay(stay_id="S", sessions=1)) == "1 séance"
    assert admin_summary(Stay(stay_id="S", sessions=3, birth_weight=0)) == "3 séances"


def test_partial_or_absent_fields() -> None:
    assert admin_summary(Stay(stay_id="J")) is None  # a JSONL stay without them: no line
    assert admin_summary(Stay(stay_id="P", entry_origin="6")) == "Provenance HAD (6)"
    assert admin_summary(Stay(stay_id="Q", exit_destination="4")) == "Destination psychiatrie (4)"
    assert code_label("X", {"8": "domicile"}) == "code X"  # a code the lists lack (stored by an older version)


def test_the_stay_page_header_shows_them(store: Store) -> None:  # noqa: F811
    stay = next(rss_to_stays(read_rss(RSS_ADMIN)))  # 2001-1: entry 7 from réanimation, exit 7 to MCO
    line = RSS_ADMIN.read_text(encoding="latin-1").splitlines()[0]
    letter = Document(doc_id="2001-CRH", text="Brûlure de la main, transfert au centre des brûlés.")
    store.upsert_stay(stay.model_copy(update={"documents": [letter], "codes": None}), source_rum=line)
    at = open_stay(sign_in("alice"), stay.stay_id)
    captions = [shown(c.value) for c in at.caption]
    assert TRANSFER in captions
    other = open_stay(sign_in("bruno"), "CARDIO-01")  # a stay without a RUM line: no such line
    assert not any(c.startswith("Entrée :") for c in (shown(c.value) for c in other.caption))
