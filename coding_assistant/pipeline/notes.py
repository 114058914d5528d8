"""The pipeline's own notes on its proposals, each with a stable identifier: the batch report counts them, the
review UI shows them, and nothing reads their French wording back."""

from __future__ import annotations

from collections.abc import Iterable

from coding_assistant.schema import Note

DP_BELOW_THRESHOLD_NOTE = Note(rule="dp-below-threshold", message="DP proposé sous le seuil de confiance : à vérifier")
DAS_TYPE_REFUSED_NOTE = Note(rule="das-type-refused", message="type ATIH incompatible avec un DAS : non retenu")
MODEL_ONLY_NOTE = Note(rule="model-only", message="modèle seul : aucune mention de ce code dans les documents")
UNDOCUMENTED_DAS_NOTE = Note(
    rule="undocumented-das",
    message="non présélectionné : le modèle le propose, aucune phrase des documents ne le mentionne",
)

SYMPTOM_EXPLAINED_NOTE = Note(
    rule="symptom-explained",
    message="non présélectionné : symptôme expliqué par le DP que la lettre en donne pour cause",
)

ANTECEDENT_ONLY_DAS_NOTE = Note(
    rule="antecedent-only-das",
    message="non présélectionné : nommé seulement dans les antécédents, sans prise en charge décrite pendant le séjour",
)

CMA_COMORBIDITY_NOTE = Note(
    rule="cma-comorbidity",
    message="présélectionné : comorbidité de la liste des CMA, nommée dans les antécédents comme toujours présente",
)


def excluded_mentions_note(kinds: Iterable[str]) -> Note:
    """A candidate read only in negated, hypothetical or family mentions ("niée", "hypothétique"…)."""
    return Note(rule="excluded-mentions", message=f"mentions seulement {' / '.join(sorted(kinds))} : non retenu")


def included_in_code_note(code: str) -> Note:
    """A condition a combination code already names (« … avec … »), or a disease its episode's code includes."""
    return Note(rule="included-in-code", message=f"compris dans {code}", code=code)
