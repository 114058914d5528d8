"""Operative and interventional reports of the synthetic corpus, with their gold CCAM acts."""

from __future__ import annotations

import random
import re
from datetime import date

import pytest

from coding_assistant.acts import propose_acts
from coding_assistant.schema import Stay
from coding_assistant.synth import SyntheticStay, generate_synthetic
from coding_assistant.synth.generator import _share, build_context, compose_stay
from coding_assistant.synth.operative import (
    OperativeCatalogue,
    load_operative_catalogue,
    report_rng,
    reword_label,
)
from coding_assistant.terminology.loader import LoadedTerminology
from coding_assistant.text.normalize import normalise_text

DATE = re.compile(r"\b(\d{2})/(\d{2})/(\d{4})\b")


@pytest.fixture(scope="module")
def context(loaded: LoadedTerminology):  # type: ignore[no-untyped-def]
    return build_context(loaded)


@pytest.fixture(scope="module")
def catalogue() -> OperativeCatalogue:
    return load_operative_catalogue()


@pytest.fixture(scope="module")
def corpus(context, catalogue: OperativeCatalogue) -> list[SyntheticStay]:  # type: ignore[no-untyped-def]
    return list(generate_synthetic(1500, seed=1, context=context, operative=catalogue))


def _report_text(synthetic: SyntheticStay) -> str:
    return next(d.text for d in synthetic.stay.documents if d.doc_id == synthetic.report_doc_id)


def _acts(stay: Stay) -> list[str]:
    assert stay.codes is not None and stay.codes.acts is not None
    return [act.code for act in stay.codes.acts]


def test_catalogue_offers_300_valid_codes(catalogue: OperativeCatalogue) -> None:
    codes = catalogue.possible_codes()
    assert len(codes) >= 300, len(codes)
    for code in codes:
        act = catalogue.ccam[code]  # a code of the CCAM table, still in force, billable as the act itself
        assert not act.end_date and "1" in act.activity_phases, code


def test_a_run_reaches_many_distinct_codes(corpus: list[SyntheticStay]) -> None:
    # 4,000 stays (`synth --n 4000 --seed 1`) reach over 300; 1,500 already most of the way.
    distinct = {code for s in corpus for code in _acts(s.stay)}
    assert len(distinct) >= 150, len(distinct)


def test_every_stay_has_coded_acts_that_are_valid(corpus: list[SyntheticStay], catalogue: OperativeCatalogue) -> None:
    for synthetic in corpus:
        stay = synthetic.stay
        for code in _acts(stay):  # [] on a stay without act: coded, none done
            act = catalogue.ccam[code]
            assert re.fullmatch(r"[A-Z]{4}\d{3}", code)
            assert not act.end_date and act.allowed_for_sex(stay.sex or ""), (stay.stay_id, code)
        if synthetic.report_doc_id is not None:
            assert _acts(stay), stay.stay_id


def test_share_of_stays_with_a_report(corpus: list[SyntheticStay]) -> None:
    share = sum(s.report_doc_id is not None for s in corpus) / len(corpus)
    assert 0.25 <= share <= 0.35, share
    surgical = [s for s in corpus if s.scenario in ("appendicite", "cholecystite", "arthroplastie", "fracture_hanche")]
    assert surgical and sum(s.report_doc_id is not None for s in surgical) / len(surgical) > 0.9


def test_reports_are_dated_within_the_stay(corpus: list[SyntheticStay]) -> None:
    for synthetic in corpus:
        if synthetic.report_doc_id is None:
            continue
        stay = synthetic.stay
        days = [date(int(y), int(m), int(d)) for d, m, y in DATE.findall(_report_text(synthetic))]
        assert days, stay.stay_id
        assert stay.admission_date is not None and stay.discharge_date is not None
        assert all(stay.admission_date <= day <= stay.discharge_date for day in days), (stay.stay_id, days)
        # The gold act lines carry the day the report gives them (the RUM act zone's date of realisation).
        assert stay.codes is not None and stay.codes.acts
        assert all(act.date == days[0] for act in stay.codes.acts), stay.stay_id


def test_reports_read_like_surgeons_reports(corpus: list[SyntheticStay]) -> None:
    texts = [_report_text(s) for s in corpus if s.report_doc_id]
    joined = "\n".join(texts)
    for words in ("Indication", "Voie d'abord", "Geste :", "Suites", "cœlioscopi", "rachianesthésie", "stent"):
        assert words in joined, words
    assert all(
        re.search(r"^(Intervention|Acte réalisé|Nature de l'intervention|Geste réalisé) :", t, re.M) for t in texts
    )


def test_wordings_are_not_the_ccam_labels(corpus: list[SyntheticStay], catalogue: OperativeCatalogue) -> None:
    reports = [(s, _report_text(s)) for s in corpus if s.report_doc_id]
    copied = sum(normalise_text(catalogue.ccam[_acts(s.stay)[0]].label) in normalise_text(text) for s, text in reports)
    assert copied / len(reports) < 0.2, copied


def test_reword_label_varies_the_action_and_approach(catalogue: OperativeCatalogue) -> None:
    label = catalogue.ccam["HMFC004"].label  # "Cholécystectomie, par coelioscopie"
    seen = {reword_label(label, random.Random(i), catalogue.vocabulary) for i in range(30)}
    assert len({approach for _, approach in seen}) >= 3
    label = catalogue.ccam["JDFE002"].label  # "Résection de 1 à 3 tumeurs de la vessie, par endoscopie"
    acts = {act for act, _ in (reword_label(label, random.Random(i), catalogue.vocabulary) for i in range(30))}
    assert any(act.startswith("exérèse") for act in acts) and all("1 à 3 tumeurs" in act for act in acts)


def test_negated_or_planned_acts_are_never_gold(corpus: list[SyntheticStay], catalogue: OperativeCatalogue) -> None:
    with_unperformed = [s for s in corpus if s.unperformed_acts]
    assert len(with_unperformed) >= 50
    sentences = [
        normalise_text(sentence.replace("{e}", e))
        for item in catalogue.vocabulary["unperformed"]["items"]
        for sentence in item["sentences"]
        for e in ("", "e")
    ]
    for synthetic in with_unperformed:
        assert not set(synthetic.unperformed_acts) & set(_acts(synthetic.stay)), synthetic.stay.stay_id
        text = normalise_text(_report_text(synthetic))
        assert any(sentence in text for sentence in sentences), synthetic.stay.stay_id


def test_same_seed_same_reports(context, catalogue: OperativeCatalogue) -> None:  # type: ignore[no-untyped-def]
    first = list(generate_synthetic(80, seed=3, context=context, operative=catalogue))
    again = list(generate_synthetic(80, seed=3, context=context, operative=catalogue))
    assert [s.stay.model_dump_json() for s in first] == [s.stay.model_dump_json() for s in again]
    assert [s.unperformed_acts for s in first] == [s.unperformed_acts for s in again]
    assert report_rng(3, 1).random() == report_rng(3, 1).random() != report_rng(3, 2).random()


def test_letters_and_codes_unchanged_by_the_reports(context, corpus: list[SyntheticStay]) -> None:  # type: ignore[no-untyped-def]
    # The letters as the generator wrote them before reports existed: compose_stay draws them alone.
    share = _share(context, None)
    picked = [s for s in corpus[:300] if s.report_doc_id][:15] + [s for s in corpus[:300] if not s.report_doc_id][:5]
    for synthetic in picked:
        index = int(synthetic.stay.stay_id.split("-")[1])
        plan, documents, _ = compose_stay(context, 1, index, share)
        others = [d for d in synthetic.stay.documents if d.doc_id != synthetic.report_doc_id]
        assert [d.model_dump() for d in others] == [d.model_dump() for d in documents]
        assert synthetic.stay.codes is not None
        assert synthetic.stay.codes.dp == plan.dp.code
        assert synthetic.stay.codes.das == [m.code for m in plan.das]


def test_act_proposer_finds_the_gold_acts(corpus: list[SyntheticStay]) -> None:
    """A sanity figure, not a target: recall@5 of the product's act proposer on the synthetic reports."""
    stays = [s.stay for s in corpus if s.report_doc_id][:200]
    found = total = 0
    for stay in stays:
        assert stay.codes is not None and stay.codes.dp is not None
        lines, _ = propose_acts(stay, {"DP": [stay.codes.dp], "DR": [], "DAS": list(stay.codes.das)})
        top = [line.code for line in lines if line.activity == 1][:5]
        gold = _acts(stay)
        found += sum(code in top for code in gold)
        total += len(gold)
    recall = found / total
    print(f"act proposer recall@5 on {len(stays)} synthetic reports: {recall:.3f}")
    assert recall > 0.1
