"""Stay → ranked CCAM act proposals: mentions from every document, grouped into acts, ranked, selected only
on affirmed evidence, with the anaesthesia (activity 4) line when the report says general or locoregional
anaesthesia, and the PMSI checks of each line."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from coding_assistant.acts.anaesthesia import Anaesthesia, find_anaesthesia
from coding_assistant.acts.catalogue import ActCatalogue, default_catalogue
from coding_assistant.acts.checks import check_act, check_delivery_acts, default_phase
from coding_assistant.acts.grouping import ActGroup, Mention, group_mentions
from coding_assistant.acts.reading import CLAUSE_END, DocumentReader, DocumentReading
from coding_assistant.acts.realisation import already_past, given_up, qualify_anchors
from coding_assistant.matching.dictionary import wording_stems
from coding_assistant.schema import ActProposal, Evidence, Note, Stay
from coding_assistant.text.qualifiers import QualifierEngine

NOT_DONE = {
    "negated": Note(rule="act-not-done", message="acte nié ou non réalisé : non retenu"),
    "future": Note(rule="act-planned", message="acte prévu ou envisagé, non réalisé pendant le séjour : non retenu"),
}
STEP = Note(
    rule="act-step", message="geste décrit dans le déroulé opératoire, hors du champ « Intervention » : à confirmer"
)
LOW_SCORE = Note(rule="act-low-score", message="libellé CCAM peu justifié par le texte : à confirmer")
LEARNED_ONLY = Note(
    rule="act-model-only",
    message="proposé par le modèle appris, sans mention retrouvée dans les documents : à confirmer",
)


@dataclass(frozen=True)
class LearnedActs:
    """What the classifier learnt of the stay's acts (labels of level "act", when its training stays had their
    acts coded): P(the act was done) and the label's threshold, by CCAM code."""

    scores: Mapping[str, float]
    thresholds: Mapping[str, float]

    def likely(self) -> list[tuple[float, str]]:
        """The acts at or above their threshold, most likely first."""
        found = [(p, code) for code, p in self.scores.items() if p >= self.thresholds.get(code, 1.0)]
        return sorted(found, key=lambda item: (-item[0], item[1]))


def included_note(code: str) -> Note:
    return Note(rule="act-included", message=f"inclus dans {code} (libellé CCAM « avec … ») : non retenu", code=code)


@dataclass
class ActSettings:
    select_score: float = 0.5  # the best act of a group is selected from this score up
    max_acts: int = 12  # act lines per stay
    max_alternatives: int = 2  # runner-up acts listed (unselected) after each act
    alternative_share: float = 0.6  # … when they score at least this share of the act's score
    max_evidence: int = 10
    # The classifier's act heads, when the model has them: they reorder the acts a group of mentions could be
    # (a weight on P(act), beside the label's fit to the text, which stays first), and add the acts they find
    # likely that no mention names, unselected, after the others (an act is selected only on evidence).
    learned_weight: float = 0.3
    # … only among the acts the words fit alike (within this margin of the best fit): on reports written by other
    # hands, a head that overrode a clearer fit chose a sibling more often than the right act (the act tuning sets).
    learned_margin: float = 0.03
    max_learned_only: int = 3
    # A combined label (« A avec B ») whose parts are two acts the group's mentions name is the act when it fits
    # the text within this margin of the group's best label (which names only one of them): `_prefer_combined`.
    combined_margin: float = 0.1
    probable_is_hypothetical: bool = True
    qualifier_engine: QualifierEngine = "rules"  # negation and hypothesis of the act mentions


@dataclass
class _Line:
    code: str
    score: float
    selected: bool
    group: ActGroup
    rank: int  # 0: an act, 1: an alternative, 2: an unselected act, 3: negated or planned
    day: date | None
    warnings: list[Note] = field(default_factory=list)  # the act's, shown on each of its lines
    anaesthesia: list[Anaesthesia] = field(default_factory=list)
    # The checks of one activity's line (1: the act, 4: its anaesthesia), shown on that line only.
    activity_warnings: dict[int, list[Note]] = field(default_factory=dict)


class ActProposer:
    def __init__(self, catalogue: ActCatalogue | None = None, settings: ActSettings | None = None) -> None:
        self.catalogue = catalogue or default_catalogue()
        self.settings = settings or ActSettings()
        self.reader = DocumentReader(self.catalogue, self.catalogue.data)

    def propose(
        self,
        stay: Stay,
        dp: str | None = None,
        dr: str | None = None,
        das: Sequence[str] = (),
        learned: LearnedActs | None = None,
    ) -> tuple[list[ActProposal], list[Note]]:
        """The stay's act lines, best first, and the warnings that concern the stay rather than one act;
        `learned`: the classifier's act heads, when the model has them."""
        readings = self._readings(stay)
        mentions = [Mention(reading, anchor) for reading in readings for anchor in reading.anchors]
        lines: list[_Line] = []
        groups: list[ActGroup] = []
        if mentions:
            parity = next((r.parity for r in readings if r.parity), None)
            groups = group_mentions(mentions, self.catalogue, stay.sex, stay.age, parity)
            if learned is not None:
                self._weigh_learned(groups, learned)
            for group in groups:
                self._prefer_combined(group)
            lines = self._lines(groups)
        if learned is not None:
            lines += self._learned_only(lines, groups, learned)
        if not lines:
            return [], []
        self._add_anaesthesia(lines, readings)
        stay_warnings = self._check(lines, stay, dp, dr, das)
        return self._proposals(lines), stay_warnings

    def _weigh_learned(self, groups: list[ActGroup], learned: LearnedActs) -> None:
        """Each group's acts the words fit alike (within `learned_margin` of the best fit) ordered on their fit
        plus `learned_weight` × P(act): between a hip and a knee prosthesis that the words fit alike, what the
        model learnt of such reports decides; a clearer fit stays first. Each keeps its text score; the group's
        best text score decides whether its first act is selected (`_lines`)."""
        weight, margin = self.settings.learned_weight, self.settings.learned_margin
        for group in groups:
            if not group.ranking:
                continue
            best = max(value for value, _ in group.ranking)
            close = [item for item in group.ranking if item[0] >= best - margin]
            rest = [item for item in group.ranking if item[0] < best - margin]
            group.ranking = [
                *sorted(close, key=lambda item: (-(item[0] + weight * learned.scores.get(item[1], 0.0)), item[1])),
                *rest,
            ]

    def _prefer_combined(self, group: ActGroup) -> None:
        """A group whose mentions name two acts (« détorsion du cordon … et orchidopexie », « mastectomie totale …
        avec curage axillaire ») is one act: the label that names one as its act and the other in its « avec … »
        part (JHEA010 « Détorsion du cordon spermatique avec orchidopexie … », QEFA020 « Mastectomie totale avec
        … curage lymphonodal axillaire ») comes first when it fits the text within `combined_margin` of the best
        label, which names only one of them (CCAM codes the combined act once, not its part alone)."""
        if group.status != "current" or len(group.ranking) < 2:
            return
        named = {
            k for m in group.mentions if m.anchor.status == "current" and m.anchor.selectable for k in m.anchor.keys
        }
        if len(named) < 2:
            return
        top_value, top_code = group.ranking[0]
        covered = len(self._acts_named(top_code, named))
        floor = top_value - self.settings.combined_margin
        for value, code in group.ranking[1:]:
            if value < floor:
                break
            label = self.catalogue.by_code[code].features
            combined = label.first in named and bool((label.includes & named) - {label.first})
            if combined and len(self._acts_named(code, named)) > covered:
                group.ranking.remove((value, code))
                group.ranking.insert(0, (value, code))
                return

    def _acts_named(self, code: str, named: set[str]) -> set[str]:
        """The group's act words that a label names, as its act or in its « avec … » part."""
        label = self.catalogue.by_code[code].features
        return named & (label.head | label.includes | {label.first})

    def _learned_only(self, lines: list[_Line], groups: list[ActGroup], learned: LearnedActs) -> list[_Line]:
        """The acts the model finds likely that no line holds, unselected, within the stay's `max_acts`; never an
        act the text says was not done or only planned (any code such a group could be)."""
        present = {line.code for line in lines}
        present |= {code for group in groups if group.status != "current" for _, code in group.ranking}
        room = min(self.settings.max_learned_only, self.settings.max_acts - len(lines))
        extra: list[_Line] = []
        for probability, code in learned.likely():
            if len(extra) >= room:
                break
            if code in present or code not in self.catalogue.by_code:
                continue
            group = ActGroup(mentions=[], keys=set(), candidates=set(), status="current")
            extra.append(_Line(code, probability, False, group, 2, None, [LEARNED_ONLY]))
        return extra

    def _readings(self, stay: Stay) -> list[DocumentReading]:
        readings = []
        for document in stay.documents:
            reading = self.reader.read(document.doc_id, document.type, document.text, stay.admission_date)
            qualify_anchors(
                reading,
                self.catalogue.data,
                stay.admission_date,
                stay.discharge_date,
                self.settings.probable_is_hypothetical,
                self.settings.qualifier_engine,
            )
            readings.append(reading)
        already_past([anchor for reading in readings for anchor in reading.anchors])
        for reading in readings:
            for anchor in reading.anchors:
                if anchor.status in ("negated", "future"):
                    reading.retract(anchor)
            # After the retraction: the indication's words still say where and how the report's procedure went.
            given_up(reading.anchors)
            if reading.anchors:  # the anaesthesia chooses between siblings (ranking) and brings activity 4
                reading.anaesthesia = find_anaesthesia(reading, self.catalogue.data, self.settings.qualifier_engine)
        return readings

    def _lines(self, groups: list[ActGroup]) -> list[_Line]:
        settings = self.settings
        lines: list[_Line] = []
        for group in groups:
            if not group.ranking:
                continue
            top_score, top_code = group.ranking[0]
            if group.status != "current":
                lines.append(_Line(top_code, top_score, False, group, 3, group.date, [NOT_DONE[group.status]]))
                continue
            # The group's best fit to the text decides whether it is an act at all; the learned heads only choose
            # which of its codes comes first (`_weigh_learned`).
            best_text = max(value for value, _ in group.ranking)
            selected = group.selectable and best_text >= settings.select_score
            notes = [] if selected else [STEP if not group.selectable else LOW_SCORE]
            lines.append(_Line(top_code, top_score, selected, group, 0 if selected else 2, group.date, notes))
            for value, code in group.ranking[1 : 1 + settings.max_alternatives]:
                if value >= settings.alternative_share * top_score and value > 0:
                    lines.append(_Line(code, value, False, group, 1 if selected else 2, group.date))
        self._therapeutic_acts(lines)
        lines += self._combined(lines)
        self._drop_included(lines)
        self._drop_named_parts(lines)
        self._drop_end_stomas(lines)
        lines.sort(key=lambda line: (line.rank, -line.score))
        kept: dict[str, _Line] = {}
        for line in lines:
            if line.code not in kept:
                kept[line.code] = line
        return list(kept.values())[: settings.max_acts]

    def _therapeutic_acts(self, lines: list[_Line]) -> None:
        """A diagnostic endoscopy selected (« Hystéroscopie ») where the report does more through it: the
        therapeutic act on its organ by the same access (CCAM general rules: a diagnostic act is included in the
        therapeutic act it leads to) is the act, when the text fits it as an act (`select_score`). Either one of
        the group's own mentions names what the diagnostic label leaves out (« Hystéroscopie … Résection du
        polype » → « Exérèse de polype de l'utérus, par hystéroscopie »), or the report's procedure describes it
        (a step line: « Intervention : hystéroscopie », then « résection du myome à l'anse »)."""
        floor, by_code = self.settings.select_score, self.catalogue.by_code
        for line in [line for line in lines if line.selected and line.code[2] == "Q"]:
            # What the report itself names (a discharge letter's list « FOGD, coloscopie, mucosectomie » may have
            # joined the group an act of another organ).
            named = {
                k
                for m in line.group.mentions
                if m.anchor.status == "current" and m.reading.operative
                for k in m.anchor.keys
            }
            named -= by_code[line.code].words
            own = [
                (value, code)
                for value, code in line.group.ranking
                if value >= floor and named & by_code[code].words and _diagnostic_within(line.code, code, None, None)
            ]
            if own:
                line.score, line.code = max(own, key=lambda item: item[0])
                continue
            steps = [
                other
                for other in lines
                if STEP in other.warnings
                and other.score >= floor
                and _diagnostic_within(line.code, other.code, None, None)
                and _same_report(line.group, other.group)
            ]
            if steps:
                step = max(steps, key=lambda other: other.score)
                step.selected, step.rank = True, 0
                step.warnings.remove(STEP)
                line.selected, line.rank = False, 2
                line.warnings.append(included_note(step.code))

    def _combined(self, lines: list[_Line]) -> list[_Line]:
        """Two selected acts of one report that a CCAM label combines (« Adénoïdectomie » and « pose bilatérale
        d'aérateur transtympanique » → « Adénoïdectomie avec pose bilatérale d'aérateur transtympanique »):
        the combined act, when the text fits it as well as an act (`select_score`) and it is a candidate of
        one of them, is coded instead of both (CCAM: an act described by one label is coded once). The added
        part is any act its words fit as an act, not only its first: « septoplastie » written apart from
        « ethmoïdectomie totale bilatérale » is the « avec septoplastie nasale » of LAFA020 even when its own line
        chose a combined sibling. The best fitting combination first; an act joins one combination at most."""
        by_code = self.catalogue.by_code
        pairs: list[tuple[float, str, _Line, _Line]] = []
        chosen = [line for line in lines if line.selected]
        heads = {id(line): self._part_heads(line) for line in chosen}
        for first in chosen:
            for second in chosen:
                main = by_code[first.code].features.head
                if first is second or first.code == second.code or not main:
                    continue
                # A combined label is one act of one session: two acts written on different days stay two acts
                # (the coronarography of the 8th and the angioplasty of the 10th are not « … avec artériographie
                # coronaire »), even when a letter lists both.
                if not _same_report(first.group, second.group) or _other_days(first.day, second.day):
                    continue
                for value, code in first.group.ranking + second.group.ranking:
                    label = by_code[code].features
                    if (
                        value >= self.settings.select_score
                        and main <= label.head
                        and any(added <= label.includes for added in heads[id(second)])
                    ):
                        pairs.append((value, code, first, second))
        found: list[_Line] = []
        used: set[int] = set()
        for value, code, first, second in sorted(pairs, key=lambda pair: (-pair[0], pair[1])):
            if id(first) in used or id(second) in used:
                continue
            used |= {id(first), id(second)}
            group = replace(first.group, mentions=first.group.mentions + second.group.mentions, ranking=[(value, code)])
            found.append(_Line(code, value, True, group, 0, first.day))
            for part in (first, second):
                part.selected, part.rank = False, 2
                part.warnings.append(included_note(code))
        return found

    def _part_heads(self, line: _Line) -> list[frozenset[str]]:
        """What a selected line's act may be, as the added part of a combined label (`_combined`): the heads of
        its code and of its group's other codes its words fit as an act (`select_score` up); never an empty one."""
        by_code, floor = self.catalogue.by_code, self.settings.select_score
        codes = [line.code, *(code for value, code in line.group.ranking if value >= floor and code != line.code)]
        return [head for head in dict.fromkeys(by_code[code].features.head for code in codes) if head]

    def _drop_included(self, lines: list[_Line]) -> None:
        """A selected act that another selected act includes is not coded: one whose label says so ("… avec
        artériographie coronaire"), a diagnostic act (CCAM action letter Q) on the organ of a therapeutic act
        the same day (the gastroscopy of an endoscopic haemostasis, the cholangiography of a stone extraction:
        CCAM general rules, a diagnostic act is included in the therapeutic act it leads to), a step of
        another act described in the same report (`_step_of`), or the removal and placement a change is made of
        (`_part_of_a_change`)."""
        chosen = [line for line in lines if line.selected]
        for line in chosen:
            head = self.catalogue.by_code[line.code].features.head
            for other in chosen:
                includes = self.catalogue.by_code[other.code].features.includes
                # A label's « avec … » part is done in the same session, and so is a step of one procedure: an act
                # written on another day is an act of its own (a temporary pacing lead on admission, the « avec pose
                # d'une sonde » of the pacemaker implanted two days later; the coronarography of the 8th beside the
                # angioplasty of the 10th in one letter).
                session = not _other_days(line.day, other.day)
                within = bool(head) and head <= includes and session
                step = (
                    session
                    and _step_of(line.code, other.code, self.catalogue)
                    and _same_report(line.group, other.group)
                )
                # A change is one act wherever the stay's documents tell its parts (the report and the letter).
                change = session and _part_of_a_change(line.code, other.code, self.catalogue)
                same_access = _diagnostic_within(line.code, other.code, line.day, other.day) or step or change
                if other is not line and other.selected and (within or same_access):
                    line.selected, line.rank = False, 2
                    line.warnings.append(included_note(other.code))
                    break

    def _drop_named_parts(self, lines: list[_Line]) -> None:
        """A selected act whose every mention the text writes as the « avec … » part of another selected act
        (« thromboendartériectomie carotidienne avec angioplastie d'élargissement par patch ») is a part of that act
        when its label includes it (EBFA016 « … avec angioplastie d'élargissement »): CCAM codes the act its label
        describes once, not its part apart (the « angioplastie » is no carotid dilatation of its own)."""
        chosen = [line for line in lines if line.selected]
        for line in chosen:
            mentions = [m for m in line.group.mentions if m.anchor.status == "current"]
            whole = next(
                (
                    other
                    for other in chosen
                    if other is not line
                    and other.selected
                    and mentions
                    and all(self._written_as_part(m, other) for m in mentions)
                ),
                None,
            )
            if whole is not None:
                line.selected, line.rank = False, 2
                line.warnings.append(included_note(whole.code))

    def _drop_end_stomas(self, lines: list[_Line]) -> None:
        """A cutaneous stoma of the digestive tract (« colostomie terminale iliaque gauche ») selected beside a
        resection whose label says « sans rétablissement de la continuité », in the same session: the
        stoma is how that resection ends (an intervention de Hartmann is HHFA014, its colostomy included: CCAM
        describes the resection without restored continuity, the bowel brought out to the skin, as one act). A
        stoma beside a resection with restored continuity (a protective ileostomy) stays an act of its own."""
        by_code = self.catalogue.by_code
        chosen = [line for line in lines if line.selected]
        for line in chosen:
            label = by_code[line.code].features
            if not (line.code.startswith("H") and label.first.endswith("stom") and label.positive >= _CUTANEOUS):
                continue
            whole = next(
                (
                    other
                    for other in chosen
                    if other is not line
                    and other.selected
                    and by_code[other.code].features.negative >= _DISCONTINUITY
                    # One session: read in one operative report, or dated the same day (a letter's « le 07/04 :
                    # intervention de Hartmann et colostomie iliaque gauche »).
                    and (_same_report(line.group, other.group) or (line.day is not None and line.day == other.day))
                    and not _other_days(line.day, other.day)
                ),
                None,
            )
            if whole is not None:
                line.selected, line.rank = False, 2
                line.warnings.append(included_note(whole.code))

    def _written_as_part(self, mention: Mention, whole: _Line) -> bool:
        """The mention names what `whole`'s label includes (its « avec … » words), on `whole`'s day: either all of
        them in its own clause (« fermeture par angioplastie d'élargissement »), or some of them after « avec » in
        the clause of one of `whole`'s mentions (« thromboendartériectomie … avec angioplastie … »)."""
        includes = self.catalogue.by_code[whole.code].features.includes
        anchor, text = mention.anchor, mention.reading.text
        if not includes & set(wording_stems(anchor.text)) or _other_days(anchor.date, whole.day):
            return False
        end = CLAUSE_END.search(text, anchor.end)
        if includes <= set(wording_stems(text[anchor.start : end.start() if end else len(text)])):
            return True
        for other in whole.group.mentions:
            before = other.anchor
            if other.reading is not mention.reading or before.sentence != anchor.sentence or before.end > anchor.start:
                continue
            gap = text[before.end : anchor.start]
            if _WITH.search(gap) and not _CLAUSE_BREAK.search(gap):
                return True
        return False

    def _add_anaesthesia(self, lines: list[_Line], readings: list[DocumentReading]) -> None:
        by_id = {reading.doc_id: reading for reading in readings}
        for line in lines:
            act = self.catalogue.acts.get(line.code)
            if not line.selected or act is None or "4" not in act.activity_phases:
                continue
            for mention in line.group.mentions:
                anchor = mention.anchor
                if anchor.status != "current":
                    continue
                reading = by_id[anchor.doc_id]
                for item in reading.anaesthesia:
                    if not item.activity4 or item in line.anaesthesia:
                        continue  # local anaesthesia and sedation are no anaesthetist's act
                    if item.sentence == anchor.sentence or reading.operative:
                        line.anaesthesia.append(item)

    def _check(self, lines: list[_Line], stay: Stay, dp: str | None, dr: str | None, das: Sequence[str]) -> list[Note]:
        for line in lines:
            activities = [1, 4] if line.anaesthesia else [1]
            for activity in activities:
                warnings = check_act(
                    line.code,
                    activity,
                    default_phase(line.code, activity, self.catalogue),
                    line.day,
                    self.catalogue,
                    sex=stay.sex,
                    age=stay.age,
                    admission=stay.admission_date,
                    discharge=stay.discharge_date,
                )
                found = line.activity_warnings.setdefault(activity, [])
                found.extend(note for note in (w.note() for w in warnings) if note not in found)
        selected = [line.code for line in lines if line.selected]
        stay_warnings: list[Note] = []
        for warning in check_delivery_acts(dp, dr, das, selected):
            target = next((line for line in lines if line.selected and line.code == warning.code), None)
            if target is not None:
                target.warnings.append(warning.note())
            else:
                stay_warnings.append(warning.note())
        return stay_warnings

    def _proposals(self, lines: list[_Line]) -> list[ActProposal]:
        proposals: list[ActProposal] = []
        for line in lines:
            evidence = [_evidence(m) for m in sorted(line.group.mentions, key=_evidence_order)]
            proposals.append(self._act_line(line, 1, evidence[: self.settings.max_evidence]))
            if line.anaesthesia:
                anaesthesia = [
                    Evidence(doc_id=a.doc_id, start=a.start, end=a.end, text=a.text) for a in line.anaesthesia
                ]
                proposals.append(self._act_line(line, 4, anaesthesia))
        return proposals

    def _act_line(self, line: _Line, activity: int, evidence: list[Evidence]) -> ActProposal:
        """One CCAM line of the act: activity 1 (the act) or 4 (its anaesthesia), each with the act's warnings
        and its own activity's checks."""
        return ActProposal(
            code=line.code,
            label=self.catalogue.by_code[line.code].label,
            date=line.day,
            score=line.score,
            activity=activity,
            phase=default_phase(line.code, activity, self.catalogue),
            selected=line.selected,
            evidence=evidence,
            warnings=[*line.warnings, *line.activity_warnings.get(activity, [])],
        )


# « X … avec Y »: Y written as a part of X, within X's clause.
_WITH = re.compile(r"\bavec\b", re.IGNORECASE)
_CLAUSE_BREAK = re.compile(r"[.;:\n]")


def _other_days(day: date | None, other_day: date | None) -> bool:
    """Both acts have a written day and the days differ."""
    return day is not None and other_day is not None and day != other_day


def _diagnostic_within(
    code: str, other: str, day: date | None, other_day: date | None, any_access: bool = False
) -> bool:
    """A diagnostic act (CCAM action letter Q) on the organ of a therapeutic act (the first 2 letters), by the
    same access (the 4th letter) or on the same written day (`any_access`: whatever the access)."""
    if code[2] != "Q" or other[2] == "Q" or code[:2] != other[:2]:
        return False
    return any_access or code[3] == other[3] or (day is not None and day == other_day)


def _step_of(code: str, other: str, catalogue: ActCatalogue) -> bool:
    """What a report describes as a step of its therapeutic act (CCAM general rules: an act's access and the
    diagnostic acts that lead to it are included): a diagnostic act on its organ by any access (the CPRE of a
    sphincterotomy), the angiography of an endovascular act (CCAM chapters D and E, the angiography by a
    vascular access F or H, the act by access letter F: the arteriography of an embolisation), the puncture
    that gives a transcutaneous act its access (`_puncture_access`), the endoscopy of an act « avec guidage
    endoscopique » of the same system, the endoscopy that leads to an act further along the urinary or digestive
    tract (`_urinary_route`, `_digestive_route`)."""
    if _diagnostic_within(code, other, None, None, any_access=True):
        return True
    if (
        code[2] == "Q"
        and code[3] in "FH"
        and other[2] != "Q"
        and code[0] in "DE"
        and other[0] in "DE"
        and other[3] == "F"
    ):
        return True  # an angiography by a vascular access (F, H), not an echocardiography or an ECG
    if (
        code[2] == "Q"
        and code[3] == "E"
        and other[2] != "Q"
        and code[0] == other[0]
        and "guidage endoscopique" in catalogue.by_code[other].label.lower()
    ):
        return True  # the endoscopy that guides the act (the FOGD of a percutaneous endoscopic gastrostomy)
    if _urinary_route(code, other, catalogue) or _digestive_route(code, other):
        return True
    return _puncture_access(code, other, catalogue)


def _part_of_a_change(code: str, other: str, catalogue: ActCatalogue) -> bool:
    """The removal (CCAM action letter G) or the placement (L) of what `other` changes on the same organ and by
    the same access, or a first replacement (« Remplacement de l'articulation … par prothèse ») beside the
    change of that prosthesis: a « changement » is the removal and the new placement in one act (« changement de
    la sonde JJ : retrait de la JJ incrustée et pose d'une nouvelle sonde » is JCKE002 alone), and the words
    that name the implant it replaces are no first arthroplasty."""
    if code == other or code[:2] != other[:2] or code[3] != other[3]:
        return False
    if not catalogue.by_code[other].label.lower().startswith("changement"):
        return False
    return code[2] in "GL" or catalogue.by_code[code].label.lower().startswith("remplacement")


def _puncture_access(code: str, other: str, catalogue: ActCatalogue) -> bool:
    """The puncture of a drainage (action letters H and J: the collection is punctured to drain it), or of any
    act by a transcutaneous access (4th letter H or J: « ponction d'un calice » of a percutaneous nephrostomy,
    « ponction échoguidée d'un canal biliaire » of a biliary drainage): the puncture is the act's access (CCAM
    general rules: the access of an act is included in it)."""
    if code[2] != "H" or catalogue.by_code[code].features.first != "ponction" or other[2] in "HQ":
        return False
    return other[2] == "J" or other[3] in _TRANSCUTANEOUS


# CCAM 4th character: a transcutaneous access with imaging guidance (H, J). Without guidance (B) a puncture is
# often a sample of its own beside the act (the vitreous tap of an intravitreal injection, BGHB001 + BGLB001).
_TRANSCUTANEOUS = frozenset("HJ")
# CCAM chapter H: the digestive organs a diagnostic endoscope passes through (2nd letter) on its way to those of
# a therapeutic endoscopic act: the rectum (J) to the colon (H), the oesophagus (E) to the stomach and duodenum
# (F, G).
_DIGESTIVE_ROUTES = {"J": frozenset("H"), "E": frozenset("FG")}


def _digestive_route(code: str, other: str) -> bool:
    """The diagnostic endoscopy (« rectosigmoïdoscopie », « FOGD ») of an endoscopic act on a digestive organ
    further along its way (« détorsion d'un volvulus du côlon, par endoscopie », « hémostase … de l'estomac »)
    is its route, no act of its own (CCAM general rules: a diagnostic act is included in the therapeutic act it
    leads to, and the access of an act is included in it)."""
    return (
        code[0] == other[0] == "H"
        and code[2] == "Q"
        and code[3] == other[3] == "E"
        and other[2] != "Q"
        and other[1] in _DIGESTIVE_ROUTES.get(code[1], frozenset())
    )


# CCAM chapter J: kidney, renal pelvis, ureter, bladder, urethra, prostate (2nd letter A to G); the bladder and the
# urethra (D, E) are what an endoscopy passes through on its way up.
_URINARY_TRACT, _LOWER_URINARY_TRACT = frozenset("ABCDEG"), frozenset("DE")


def _urinary_route(code: str, other: str, catalogue: ActCatalogue) -> bool:
    """The urethrocystoscopy (« Cystoscopie : méat repéré ») of an endoscopic act on the urinary tract (« Pose d'une
    endoprothèse urétérale, par endoscopie rétrograde », « …, par urétrocystoscopie ») is its route, no act of its
    own (CCAM general rules: the access of an act is included in it)."""
    return (
        code[0] == other[0] == "J"
        and code[1] in _LOWER_URINARY_TRACT
        and code[2] == "Q"
        and code[3] == "E"
        and other[1] in _URINARY_TRACT
        and other[2] != "Q"
        and "endoscopie" in catalogue.by_code[other].features.approaches
    )


# « … sans rétablissement de la continuité » (a resection left open: Hartmann, colectomy with end stoma) and the
# « cutanée » of a stoma brought out to the skin (`_drop_end_stomas`).
_DISCONTINUITY = frozenset(wording_stems("rétablissement continuité"))
_CUTANEOUS = frozenset(wording_stems("cutanée"))


def _same_report(group: ActGroup, other: ActGroup) -> bool:
    """Both acts read in one operative or interventional report: one procedure (« CPRE … sphinctérotomie »)."""
    reports = {id(m.reading) for m in group.mentions if m.reading.operative and m.anchor.status == "current"}
    return any(id(m.reading) in reports for m in other.mentions if m.anchor.status == "current")


def _evidence_order(mention: Mention) -> tuple[int, int]:
    return (0 if mention.anchor.status == "current" else 1, mention.anchor.start)


def _evidence(mention: Mention) -> Evidence:
    anchor = mention.anchor
    return Evidence(
        doc_id=anchor.doc_id,
        start=anchor.start,
        end=anchor.end,
        text=anchor.text,
        negated=anchor.negated or anchor.status == "negated",
        hypothetical=anchor.hypothetical or anchor.status == "future",
        family=anchor.family,
    )
