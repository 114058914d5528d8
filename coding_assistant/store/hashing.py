"""Content hashes that tell an unchanged stay from a changed one."""

from __future__ import annotations

import hashlib
import json

from coding_assistant.schema import Document, Stay


def document_hash(document: Document) -> str:
    return _sha256({"doc_id": document.doc_id, "type": document.type, "text": document.text})


def stay_content_hash(stay: Stay) -> str:
    """Hash of the documents, in order, and of the fields the coding rules read.

    Sex, age, dates and unit are included because the PMSI rules check codes against them (sex/age
    compatibility, length of stay): a corrected age must send the stay back to coding just as a new letter does.
    The gold `codes` are left out: they are not an input of the prediction. So are the RUM's administrative
    fields (modes, provenance, destination, birth weight, sessions): no coding rule reads them, only the grouping
    preview, which the review UI works out again from the stay's stored fields; a corrected mode must not send
    every stay back to coding (`upsert_stay` stores it all the same).
    """
    return _sha256(
        {
            "documents": [document_hash(d) for d in stay.documents],
            "sex": stay.sex,
            "age": stay.age,
            "admission_date": stay.admission_date.isoformat() if stay.admission_date else None,
            "discharge_date": stay.discharge_date.isoformat() if stay.discharge_date else None,
            "unit": stay.unit,
        }
    )


def _sha256(payload: object) -> str:
    canonical = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
