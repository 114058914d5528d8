"""The model registry: trained model folders the site registered, and the one the batch codes with.

Activation compares the candidate with the active model on the same stays: the site's last validated stays
that neither model learned from. A candidate worse on DP (3 characters) or on micro-F1 (3 characters) is
refused unless forced, and a forced activation is written to the audit log with both models' figures.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select, update

from coding_assistant.errors import CodingAssistantError
from coding_assistant.schema import Stay
from coding_assistant.store import Store
from coding_assistant.store.models import ModelRegistryRow

logger = logging.getLogger(__name__)

# The site stays a model is measured on: the last N the coders validated. 200 stays put a 3-point gap in
# micro-F1 outside the noise of one month's coding; fewer would refuse good models by chance.
DEFAULT_LAST_N = 200
# The two figures a candidate must not lose on (both on 3-character categories: what a DIM audits first).
GUARDED_FIGURES = ("dp_accuracy_3char", "micro_f1_3char")
FORCED_ACTION = "model_activation_forced"


class RegistryError(CodingAssistantError):
    """An unknown model, a refused activation, nothing to roll back to."""


@dataclass(frozen=True)
class RegisteredModel:
    name: str
    version: str
    backend: str
    path: str
    trained_at: datetime | None
    registered_at: datetime
    active: bool
    activated_at: datetime | None
    training_data: dict[str, Any]
    figures: dict[str, Any]
    site_figures: dict[str, Any] | None
    recalibration: dict[str, Any] | None

    @property
    def label(self) -> str:
        return f"{self.name}@{self.version}"


def _view(row: ModelRegistryRow) -> RegisteredModel:
    return RegisteredModel(
        name=row.name,
        version=row.version,
        backend=row.backend,
        path=row.path,
        trained_at=row.trained_at,
        registered_at=row.registered_at,
        active=row.active,
        activated_at=row.activated_at,
        training_data=dict(row.training_data),
        figures=dict(row.figures),
        site_figures=dict(row.site_figures) if row.site_figures is not None else None,
        recalibration=dict(row.recalibration) if row.recalibration is not None else None,
    )


def _now(store: Store) -> datetime:
    return store._clock()  # the store's clock, injectable in tests like every other timestamp it writes


def seen_keys(card: dict[str, Any]) -> set[str]:
    return set(card.get("training_data", {}).get("store_stay_keys", []))


def unseen_validated(store: Store, seen: set[str], last_n: int) -> list[Stay]:
    """The site's last `last_n` validated stays whose hashed ids are not in `seen`."""
    from coding_assistant.learning.from_store import stay_key, validated_stays

    # Read a margin more than asked: the newest stays may be ones the model learned from.
    stays, _ = validated_stays(store, limit=last_n + len(seen), newest_first=True)
    return [s for s in stays if stay_key(s.stay_id) not in seen][:last_n]


def measure(folder: Path, stays: Sequence[Stay]) -> dict[str, float]:
    """The full pipeline's headline figures on `stays` (as the batch would code them)."""
    from coding_assistant.classifier.train import headline_metrics
    from coding_assistant.pipeline.pipeline import CodingPipeline

    if not stays:
        return {"stays": 0}
    pipeline = CodingPipeline.load(Path(folder))
    blind = [s.model_copy(update={"codes": None}) for s in stays]
    return headline_metrics(stays, pipeline.propose_many(blind))


def register_model(store: Store, folder: Path, actor: str = "admin", last_n: int = DEFAULT_LAST_N) -> RegisteredModel:
    """Register a trained model folder (not active yet) with its card's figures and its site figures."""
    from coding_assistant.classifier.bundle import read_bundle

    folder = Path(folder).resolve()
    bundle = read_bundle(folder)
    card = bundle.card
    site = unseen_validated(store, seen_keys(card), last_n)
    site_figures = measure(folder, site)
    training = {k: v for k, v in card.get("training_data", {}).items() if k != "store_stay_keys"}
    figures = {"classifier": card.get("metrics", {}), "pipeline": card.get("pipeline", {}).get("metrics", {})}
    trained_at = datetime.fromisoformat(card["created"]) if card.get("created") else None
    with store.sessions() as session:
        exists = session.execute(
            select(ModelRegistryRow).where(
                ModelRegistryRow.name == bundle.name, ModelRegistryRow.version == bundle.version
            )
        ).scalar_one_or_none()
        if exists is not None:
            raise RegistryError(f"model {bundle.name}@{bundle.version} is registered already")
        row = ModelRegistryRow(
            name=bundle.name,
            version=bundle.version,
            backend=bundle.backend,
            path=str(folder),
            trained_at=trained_at,
            registered_at=_now(store),
            registered_by=actor,
            training_data=training,
            figures=figures,
            site_figures=site_figures,
            recalibration=None,
            active=False,
            activated_at=None,
        )
        session.add(row)
        session.commit()
        logger.info("model %s@%s registered (%d site stays measured)", bundle.name, bundle.version, len(site))
        return _view(row)


def list_models(store: Store) -> list[RegisteredModel]:
    with store.sessions() as session:
        rows = session.execute(select(ModelRegistryRow).order_by(ModelRegistryRow.registered_at)).scalars()
        return [_view(row) for row in rows]


def active_model(store: Store) -> RegisteredModel | None:
    with store.sessions() as session:
        row = session.execute(select(ModelRegistryRow).where(ModelRegistryRow.active)).scalar_one_or_none()
        return _view(row) if row is not None else None


def find_model(store: Store, spec: str) -> RegisteredModel:
    """NAME (its newest registered version) or NAME@VERSION."""
    name, _, version = spec.partition("@")
    with store.sessions() as session:
        query = select(ModelRegistryRow).where(ModelRegistryRow.name == name)
        if version:
            query = query.where(ModelRegistryRow.version == version)
        row = session.execute(
            query.order_by(ModelRegistryRow.registered_at.desc(), ModelRegistryRow.id.desc()).limit(1)
        ).scalar_one_or_none()
    if row is None:
        raise RegistryError(f"no registered model {spec} (see `coding-assistant models list`)")
    return _view(row)


@dataclass(frozen=True)
class Comparison:
    stays: int
    candidate: dict[str, float]
    active: dict[str, float]

    def worse_on(self) -> list[str]:
        return [f for f in GUARDED_FIGURES if self.candidate.get(f, 0.0) < self.active.get(f, 0.0) - 1e-9]


def compare(store: Store, candidate: RegisteredModel, current: RegisteredModel, last_n: int) -> Comparison:
    """Both models on the same stays: the last validated ones that neither learned from."""
    from coding_assistant.classifier.bundle import read_bundle

    seen = seen_keys(read_bundle(Path(candidate.path)).card) | seen_keys(read_bundle(Path(current.path)).card)
    stays = unseen_validated(store, seen, last_n)
    if not stays:
        return Comparison(0, {}, {})
    return Comparison(len(stays), measure(Path(candidate.path), stays), measure(Path(current.path), stays))


def activate(
    store: Store, spec: str, actor: str, force: bool = False, last_n: int = DEFAULT_LAST_N
) -> tuple[RegisteredModel, Comparison | None]:
    """Make `spec` the active model; RegistryError when it is worse than the active one and not `force`."""
    candidate = find_model(store, spec)
    current = active_model(store)
    comparison = None
    if current is not None and current.label != candidate.label:
        comparison = compare(store, candidate, current, last_n)
        problem = None
        if comparison.stays == 0:
            problem = "no validated stay that neither model learned from: nothing to compare them on"
        elif comparison.worse_on():
            problem = "worse than the active model on " + ", ".join(
                f"{f} ({comparison.candidate[f]:.3f} < {comparison.active[f]:.3f})" for f in comparison.worse_on()
            )
        if problem and not force:
            raise RegistryError(f"{candidate.label} not activated: {problem} ({comparison.stays} stays); --force")
        if problem:
            store.append_audit(
                actor,
                FORCED_ACTION,
                details={
                    "model": candidate.label,
                    "replaces": current.label,
                    "reason": problem,
                    "stays": comparison.stays,
                    "candidate": comparison.candidate,
                    "active": comparison.active,
                },
            )
    _set_active(store, candidate, actor, current)
    return find_model(store, candidate.label), comparison


def _set_active(store: Store, model: RegisteredModel, actor: str, previous: RegisteredModel | None) -> None:
    now = _now(store)
    with store.sessions() as session:
        session.execute(update(ModelRegistryRow).where(ModelRegistryRow.active).values(active=False))
        session.execute(
            update(ModelRegistryRow)
            .where(ModelRegistryRow.name == model.name, ModelRegistryRow.version == model.version)
            .values(active=True, activated_at=now)
        )
        session.commit()
    store.append_audit(
        actor, "model_activated", details={"model": model.label, "previous": previous.label if previous else None}
    )
    logger.info("model %s active", model.label)


def rollback(store: Store, actor: str) -> RegisteredModel:
    """Back to the model that was active before the current one (no comparison: it served before)."""
    current = active_model(store)
    if current is None:
        raise RegistryError("no active model to roll back from")
    earlier = [m for m in list_models(store) if m.activated_at is not None and m.label != current.label]
    if not earlier:
        raise RegistryError(f"{current.label} is the only model ever activated: nothing to roll back to")
    previous = max(earlier, key=lambda m: m.activated_at or datetime.min)
    _set_active(store, previous, actor, current)
    return find_model(store, previous.label)


def active_model_folder(store: Store) -> Path | None:
    """The batch's model when it is given no --model: the active one's folder, if the site activated one."""
    model = active_model(store)
    return Path(model.path) if model is not None else None


def save_recalibration(store: Store, model: RegisteredModel, recalibration: dict[str, Any]) -> None:
    with store.sessions() as session:
        session.execute(
            update(ModelRegistryRow)
            .where(ModelRegistryRow.name == model.name, ModelRegistryRow.version == model.version)
            .values(recalibration=recalibration)
        )
        session.commit()
