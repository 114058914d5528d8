"""pipeline/roles.py on hand-built candidates: which code each candidate gets, what is selected, DP / DR / DAS.

No model and no letters: a small CIM-10 FR table is built here, so that each code's ATIH type is set by the
test; the rule lists (persistent conditions, forbidden DPs, DR conventions) are the shipped ones.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import cast

import numpy as np
import pytest

from coding_assistant.pipeline.candidates import Candidate
from coding_assistant.pipeline.decided import Decided
from coding_assistant.pipeline.evidence import QualifiedMention
from coding_assistant.pipeline.fusion import DP_FEATURES, FEATURES, Fusion
from coding_assistant.pipeline.notes import DAS_TYPE_REFUSED_NOTE, DP_BELOW_THRESHOLD_NOTE
from coding_assistant.pipeline.roles import (
    assign_roles,
    heuristic_dp_strength,
    is_selectable,
    mention_context,
)
from coding_assistant.terminology.model import CodeEntry, Terminology
from coding_assistant.terminology.search import SearchIndex

# (code, label, ATIH type MCO); a code with children is a category (type 3).
TABLE = [
    ("C18", "Tumeur maligne du côlon", 3),
    ("C189", "Tumeur maligne du côlon, sans précision", 0),
    ("C20", "Tumeur maligne du rectum", 0),
    ("B91", "Séquelles de poliomyélite", 0),
    ("B953", "Streptococcus pneumoniae, cause de maladies classées dans d'autres chapitres", 4),
    ("B962", "Escherichia coli, cause de maladies classées dans d'autres chapitres", 4),
    ("G20", "Maladie de Parkinson", 0),
    ("G632", "Polynévrite diabétique", 1),
    ("I10", "Hypertension essentielle (primitive)", 0),
    ("I48", "Fibrillation et flutter auriculaires", 3),
    ("I480", "Fibrillation auriculaire paroxystique", 0),
    ("I482", "Fibrillation auriculaire permanente", 0),
    ("I489", "Fibrillation auriculaire et flutter auriculaire, sans précision", 0),
    ("J13", "Pneumopathie due à Streptococcus pneumoniae", 0),
    ("J18", "Pneumopathie à micro-organisme non précisé", 3),  # a category with nothing codable below
    ("N18", "Maladie rénale chronique", 3),
    ("N185", "Maladie rénale chronique, stade 5", 0),
    ("N189", "Maladie rénale chronique, sans précision", 0),
    ("O82", "Accouchement unique par césarienne", 0),
    ("R51", "Céphalée", 0),
    ("U900", "Code d'essai d'un type MCO inconnu", 7),
    ("W19", "Chute, sans précision", 2),
    ("Z491", "Dialyse extracorporelle", 0),
    ("Z511", "Séance de chimiothérapie pour tumeur", 0),
    ("Z950", "Présence d'un stimulateur cardiaque", 0),
]
DELETED = CodeEntry("E6600", "Obésité due à un excès calorique", mco_type=3, deleted=True, deleted_year="11")

_ranks = itertools.count()


def make_table(**types: int) -> Terminology:
    """The table above, with the ATIH type of some codes changed (`N185=1`)."""
    entries = [CodeEntry(code, label, mco_type=types.get(code, kind)) for code, label, kind in TABLE]
    deleted = CodeEntry(DELETED.code, DELETED.label, mco_type=3, deleted=True, deleted_year=DELETED.deleted_year)
    return Terminology([*entries, deleted], "test", "2025")


@pytest.fixture(scope="module")
def table() -> Terminology:
    return make_table()


def mention(
    code: str,
    section: str = "histoire",
    *,
    negated: bool = False,
    hypothetical: bool = False,
    family: bool = False,
    history: bool = False,
    rank: int | None = None,
    doc_id: str = "crh",
    start: int | None = None,
    text: str = "",
) -> QualifiedMention:
    wording = text or code
    if start is None:  # words of its own: two mentions share their words only when a test says so
        start = 10_000 + 100 * next(_ranks)
    return QualifiedMention(
        doc_id=doc_id,
        codes=(code,),
        start=start,
        end=start + len(wording),
        text=wording,
        section=section,
        negated=negated,
        hypothetical=hypothetical,
        family=family,
        history=history,
        cues=(),
        source="lexicon",
        rank=next(_ranks) if rank is None else rank,
    )


def candidate(code: str, score: float, *sections: str, dp: float = 0.3, **qualifiers: bool) -> Candidate:
    """A candidate of `code`'s category with one mention of `code` per section (none: the classifier only)."""
    return Candidate(
        code[:3],
        model_score=score,
        dp_score=dp,
        score=score,
        mentions=[mention(code, section, **qualifiers) for section in sections],
    )


def decide(
    table: Terminology,
    candidates: Sequence[Candidate],
    fusion: Fusion | None = None,
    index: SearchIndex | None = None,
    documents: dict[str, str] | None = None,
) -> dict[str, Decided]:
    """assign_roles, keyed by category."""
    decided = assign_roles(candidates, "", [], table, fusion, index, documents)
    return {d.candidate.category: d for d in decided}


def roles(decided: dict[str, Decided]) -> dict[str, str | None]:
    return {category: d.role for category, d in decided.items()}


# --- the DP: the strongest diagnosis allowed as DP ---------------------------------------------------------------
def test_the_dp_is_the_strongest_selected_diagnosis_and_the_others_are_das(table):
    pneumonia, hypertension = candidate("J13", 0.9, "histoire", dp=0.6), candidate("I10", 0.7, "histoire", dp=0.1)
    assert roles(decide(table, [hypertension, pneumonia])) == {"J13": "DP", "I10": "DAS"}
    # The same two with the DP head the other way round, in a letter that concludes on both (in a letter with
    # neither motif nor conclusion, the acute problem would win: tests/pipeline/test_dp_background.py).
    pneumonia, hypertension = candidate("J13", 0.9, "conclusion", dp=0.1), candidate("I10", 0.7, "conclusion", dp=0.6)
    assert roles(decide(table, [pneumonia, hypertension])) == {"J13": "DAS", "I10": "DP"}


def test_a_mention_in_the_conclusion_counts_more_than_in_the_motif_and_the_motif_more_than_the_body(table):
    def dp_of(first: str, second: str) -> str:
        decided = decide(table, [candidate("J13", 0.8, first), candidate("G20", 0.8, second)])
        return next(category for category, role in roles(decided).items() if role == "DP")

    assert dp_of("histoire", "conclusion") == "G20"
    assert dp_of("conclusion", "histoire") == "J13"
    assert dp_of("histoire", "motif") == "G20"
    assert dp_of("conclusion", "motif") == "J13"


def test_a_symptom_weighs_half_in_the_dp_choice(table):
    headache, parkinson = candidate("R51", 0.9, "histoire"), candidate("G20", 0.6, "histoire")
    assert heuristic_dp_strength(Decided(headache, "R51")) == pytest.approx(0.9 * 0.45 * 0.5)
    # 0.9 x 0.45 / 2 < 0.6 x 0.45: the diagnosis, though less likely, is the DP.
    assert roles(decide(table, [headache, parkinson])) == {"R51": "DAS", "G20": "DP"}
    # A symptom much likelier than any diagnosis is still the DP.
    headache, parkinson = candidate("R51", 0.9, "histoire"), candidate("G20", 0.51, "histoire", dp=0.0)
    assert roles(decide(table, [headache, parkinson])) == {"R51": "DP", "G20": "DAS"}


def test_an_unselected_candidate_weighs_half_in_the_dp_choice(table):
    # In a letter whose motif names both: in one with neither motif nor conclusion, the acute problem would win.
    weak = candidate("J13", 0.45, "motif", dp=0.5)  # below the selection threshold (0.5)
    strong = candidate("I10", 0.5, "motif", dp=0.2)
    assert not is_selectable(weak) and is_selectable(strong)
    # 0.45 x 0.65 / 2 < 0.5 x 0.35
    assert roles(decide(table, [weak, strong])) == {"J13": None, "I10": "DP"}
    weak.select_threshold = 0.4
    assert roles(decide(table, [weak, strong])) == {"J13": "DP", "I10": "DAS"}


def test_a_learned_dp_model_decides_instead_of_the_heuristic(table):
    # Only "first named in the conclusion" weighs: the weaker candidate that opens the conclusion is the DP.
    weights = np.zeros(len(DP_FEATURES))
    weights[DP_FEATURES.index("first_in_conclusion")] = 4.0
    fusion = Fusion(np.zeros(len(FEATURES)), 0.0, 0.5, dp_weights=weights, dp_bias=-2.0)
    strong = candidate("J13", 0.95, "histoire", dp=0.9)
    opener = Candidate("I10", score=0.6, mentions=[mention("I10", "conclusion", rank=0)])
    assert roles(decide(table, [strong, opener], fusion=fusion)) == {"J13": "DAS", "I10": "DP"}
    # A fusion without a DP model leaves the choice to the heuristic.
    without = Fusion(np.zeros(len(FEATURES)), 0.0, 0.5)
    assert roles(decide(table, [strong, opener], fusion=without)) == {"J13": "DP", "I10": "DAS"}


# --- what did not motivate the stay is the DP only when nothing else can be --------------------------------------
@pytest.mark.parametrize("past", [{"section": "antecedents"}, {"history": True}])
def test_a_condition_named_only_as_an_antecedent_is_not_the_dp_unless_nothing_else(table, past):
    old = Candidate("J13", score=0.95, dp_score=0.9, mentions=[mention("J13", **past)])
    current = candidate("G20", 0.6, "histoire", dp=0.1)
    assert roles(decide(table, [old, current])) == {"J13": "DAS", "G20": "DP"}
    # Named once during the stay as well: no longer antecedent-only.
    old.mentions.append(mention("J13", "histoire"))
    assert roles(decide(table, [old, current])) == {"J13": "DP", "G20": "DAS"}
    old.mentions.pop()
    assert roles(decide(table, [old])) == {"J13": "DP"}


def test_a_status_code_is_not_the_dp_unless_nothing_else(table):
    pacemaker = candidate("Z950", 0.95, "histoire", dp=0.9)
    pneumonia = candidate("J13", 0.6, "histoire", dp=0.1)
    assert roles(decide(table, [pacemaker, pneumonia])) == {"Z95": "DAS", "J13": "DP"}
    assert roles(decide(table, [pacemaker])) == {"Z95": "DP"}


# --- a diagnosis over its symptom; a session over its condition --------------------------------------------------
def test_a_diagnosis_that_opens_the_conclusion_is_the_dp_rather_than_a_symptom(table):
    # By strength the symptom wins (0.95 x 0.95 / 2 against 0.6 x 0.15 x 1.3).
    headache = candidate("R51", 0.95, "histoire", dp=0.8)
    parkinson = candidate("G20", 0.6, "conclusion", dp=0.0)
    assert roles(decide(table, [headache, parkinson])) == {"R51": "DAS", "G20": "DP"}
    # A disease the conclusion names is selected whatever its score (`_concluded`): still the DP.
    parkinson.score = 0.45
    assert roles(decide(table, [headache, parkinson])) == {"R51": "DAS", "G20": "DP"}
    # A diagnosis the pipeline does not select (below the threshold, named in the body only) does not replace
    # the symptom.
    in_body = candidate("G20", 0.45, "histoire", dp=0.0)
    assert roles(decide(table, [headache, in_body])) == {"R51": "DP", "G20": None}


def test_the_symptom_stays_the_dp_when_the_conclusion_opens_on_it(table):
    headache = Candidate("R51", score=0.95, dp_score=0.8, mentions=[mention("R51", "conclusion", rank=0)])
    parkinson = Candidate("G20", score=0.6, mentions=[mention("G20", "conclusion", rank=1)])
    assert roles(decide(table, [headache, parkinson])) == {"R51": "DP", "G20": "DAS"}


def test_without_a_conclusion_the_diagnosis_that_opens_the_motif_is_preferred_over_a_symptom(table):
    headache = candidate("R51", 0.95, "histoire", dp=0.8)
    parkinson = candidate("G20", 0.6, "motif", dp=0.0)
    assert roles(decide(table, [headache, parkinson])) == {"R51": "DAS", "G20": "DP"}


def test_a_session_that_opens_the_motif_is_the_dp_and_its_tumour_the_dr(table):
    chemotherapy = Candidate("Z51", score=0.7, mentions=[mention("Z511", "motif", rank=0)])
    tumour = Candidate("C18", score=0.95, dp_score=0.9, mentions=[mention("C189", "conclusion", rank=1)])
    decided = decide(table, [tumour, chemotherapy])
    assert roles(decided) == {"Z51": "DP", "C18": "DR"}
    assert decided["Z51"].code == "Z511" and decided["C18"].code == "C189"
    # The motif opens on the tumour: the tumour is the DP (it needs no DR) and the session a DAS.
    chemotherapy.mentions = [mention("Z511", "motif", rank=2)]
    tumour.mentions.append(mention("C189", "motif", rank=0))
    assert roles(decide(table, [tumour, chemotherapy])) == {"Z51": "DAS", "C18": "DP"}


def test_a_session_the_pipeline_does_not_select_is_not_made_the_dp_by_the_motif(table):
    chemotherapy = Candidate("Z51", score=0.3, mentions=[mention("Z511", "motif", rank=0)])
    tumour = Candidate("C18", score=0.95, dp_score=0.9, mentions=[mention("C189", "conclusion", rank=1)])
    assert roles(decide(table, [tumour, chemotherapy])) == {"Z51": None, "C18": "DP"}


def test_a_session_the_motif_writes_as_one_is_the_dp_of_a_day_stay_whatever_its_score(table):
    # « Admise pour une séance de chimiothérapie. » The classifier never learnt sessions: the wording says it.
    def stay(wording: str, overnight: bool) -> dict[str, str | None]:
        chemotherapy = Candidate("Z51", score=0.3, mentions=[mention("Z511", "motif", rank=0, text=wording)])
        tumour = Candidate("C18", score=0.95, dp_score=0.9, mentions=[mention("C189", "conclusion", rank=1)])
        decided = assign_roles([tumour, chemotherapy], "", [], table, overnight=overnight)
        return {d.candidate.category: d.role for d in decided}

    assert stay("séance de chimiothérapie", overnight=False) == {"Z51": "DP", "C18": "DR"}
    assert stay("cure de chimiothérapie", overnight=False) == {"Z51": "DP", "C18": "DR"}
    # A stay with a night was not a session; a treatment named without its session is left to the scores.
    assert stay("séance de chimiothérapie", overnight=True) == {"Z51": None, "C18": "DP"}
    assert stay("chimiothérapie", overnight=False) == {"Z51": None, "C18": "DP"}


# --- DR ----------------------------------------------------------------------------------------------------------
def test_a_dialysis_dp_takes_the_stage_5_kidney_disease_as_dr(table):
    dialysis = candidate("Z491", 0.9, "motif", dp=0.9)
    kidney = candidate("N185", 0.8, "histoire", dp=0.1)
    hypertension = candidate("I10", 0.9, "histoire", dp=0.1)
    assert roles(decide(table, [dialysis, kidney, hypertension])) == {"Z49": "DP", "N18": "DR", "I10": "DAS"}


def test_a_dialysis_is_the_dp_of_a_session_only(table):
    # A dialysed patient kept overnight came for something else (the DP), and the dialysis is no DP; nor is the
    # session code a DAS of such a stay (pipeline/status_weighed.py: a dialysed patient hospitalised is Z99.2).
    dialysis = candidate("Z491", 0.9, "motif", dp=0.9)
    pneumonia = candidate("J13", 0.7, "conclusion", dp=0.3)
    session = assign_roles([dialysis, pneumonia], "", [], table)
    assert {d.code: d.role for d in session}["Z491"] == "DP"
    overnight = assign_roles([dialysis, pneumonia], "", [], table, overnight=True)
    assert {d.code: d.role for d in overnight} == {"J13": "DP", "Z491": None}
    # Nothing else to be the DP: the dialysis stays it.
    alone = assign_roles([dialysis], "", [], table, overnight=True)
    assert [d.role for d in alone] == ["DP"]


def test_the_dr_is_the_likeliest_candidate_that_fits(table):
    chemotherapy = candidate("Z511", 0.9, "motif", dp=0.9)
    colon, rectum = candidate("C189", 0.6, "histoire", dp=0.0), candidate("C20", 0.8, "histoire", dp=0.0)
    assert roles(decide(table, [chemotherapy, colon, rectum])) == {"Z51": "DP", "C18": "DAS", "C20": "DR"}


def test_a_dp_that_needs_no_dr_gets_none(table):
    pneumonia = candidate("J13", 0.9, "conclusion", dp=0.9)
    kidney, tumour = candidate("N185", 0.8, "histoire"), candidate("C189", 0.8, "histoire")
    assert roles(decide(table, [pneumonia, kidney, tumour])) == {"J13": "DP", "N18": "DAS", "C18": "DAS"}


def test_the_dr_a_dp_needs_is_taken_below_the_selection_threshold_but_never_from_excluded_mentions(table):
    chemotherapy = candidate("Z511", 0.9, "motif", dp=0.9)
    tumour = candidate("C189", 0.2, "histoire")
    decided = decide(table, [chemotherapy, tumour])
    assert roles(decided) == {"Z51": "DP", "C18": "DR"} and decided["C18"].selected
    ruled_out = candidate("C189", 0.9, "conclusion", negated=True)
    decided = decide(table, [chemotherapy, ruled_out])
    assert roles(decided) == {"Z51": "DP", "C18": None} and not decided["C18"].selected


# --- a disease the conclusion states -----------------------------------------------------------------------------
def test_a_disease_the_conclusion_states_is_coded_whatever_its_score(table):
    pneumonia = candidate("J13", 0.9, "motif", "conclusion", dp=0.9)
    parkinson = candidate("G20", 0.03, "conclusion", dp=0.0)  # a category the classifier barely sees
    assert roles(decide(table, [pneumonia, parkinson])) == {"J13": "DP", "G20": "DAS"}
    # Not in the body only, not a symptom, not when the conclusion negates it.
    for other in (
        candidate("G20", 0.03, "histoire", dp=0.0),
        candidate("R51", 0.03, "conclusion", dp=0.0),
        candidate("G20", 0.03, "conclusion", dp=0.0, negated=True),
    ):
        assert roles(decide(table, [pneumonia, other]))[other.category] is None


# --- a DP below the threshold ------------------------------------------------------------------------------------
def test_a_dp_below_the_selection_threshold_is_still_proposed_with_a_note(table):
    pneumonia, hypertension = candidate("J13", 0.4, "motif"), candidate("I10", 0.3, "histoire")
    decided = decide(table, [pneumonia, hypertension])
    assert roles(decided) == {"J13": "DP", "I10": None}
    assert decided["J13"].selected and decided["J13"].notes == [DP_BELOW_THRESHOLD_NOTE]
    assert not decided["I10"].selected and decided["I10"].notes == []
    pneumonia.score = 0.6
    assert decide(table, [pneumonia, hypertension])["J13"].notes == []


# --- what the ATIH type and the DP exclusions allow --------------------------------------------------------------
@pytest.mark.parametrize(
    "code",
    [
        "B962",  # type 4: not DP
        "G632",  # type 1: not DP nor DR
        "W19",  # type 2, external cause: not DP nor DR
        "B91",  # a sequela (forbidden_dp.csv and its "Séquelles de" label)
        "O82",  # a delivery mode (O81-O84)
    ],
)
def test_a_code_not_allowed_as_dp_is_a_das_however_likely(table, code):
    forbidden = candidate(code, 0.99, "conclusion", dp=0.99)
    pneumonia = candidate("J13", 0.6, "histoire", dp=0.1)
    assert roles(decide(table, [forbidden, pneumonia])) == {code[:3]: "DAS", "J13": "DP"}


def test_a_code_not_allowed_as_dr_is_not_the_dr(table):
    dialysis = candidate("Z491", 0.9, "motif", dp=0.9)
    kidney = candidate("N185", 0.8, "histoire")
    assert roles(decide(table, [dialysis, kidney]))["N18"] == "DR"
    # The same code with type 1 (not DP nor DR): a DAS, and the DP goes without its DR.
    assert roles(decide(make_table(N185=1), [dialysis, kidney])) == {"Z49": "DP", "N18": "DAS"}


def test_a_code_whose_atih_type_allows_no_das_is_not_kept(table):
    unknown_type = candidate("U900", 0.9, "histoire")
    pneumonia = candidate("J13", 0.8, "conclusion")
    decided = decide(table, [unknown_type, pneumonia])
    assert roles(decided) == {"U90": None, "J13": "DP"}
    assert not decided["U90"].selected
    assert decided["U90"].notes == [DAS_TYPE_REFUSED_NOTE]
    assert decide(table, [candidate("G632", 0.9, "histoire"), pneumonia])["G63"].role == "DAS"


def test_codes_that_cannot_be_coded_are_left_out(table):
    no_codable_child = candidate("J18", 0.9, "conclusion")
    unknown = candidate("Q99", 0.9, "conclusion")
    deleted = candidate("E6600", 0.9, "conclusion")
    pneumonia = candidate("J13", 0.6, "histoire")
    assert roles(decide(table, [no_codable_child, unknown, deleted, pneumonia])) == {"J13": "DP"}


# --- negated, hypothetical and family mentions -------------------------------------------------------------------
@pytest.mark.parametrize("qualifier", ["negated", "hypothetical", "family"])
def test_a_candidate_with_only_excluded_mentions_is_never_selected(table, qualifier):
    excluded = candidate("C189", 0.99, "conclusion", dp=0.99, **{qualifier: True})
    pneumonia = candidate("J13", 0.6, "histoire", dp=0.1)
    assert excluded.only_excluded and not is_selectable(excluded)
    decided = decide(table, [excluded, pneumonia])
    assert roles(decided) == {"C18": None, "J13": "DP"} and not decided["C18"].selected
    # Nothing else: no DP at all rather than an excluded one.
    assert roles(decide(table, [excluded])) == {"C18": None}
    # One affirmed mention beside the excluded one: selected.
    excluded.mentions.append(mention("C189", "histoire"))
    assert decide(table, [excluded, pneumonia])["C18"].role == "DP"


# --- the code of each candidate ----------------------------------------------------------------------------------
def test_the_classifier_child_is_taken_when_confident_and_the_default_otherwise(table):
    af = Candidate("I48", score=0.8, model_code="I480", model_code_score=0.5, mentions=[mention("I48", "histoire")])
    assert decide(table, [af])["I48"].code == "I480"
    af.model_code_score = 0.2  # not confident: the category's "sans précision" code
    decided = decide(table, [af])["I48"]
    assert decided.code == "I489" and decided.refined


def test_the_code_named_by_the_letter_comes_before_the_classifier_code(table):
    af = Candidate("I48", score=0.8, model_code="I480", model_code_score=0.9, mentions=[mention("I482", "histoire")])
    assert decide(table, [af])["I48"].code == "I482"


def test_a_weak_candidate_is_listed_unrefined(table):
    af = Candidate("I48", score=0.05, mentions=[mention("I48", "histoire")])
    pneumonia = candidate("J13", 0.8, "conclusion")
    decided = decide(table, [af, pneumonia])["I48"]
    # Not refined from the text: the first codable code of the category, not its "sans précision" default.
    assert (decided.code, decided.refined, decided.selected) == ("I480", False, False)


# --- the context read for a more specific sibling ----------------------------------------------------------------
class StubIndex:
    """Scores the given codes on a text: a fixed score per code, 0 for the others."""

    def __init__(self, scores: dict[str, float]) -> None:
        self.scores = scores
        self.queries: list[str] = []

    def scores_for(self, query: str, codes: Sequence[str]) -> dict[str, float]:
        self.queries.append(query)
        return {code: self.scores.get(code, 0.0) for code in codes}


LETTER = "Antécédents : HTA. Conclusion : FA permanente mal tolérée. Retour à domicile."


def af_candidate(score: float, section: str = "conclusion") -> Candidate:
    start = LETTER.index("FA")
    return Candidate("I48", score=score, mentions=[mention("I48", section, start=start, text="FA")])


def test_mention_context_is_the_sentence_naming_the_condition():
    assert mention_context({"crh": LETTER}, af_candidate(0.8)).strip() == "Conclusion : FA permanente mal tolérée"


def test_a_selected_vague_code_takes_the_sibling_its_sentence_names(table):
    # The clause names the sibling's own word (« FA permanente »): taken without ranking the sentence.
    index = StubIndex({"I480": 0.9})
    decided = decide(table, [af_candidate(0.8)], index=cast(SearchIndex, index), documents={"crh": LETTER})
    assert decided["I48"].code == "I482" and not index.queries
    # Said further off (after a comma): the category's codes ranked on the sentence decide.
    letter = "Antécédents : HTA. Conclusion : FA mal tolérée, de forme permanente. Retour à domicile."
    documents = {"crh": letter}
    start = letter.index("FA")
    far = Candidate("I48", score=0.8, mentions=[mention("I48", "conclusion", start=start, text="FA")])
    index = StubIndex({"I482": 0.9, "I489": 0.2})
    decided = decide(table, [far], index=cast(SearchIndex, index), documents=documents)
    assert decided["I48"].code == "I482" and index.queries
    # Below the margin over the code already chosen: kept.
    close = StubIndex({"I482": 0.04})
    decided = decide(table, [far], index=cast(SearchIndex, close), documents=documents)
    assert decided["I48"].code == "I489"


def test_an_unselected_candidate_is_not_read_again(table):
    index = StubIndex({"I482": 0.9})
    pneumonia = candidate("J13", 0.9, "conclusion", dp=0.9)
    unselected = af_candidate(0.3, "histoire")  # below the threshold, in the body only
    decided = decide(table, [unselected, pneumonia], index=cast(SearchIndex, index), documents={"crh": LETTER})
    assert decided["I48"].code == "I489" and not index.queries


def test_a_code_the_context_reading_makes_fit_the_dr_is_the_dr(table):
    letter = "Motif : séance d'hémodialyse. Antécédents : IRC terminale. Retour à domicile."
    dialysis = Candidate("Z49", score=0.9, dp_score=0.9, mentions=[mention("Z491", "motif", rank=0)])
    start = letter.index("IRC")
    kidney = Candidate("N18", score=0.8, mentions=[mention("N189", "histoire", start=start, text="IRC")])
    index = StubIndex({"N185": 0.9})
    decided = decide(table, [dialysis, kidney], index=cast(SearchIndex, index), documents={"crh": letter})
    assert decided["N18"].code == "N185"  # the context reading did take the stage 5 ...
    assert roles(decided) == {"Z49": "DP", "N18": "DR"}  # ... and the DR is looked for again on it


# --- a symptom whose cause the sentence states; a session DP and the motif ----------------------------------------
def named(code: str, section: str, sentence: str, wording: str) -> QualifiedMention:
    start = sentence.lower().index(wording)
    return mention(code, section, start=start, text=sentence[start : start + len(wording)])


def linked_pair(sentence: str, cause_section: str = "conclusion") -> dict[str, Decided]:
    """R51 (strong, the DP by strength) and I10 (weak, unselected) named in `sentence` (the cause's words:
    « poussée hypertensive », or « paludisme » where the sentence says so: only the spans matter here)."""
    wording = "syndrome céphalalgique" if "syndrome" in sentence.lower() else "céphalées"
    cause = "paludisme" if "paludisme" in sentence else "poussée hypertensive"
    headache = Candidate("R51", score=0.95, dp_score=0.9, mentions=[named("R51", "conclusion", sentence, wording)])
    pressure = Candidate("I10", score=0.1, dp_score=0.0, mentions=[named("I10", cause_section, sentence, cause)])
    return decide(make_table(), [headache, pressure], documents={"crh": sentence})


@pytest.mark.parametrize(
    "sentence",
    [
        "Céphalées sur poussée hypertensive.",
        "Céphalées liées à une poussée hypertensive.",
        "Céphalées dues à une poussée hypertensive.",
        "Syndrome céphalalgique dû à une poussée hypertensive.",
        "Céphalées secondaires au paludisme.",  # « au », « aux »: the link contracted with its article
        "Céphalées, dans le cadre d'une poussée hypertensive.",
        "Poussée hypertensive compliquée de céphalées.",
        "Poussée hypertensive responsable de céphalées.",
    ],
)
def test_a_symptom_whose_cause_the_sentence_states_gives_the_dp_to_the_cause(sentence):
    decided = linked_pair(sentence)
    assert roles(decided) == {"R51": None, "I10": "DP"}
    assert decided["I10"].selected  # the letter establishes it, whatever its score
    # A headache (R51, a general symptom of R50-R69) is a usual manifestation of any disease
    # (`usual_manifestation`): part of the diagnosis, listed unticked.
    assert not decided["R51"].selected and "symptom-explained" in {n.rule for n in decided["R51"].notes}


@pytest.mark.parametrize(
    ("sentence", "cause_section"),
    [
        ("Céphalées et poussée hypertensive.", "conclusion"),  # side by side, no link
        ("Céphalées sur le trajet du retour, puis poussée hypertensive.", "conclusion"),  # a clause between
        ("Céphalées sur\npoussée hypertensive.", "conclusion"),  # not the same line
        ("Céphalées sur poussée hypertensive.", "antecedents"),  # a cause among the antecedents is not current
    ],
)
def test_a_symptom_merely_beside_a_diagnosis_stays_the_dp(sentence, cause_section):
    decided = linked_pair(sentence, cause_section)
    # Named in the conclusion, the disease is coded (`_concluded`), as a DAS: nothing links it to the symptom.
    assert roles(decided) == {"R51": "DP", "I10": "DAS" if cause_section == "conclusion" else None}


def test_a_session_dp_gives_way_to_another_condition_that_opens_the_motif(table):
    # "Motif : hyperkaliémie au bilan pré-dialyse": the stay was for that condition, the dialysis done meanwhile.
    dialysis = Candidate("Z49", score=0.95, dp_score=0.9, mentions=[mention("Z491", "conclusion", rank=1)])
    kidney = Candidate("N18", score=0.9, dp_score=0.1, mentions=[mention("N185", "antecedents", rank=2)])
    pneumonia = Candidate("J13", score=0.6, dp_score=0.0, mentions=[mention("J13", "motif", rank=0)])
    assert roles(decide(table, [dialysis, kidney, pneumonia]))["J13"] == "DP"
    # The motif opens on what the session treats (its DR): the session stays the DP.
    kidney.mentions.append(mention("N185", "motif", rank=-1))
    assert roles(decide(table, [dialysis, kidney, pneumonia])) == {"Z49": "DP", "N18": "DR", "J13": "DAS"}
    # An unselected condition of the motif does not replace the session.
    kidney.mentions.pop()
    pneumonia.score = 0.3
    assert roles(decide(table, [dialysis, kidney, pneumonia]))["Z49"] == "DP"


def test_a_chronic_condition_or_a_symptom_the_motif_recalls_first_leaves_the_session_the_dp(table):
    # "Motif : patient hypertendu, admis pour sa séance de dialyse": the background, not another reason.
    for code in ("I10", "R51"):
        dialysis = Candidate("Z49", score=0.95, dp_score=0.9, mentions=[mention("Z491", "conclusion", rank=1)])
        kidney = Candidate("N18", score=0.9, dp_score=0.1, mentions=[mention("N185", "antecedents", rank=2)])
        first = Candidate(code[:3], score=0.8, dp_score=0.0, mentions=[mention(code, "motif", rank=0)])
        assert roles(decide(table, [dialysis, kidney, first]))["Z49"] == "DP", code


def test_a_background_disease_gives_the_dp_to_the_condition_that_opens_the_motif(table):
    # « Motif : cataracte … » (named again in the body), a diabetes from the antecedents and no diagnosis in the
    # conclusion: the classifier's DP head knows the diabetes, not the cataract.
    def stay(motif_mentions: int, concluded: bool) -> dict[str, Decided]:
        background = Candidate(
            "I48", score=0.95, dp_score=0.9, mentions=[mention("I482", "antecedents", rank=1), mention("I482", rank=3)]
        )
        motif = [mention("J13", "motif", rank=0), *(mention("J13", rank=4 + k) for k in range(motif_mentions - 1))]
        pneumonia = Candidate("J13", score=0.3, dp_score=0.0, mentions=motif)
        others = [Candidate("I10", score=0.9, dp_score=0.0, mentions=[mention("I10", "conclusion", rank=9)])]
        return decide(table, [background, pneumonia, *(others if concluded else [])])

    decided = stay(motif_mentions=2, concluded=False)
    assert roles(decided) == {"I48": "DAS", "J13": "DP"}
    assert decided["J13"].selected and DP_BELOW_THRESHOLD_NOTE not in decided["J13"].notes
    # A diagnosis the motif states once is the reason it gives (a symptom named once is not:
    # tests/pipeline/test_dp_background.py); a conclusion that names a condition has the last word.
    assert roles(stay(motif_mentions=1, concluded=False))["J13"] == "DP"
    assert roles(stay(motif_mentions=2, concluded=True))["I48"] == "DP"


def test_a_status_the_sentence_names_after_a_symptom_is_no_cause(table):
    # « Céphalées sur stimulateur cardiaque »: a status (Z95.0) never becomes the DP.
    sentence = "Céphalées sur stimulateur cardiaque."
    headache = Candidate("R51", score=0.95, dp_score=0.9, mentions=[named("R51", "conclusion", sentence, "céphalées")])
    pacemaker = Candidate("Z95", score=0.9, mentions=[named("Z950", "conclusion", sentence, "stimulateur cardiaque")])
    assert roles(decide(make_table(), [headache, pacemaker], documents={"crh": sentence}))["R51"] == "DP"


# --- one wording, one code ---------------------------------------------------------------------------------------
def shared(*codes: str, start: int = 40, text: str = "IRC") -> QualifiedMention:
    """One mention the dictionary reads as several codes (« IRC »: kidney or lung)."""
    return QualifiedMention(
        doc_id="crh",
        codes=codes,
        start=start,
        end=start + len(text),
        text=text,
        section="conclusion",
        negated=False,
        hypothetical=False,
        family=False,
        history=False,
        cues=(),
        source="lexicon",
        rank=next(_ranks),
    )


def test_a_das_read_from_the_words_of_another_selected_code_is_not_coded_beside_it(table):
    irc = shared("N189", "I10")
    parkinson = Candidate("G20", score=0.95, dp_score=0.9, mentions=[mention("G20", "conclusion", start=0)])
    kidney = Candidate("N18", score=0.9, mentions=[irc])
    pressure = Candidate("I10", score=0.7, mentions=[irc])
    decided = decide(table, [parkinson, kidney, pressure])
    assert roles(decided) == {"G20": "DP", "N18": "DAS", "I10": None}
    assert [n.rule for n in decided["I10"].notes] == ["same-wording"] and decided["I10"].notes[0].code == "N189"
    # With words of its own, each is coded.
    pressure.mentions.append(mention("I10", "conclusion", start=80, text="HTA"))
    assert roles(decide(table, [parkinson, kidney, pressure])) == {"G20": "DP", "N18": "DAS", "I10": "DAS"}


def test_the_dp_keeps_its_words_and_an_external_cause_keeps_its_own_code(table):
    fall = shared("G20", "W19", start=0, text="chute")
    parkinson = Candidate("G20", score=0.6, dp_score=0.9, mentions=[fall])
    cause = Candidate("W19", score=0.95, mentions=[fall])
    assert roles(decide(table, [parkinson, cause])) == {"G20": "DP", "W19": "DAS"}  # chapter XX: by design
    # An external cause never stands for the condition it goes with, however likely.
    fall = shared("J13", "W19", start=0, text="chute")
    pneumonia, cause = Candidate("J13", score=0.6, mentions=[fall]), Candidate("W19", score=0.95, mentions=[fall])
    parkinson = Candidate("G20", score=0.99, dp_score=0.9, mentions=[mention("G20", "conclusion")])
    assert roles(decide(table, [parkinson, pneumonia, cause])) == {"G20": "DP", "J13": "DAS", "W19": "DAS"}
    stenosis = shared("G20", "I10", start=0, text="sténose")
    parkinson.mentions, cause = [stenosis], Candidate("I10", score=0.99, mentions=[stenosis])
    assert roles(decide(table, [parkinson, cause])) == {"G20": "DP", "I10": None}  # the DP wins over a DAS


# --- an infection and its agent named together -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Diagnostic : pneumonie franche lobaire aiguë à pneumocoque.", "J13"),
        # Apart, the stay's one agent with its one infection (`_the_one_infection_of_the_agent`).
        ("Diagnostic : pneumonie franche lobaire aiguë. Antigénurie pneumocoque positive.", "J13"),
        ("Diagnostic : pneumonie franche lobaire aiguë à E. coli.", "J155"),  # J15.5 is not in this table
    ],
)
def test_an_infection_named_with_its_agent_takes_the_code_that_names_both(sentence, expected):
    entries = [CodeEntry(code, label, mco_type=kind) for code, label, kind in TABLE]
    table = Terminology([*entries, CodeEntry("J181", "Pneumopathie lobaire, sans précision", mco_type=0)], "t", "2025")
    wording = "pneumonie franche lobaire aiguë"
    pneumonia = Candidate("J18", score=0.9, dp_score=0.9, mentions=[named("J181", "conclusion", sentence, wording)])
    agent_word = "pneumocoque" if "pneumocoque" in sentence else "e. coli"
    agent_code = "B953" if agent_word == "pneumocoque" else "B962"
    agent = Candidate(agent_code[:3], score=0.9, mentions=[named(agent_code, "conclusion", sentence, agent_word)])
    decided = assign_roles([pneumonia, agent], "", [], table, documents={"crh": sentence})
    codes = {d.code: (d.role, d.selected) for d in decided}
    if expected == "J155":  # not codable here: nothing changes
        assert codes["J181"] == ("DP", True) and codes["B962"][1]
    else:
        assert codes["J13"] == ("DP", True) and codes["B953"] == (None, False)


def test_a_dp_no_sentence_names_gives_way_to_what_the_letter_names(table):
    # The classifier's guess alone, below the threshold, against a condition a short letter names, also below it.
    guess, named = candidate("J13", 0.3, dp=0.9), candidate("G20", 0.1, "other", dp=0.1)
    assert roles(decide(table, [guess, named]))["G20"] == "DP"
    # A selected guess is kept unless the conclusion or the motif opens on a selected diagnosis.
    guess, named = candidate("J13", 0.9, dp=0.9), candidate("G20", 0.1, "other", dp=0.1)
    assert roles(decide(table, [guess, named]))["J13"] == "DP"
    guess, concluded = candidate("J13", 0.9, dp=0.9), candidate("G20", 0.8, "conclusion", dp=0.1)
    assert roles(decide(table, [guess, concluded]))["G20"] == "DP"


def test_a_das_no_sentence_documents_is_listed_but_not_pre_ticked(table):
    dp = candidate("J13", 0.9, "conclusion", dp=0.9)
    named, guessed = candidate("I10", 0.9, "histoire", dp=0.1), candidate("G20", 0.9, dp=0.1)
    decided = decide(table, [dp, named, guessed])
    assert roles(decided) == {"J13": "DP", "I10": "DAS", "G20": None}
    assert not decided["G20"].selected and [n.rule for n in decided["G20"].notes] == ["undocumented-das"]
