"""Synthetic PMSI stays: French discharge letters with their gold DP, DR and DAS.

Each stay draws from its own `random.Random` seeded with the run seed and the stay number, so a stay does
not depend on the ones before it and a run is reproducible whatever the platform or hash seed. The first
draw chooses how the stay is written: in the hospital house style (`hospital.py`; share set by
`hospital_share`, default `share` in `data/hospital.json`) or in the generator's classic style
(`letters.py`). An operative or interventional report, with the stay's gold CCAM acts, is drawn afterwards
from a stream of its own (`operative.py`), so that the letters and diagnosis codes of a seed never change.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta

from coding_assistant.schema import CodedAct, Codes, Document, Stay
from coding_assistant.synth.catalogue import CodeCatalogue
from coding_assistant.synth.data import load_data
from coding_assistant.synth.distractors import Distractor
from coding_assistant.synth.hospital import HospitalComposer
from coding_assistant.synth.letters import LetterComposer
from coding_assistant.synth.measurements import Measured
from coding_assistant.synth.operative import (
    OperativeCatalogue,
    OperativeReport,
    StayFacts,
    load_operative_catalogue,
    report_rng,
    write_report,
)
from coding_assistant.synth.plan import StayPlan
from coding_assistant.synth.planner import Context, StayPlanner
from coding_assistant.synth.surface import SurfaceForms
from coding_assistant.terminology.loader import LoadedTerminology, default_terminology


@dataclass
class SyntheticStay:
    """A generated stay with what the Stay schema does not carry: the distractors written in its letters
    and the measurements that decided its codes (for tests and corpus statistics)."""

    stay: Stay
    scenario: str
    distractors: list[Distractor] = field(default_factory=list)
    measurements: list[Measured] = field(default_factory=list)
    style: str = "classic"  # classic or hospital
    short: bool = False  # a letter of a few lines (day hospital, ambulatory stay)
    # The operative report added to the letters (its doc_id) and the acts it mentions as not done or only
    # planned: never in the gold acts.
    report_doc_id: str | None = None
    unperformed_acts: list[str] = field(default_factory=list)


def build_context(loaded: LoadedTerminology | None = None) -> Context:
    loaded = loaded or default_terminology()
    data = load_data()
    return Context(
        data, CodeCatalogue(loaded.terminology, data.rules), SurfaceForms(loaded.terminology, loaded.lexicon)
    )


def _stay_rng(seed: int, index: int) -> random.Random:
    # A string seed is hashed with SHA-512 by `random`, independent of PYTHONHASHSEED.
    return random.Random(f"coding-assistant-synth/{seed}/{index}")


def _share(ctx: Context, hospital_share: float | None) -> float:
    share = float(ctx.data.hospital["share"]) if hospital_share is None else hospital_share
    if not 0.0 <= share <= 1.0:
        raise ValueError("hospital_share must be between 0 and 1")
    return share


def compose_stay(ctx: Context, seed: int, index: int, share: float) -> tuple[StayPlan, list[Document], bool]:
    """The plan and documents of stay `index` of a run, and whether it is written in the hospital style."""
    rng = _stay_rng(seed, index)
    house = rng.random() < share
    plan = StayPlanner(ctx, rng, index, house=house).plan()
    composer = HospitalComposer if house else LetterComposer
    return plan, composer(plan, ctx.data, rng).documents(), house


def operative_report(
    operative: OperativeCatalogue, plan: StayPlan, documents: list[Document], seed: int
) -> OperativeReport:
    """The stay's operative report and gold acts, drawn from the report's own stream."""
    patient = plan.patient
    stay_id = f"SYN-{plan.index:06d}"
    facts = StayFacts(
        stay_id=stay_id,
        scenario=plan.scenario["id"],
        dp=plan.dp.code,
        dp_text=plan.dp.text or "",
        sex=patient.sex,
        admission=patient.admission,
        discharge=patient.admission + timedelta(days=patient.length_of_stay),
        doctor=patient.doctor,
        doctor2=patient.doctor2,
        facts=plan.facts,
        has_cro=any(d.doc_id == f"{stay_id}-CRO" for d in documents),
        words=sum(len(d.text.split()) for d in documents),
        short=bool(plan.facts["short"]),
    )
    return write_report(operative, facts, report_rng(seed, plan.index))


def generate_synthetic(
    n: int,
    seed: int,
    context: Context | None = None,
    hospital_share: float | None = None,
    operative: OperativeCatalogue | None = None,
) -> Iterator[SyntheticStay]:
    """`n` synthetic stays with their distractors and measurements; `hospital_share` of them (on average)
    written in the hospital house style, the default coming from `data/hospital.json`; some with an
    operative report; every stay's `codes.acts` set (`[]`: none done)."""
    if n < 0:
        raise ValueError("n must be >= 0")
    ctx = context or build_context()
    share = _share(ctx, hospital_share)
    operative = operative or load_operative_catalogue()
    for index in range(1, n + 1):
        plan, documents, house = compose_stay(ctx, seed, index, share)
        report = operative_report(operative, plan, documents, seed)
        if report.document is not None:
            documents = [*documents, report.document]
        patient = plan.patient
        dr = plan.dr
        stay = Stay(
            stay_id=f"SYN-{index:06d}",
            sex=patient.sex,
            age=patient.age,
            admission_date=patient.admission,
            discharge_date=patient.admission + timedelta(days=patient.length_of_stay),
            unit=plan.scenario["unit"],
            documents=documents,
            codes=Codes(
                dp=plan.dp.code,
                dr=dr.code if dr else None,
                das=[m.code for m in plan.das],
                acts=[CodedAct(code=code, date=report.day) for code in report.acts],
            ),
        )
        yield SyntheticStay(
            stay,
            plan.scenario["id"],
            list(plan.distractors),
            plan.measurements,
            style="hospital" if house else "classic",
            short=bool(plan.facts["short"]),
            report_doc_id=report.document.doc_id if report.document else None,
            unperformed_acts=list(report.unperformed),
        )


def generate_stays(n: int, seed: int, hospital_share: float | None = None) -> Iterator[Stay]:
    """`n` synthetic stays (coding_assistant.schema.Stay) with gold codes; deterministic for a seed.

    >>> stays = list(generate_stays(3, seed=1))
    >>> stays[0].stay_id
    'SYN-000001'
    """
    for synthetic in generate_synthetic(n, seed, hospital_share=hospital_share):
        yield synthetic.stay
