"""Stay → proposals: the one pipeline the CLI, the batch (local or Spark) and the review UI share."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, cast

import numpy as np

from coding_assistant.acts import LearnedActs, propose_acts
from coding_assistant.classifier import Predictor, load_predictor
from coding_assistant.classifier.labels import ACT
from coding_assistant.config import get_settings
from coding_assistant.groupage import summarise_grouping
from coding_assistant.groupage.cma import CmaTable, load_cma_table
from coding_assistant.groupage.tables import GroupingTableError
from coding_assistant.matching import MentionDictionary
from coding_assistant.pipeline.candidates import Candidate, build_candidates
from coding_assistant.pipeline.decided import Decided
from coding_assistant.pipeline.evidence import QualifiedMention, StayEvidence, gather_evidence
from coding_assistant.pipeline.fusion import FUSION_FILE, Fusion, score_candidates
from coding_assistant.pipeline.notes import MODEL_ONLY_NOTE, excluded_mentions_note
from coding_assistant.pipeline.roles import assign_roles
from coding_assistant.rules import check_coding
from coding_assistant.schema import (
    Evidence,
    GroupingSummary,
    Measurement,
    ModelInfo,
    Note,
    Proposal,
    Stay,
    StayProposals,
)
from coding_assistant.terminology.model import Terminology
from coding_assistant.terminology.search import SearchIndex
from coding_assistant.text.qualifiers import QualifierEngine

ROLE_ORDER = {"DP": 0, "DR": 1, "DAS": 2}


@dataclass
class PipelineSettings:
    # A DIM may code "probable" at discharge: a setting (guide méthodologique MCO, chapitre IV).
    probable_is_hypothetical: bool = True
    max_unselected: int = 20  # unselected candidates listed after the selected ones
    max_evidence: int = 10  # mentions shown per proposal
    batch_size: int = 64  # stays per classifier call
    acts: bool = True  # CCAM acts from the documents (coding_assistant.acts); CODING_ASSISTANT_PROPOSE_ACTS
    grouping: bool = True  # the grouping preview and revaluation; CODING_ASSISTANT_GROUPING_PREVIEW
    qualifier_engine: QualifierEngine = "rules"  # negation and hypothesis; CODING_ASSISTANT_QUALIFIER_ENGINE
    # « cared_for »: a DAS named only among the antecedents is listed unticked; CODING_ASSISTANT_DAS_FROM_ANTECEDENTS
    das_from_antecedents: Literal["all", "cared_for"] = "all"

    @classmethod
    def configured(cls) -> PipelineSettings:
        """The settings of the environment (`CODING_ASSISTANT_*`), read here, at the pipeline's edge: the
        stages below are given what they need."""
        return _configured_settings()


def _configured_settings() -> PipelineSettings:
    configured = get_settings()
    return PipelineSettings(
        probable_is_hypothetical=configured.probable_is_hypothetical,
        acts=configured.propose_acts,
        grouping=configured.grouping_preview,
        qualifier_engine=configured.qualifier_engine,
        das_from_antecedents=configured.das_from_antecedents,
    )


def default_model_dir() -> Path:
    return get_settings().data_dir / "models" / "default"


class CodingPipeline:
    """Classifier scores + terminology matching → ranked, rule-checked proposals with evidence."""

    def __init__(
        self,
        predictor: Predictor | None,
        terminology: Terminology,
        dictionary: MentionDictionary,
        settings: PipelineSettings | None = None,
        fusion: Fusion | None = None,
        index: SearchIndex | None = None,
    ) -> None:
        self.predictor = predictor
        self.index = index
        self.terminology = terminology
        self.dictionary = dictionary
        self.settings = settings or PipelineSettings()
        self.fusion = fusion
        self._grouping_failed = False
        self._cma_table: CmaTable | None = None
        self._cma_failed = False
        # The columns of the classifier's act heads (labels of level "act"), when the model learnt acts.
        self._act_columns: list[tuple[int, str, float]] = []
        if predictor is not None:
            bundle = predictor.bundle
            self._act_columns = [
                (j, label, float(bundle.thresholds[j]))
                for j, (label, level) in enumerate(zip(bundle.labels, bundle.levels, strict=True))
                if level == ACT
            ]
        if predictor is not None:
            self.model = ModelInfo(name=predictor.bundle.name, version=predictor.bundle.version)
        else:
            self.model = ModelInfo(name="terminology-only", version=terminology.version)

    @classmethod
    def load(cls, model_dir: Path | None = None, settings: PipelineSettings | None = None) -> CodingPipeline:
        """The pipeline on the default (or given) model and the configured terminology."""
        from coding_assistant.matching.loading import default_mention_dictionary
        from coding_assistant.terminology.loader import default_terminology

        folder = model_dir or default_model_dir()
        settings = settings or PipelineSettings.configured()
        predictor = load_predictor(folder)
        fusion = Fusion.load(folder)  # ModelBundleError when its fusion.json does not fit this version
        if fusion is None:
            # Said loudly (stderr of every command, the batch's log): the fixed fallback selects other codes.
            logging.getLogger(__name__).warning(
                "model %s has no %s: selection falls back to fixed rules (retrain the model to fit it)",
                folder,
                FUSION_FILE,
            )
        loaded = default_terminology()
        return cls(predictor, loaded.terminology, default_mention_dictionary(), settings, fusion, loaded.index)

    def propose(self, stay: Stay) -> StayProposals:
        return self.propose_many([stay])[0]

    def propose_many(self, stays: Sequence[Stay]) -> list[StayProposals]:
        out: list[StayProposals] = []
        size = self.settings.batch_size
        for start in range(0, len(stays), size):
            batch = stays[start : start + size]
            scores = self._scores(batch)
            for i, stay in enumerate(batch):
                out.append(self._propose_one(stay, None if scores is None else scores[i]))
        return out

    def _scores(self, stays: Sequence[Stay]) -> np.ndarray | None:
        if self.predictor is None:
            return None
        return self.predictor.predict_scores([stay.text for stay in stays])

    def candidates(self, stay: Stay, scores: np.ndarray | None) -> tuple[list[Candidate], StayEvidence]:
        """The stay's scored candidates, best first, and the text evidence they rest on."""
        settings = self.settings
        evidence = gather_evidence(stay, self.dictionary, settings.probable_is_hypothetical, settings.qualifier_engine)
        bundle = self.predictor.bundle if self.predictor is not None else None
        candidates = build_candidates(
            scores,
            bundle.labels if bundle else [],
            bundle.levels if bundle else [],
            bundle.thresholds if bundle else None,
            evidence.mentions,
        )
        score_candidates(list(candidates.values()), self.fusion)
        return sorted(candidates.values(), key=lambda c: -c.score), evidence

    def _propose_one(self, stay: Stay, scores: np.ndarray | None) -> StayProposals:
        ranked, evidence = self.candidates(stay, scores)
        documents = {document.doc_id: document.text for document in stay.documents}
        nights = stay.length_of_stay
        decided = assign_roles(
            ranked,
            stay.text,
            evidence.measurements,
            self.terminology,
            self.fusion,
            self.index,
            documents,
            overnight=nights is not None and nights > 0,
            antecedents_cared_for_only=self.settings.das_from_antecedents == "cared_for",
            cma_level=self._cma_level(),
        )
        chosen = {role: [d.code for d in decided if d.role == role] for role in ROLE_ORDER}
        rule_warnings = check_coding(
            chosen["DP"][0] if chosen["DP"] else None,
            chosen["DR"][0] if chosen["DR"] else None,
            chosen["DAS"],
            stay.sex,
            stay.age,
            self.terminology,
            measurements=evidence.measurements,
            text=stay.text,
        )
        by_code: dict[str, list[Note]] = {}
        stay_warnings: list[Note] = []
        selected_codes = {d.code for d in decided if d.selected}
        for warning in rule_warnings:
            note = warning.note()
            if warning.code in selected_codes:
                by_code.setdefault(warning.code, []).append(note)
            else:
                stay_warnings.append(note)
        proposals = self._proposals(decided, by_code)
        settings = self.settings
        acts = (
            propose_acts(
                stay, chosen, settings.probable_is_hypothetical, settings.qualifier_engine, self.learned_acts(scores)
            )
            if settings.acts
            else ([], [])
        )
        proposed = StayProposals(
            stay_id=stay.stay_id,
            model=self.model,
            proposals=proposals,
            acts=acts[0],
            warnings=stay_warnings + acts[1],
            terminology=self.terminology.version,
            measurements=[
                Measurement(
                    doc_id=doc_id,
                    kind=m.kind,
                    value=m.value,
                    unit=m.unit,
                    start=m.start,
                    end=m.end,
                    text=m.text,
                    computed=m.computed,
                )
                for doc_id, found in evidence.measurements_by_doc.items()
                for m in found
            ],
        )
        if self.settings.grouping:
            proposed.grouping = self._grouping(stay, proposed)
        return proposed

    def learned_acts(self, scores: np.ndarray | None) -> LearnedActs | None:
        """The classifier's act heads for one stay's scores; None when the model learnt no act."""
        if scores is None or not self._act_columns:
            return None
        return LearnedActs(
            scores={code: float(scores[j]) for j, code, _ in self._act_columns},
            thresholds={code: threshold for _, code, threshold in self._act_columns},
        )

    def _cma_level(self) -> Callable[[str], int | None] | None:
        """The CMA list's level of a code, for the comorbidities it pre-ticks; None when the grouping tables
        cannot be read (said once): the proposals are then made without that rule."""
        if self._cma_table is None and not self._cma_failed:
            try:
                self._cma_table = load_cma_table()
            except GroupingTableError as exc:
                self._cma_failed = True
                logging.getLogger(__name__).warning("CMA comorbidities not pre-ticked: %s", exc)
        return self._cma_table.level if self._cma_table is not None else None

    def _grouping(self, stay: Stay, proposed: StayProposals) -> GroupingSummary | None:
        """The preview is an aid: tables that cannot be read leave the proposals without it, said once."""
        if self._grouping_failed:
            return None
        try:
            return summarise_grouping(stay, proposed)
        except GroupingTableError as exc:
            self._grouping_failed = True
            logging.getLogger(__name__).warning("grouping preview off: %s", exc)
            return None

    def _proposals(self, decided: list[Decided], rule_warnings: dict[str, list[Note]]) -> list[Proposal]:
        selected = sorted(
            (d for d in decided if d.selected), key=lambda d: (ROLE_ORDER.get(d.role or "DAS", 3), -d.candidate.score)
        )
        others = sorted((d for d in decided if not d.selected), key=lambda d: -d.candidate.score)
        proposals: list[Proposal] = []
        seen: set[str] = set()
        for d in [*selected, *others[: self.settings.max_unselected]]:
            if d.code in seen:
                continue
            seen.add(d.code)
            proposals.append(
                Proposal(
                    code=d.code,
                    label=self.terminology.label(d.code),
                    score=round(min(1.0, max(0.0, d.candidate.score)), 4),
                    # assign_roles gives a selected code one of these three roles (Decided.role is typed str).
                    role=cast(Literal["DP", "DR", "DAS"] | None, d.role) if d.selected else None,
                    selected=d.selected,
                    evidence=[_evidence(m) for m in d.candidate.mentions[: self.settings.max_evidence]],
                    warnings=_proposal_warnings(d) + rule_warnings.get(d.code, []),
                )
            )
        return proposals


def _evidence(mention: QualifiedMention) -> Evidence:
    return Evidence(
        doc_id=mention.doc_id,
        start=mention.start,
        end=mention.end,
        text=mention.text,
        negated=mention.negated,
        hypothetical=mention.hypothetical,
        family=mention.family,
        cues=list(mention.cues),
    )


def _proposal_warnings(decided: Decided) -> list[Note]:
    candidate: Candidate = decided.candidate
    warnings = list(decided.notes)
    if candidate.only_excluded:
        kinds = {
            kind
            for m in candidate.mentions
            for kind, flag in (("niée", m.negated), ("hypothétique", m.hypothetical), ("familiale", m.family))
            if flag
        }
        warnings.append(excluded_mentions_note(kinds))
    elif decided.selected and not candidate.affirmed:
        warnings.append(MODEL_ONLY_NOTE)
    return warnings
