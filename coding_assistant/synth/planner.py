"""Choose what a stay contains: scenario, patient, DP (and DR for sessions), DAS, treatments, distractors.

Gold codes obey the ATIH coding rules by construction (CIM-10 FR à usage PMSI, guide méthodologique MCO 2025,
FG sex and age checks): every code is checked against the ATIH type of its position and the patient's sex and
age before it is kept, external causes come only with an injury or a poisoning, and a DR exists only for
session DPs (Z51.1, Z51.0x, Z49.1, Z51.30).

Stays written in the hospital house style (`house=True`) also carry the status and history items of
`status.json` (devices, grafts, stomas, dialysis, dependence, living alone, cured cancers...) with the codes
a coder gives them, metastases written as one coordinated phrase, and tobacco and alcohol worded by code.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal

from coding_assistant.synth import measurements as measure
from coding_assistant.synth.catalogue import CodeCatalogue, matches_any
from coding_assistant.synth.data import SynthData
from coding_assistant.synth.distractors import pick_distractors
from coding_assistant.synth.plan import DrugLine, Mention, Patient, StayPlan
from coding_assistant.synth.surface import SurfaceForms
from coding_assistant.synth.wording import capitalise, elide, fill, french_join, lower_first

FIRST_DAY = date(2023, 1, 1)
DAYS_SPAN = 3 * 365
# A dose that already says how often it is taken ("1 g x3/j", "2 bouffées si besoin", "1 mg/semaine").
_SAYS_HOW_OFTEN = re.compile(r"x\d|/j|/sem|/3 mois|/semaine|si besoin|selon|avant chaque|inhalation|bouffée")
# Poisonings and injuries that call for an external cause; complications of care (T80-T88) do not.
INJURY_NEEDING_CAUSE = ("S00-S99", "T00-T79")


@dataclass
class Context:
    data: SynthData
    catalogue: CodeCatalogue
    surface: SurfaceForms
    # code -> its exclusive group (rules.json), filled as codes are met: the same few hundred codes are asked
    # about for every stay.
    groups: dict[str, str] = field(default_factory=dict)


def _weighted(rng: random.Random, items: list[Any], weight_of: Any) -> Any:
    return rng.choices(items, weights=[weight_of(i) for i in items])[0]


class StayPlanner:
    """Builds the StayPlan of one stay from its own random generator."""

    def __init__(self, ctx: Context, rng: random.Random, index: int, house: bool = False) -> None:
        self.ctx = ctx
        self.data = ctx.data
        self.cat = ctx.catalogue
        self.rng = rng
        self.index = index
        self.house = house

    # --- entry point ---------------------------------------------------------------------------
    def plan(self) -> StayPlan:
        rng = self.rng
        # Ambulatory scenarios are written only in the hospital style (short letters of day units).
        scenarios = [s for s in self.data.scenarios if self.house or s.get("style") != "hospital"]
        scenario = _weighted(rng, scenarios, lambda s: s["weight"])
        patient = self._patient(scenario)
        self.plan_ = StayPlan(self.index, scenario, patient)
        self._used_groups: set[str] = set()
        self.plan_.facts = self._facts(scenario, patient)
        self.plan_.facts["house"] = self.house
        self.plan_.facts["short"] = self.house and scenario["kind"] in ("seance", "ambu")
        self._principal(scenario)
        self._related(scenario)
        self._delivery_codes(scenario)
        self._complications(scenario)
        self._uncomplicated_delivery_rule()
        self._comorbidities(scenario)
        self._long_tail(scenario)
        if self.house:
            self._status(scenario)
            self._metastases()
            self._house_wordings()
        self._external_cause(scenario)
        self._drugs(scenario)
        self._implied_codes()
        gold = [m.code for m in self.plan_.mentions]
        # A letter never denies a condition of the same group as one it codes (no "pas d'IRA" in a CKD stay).
        for group in self.data.rules["exclusive_groups"]:
            if any(code.startswith(tuple(group)) for code in gold):
                gold += [f"{prefix}~" for prefix in group]
        count = rng.choices([0, 1, 2, 3, 4], weights=[15, 30, 30, 15, 10])[0]
        if self.plan_.facts["short"]:
            count = min(count, 1)  # a letter of a few lines has room for one at most
        self.plan_.distractors = pick_distractors(
            rng, self.data.distractors, scenario["specialty"], gold, count, patient.admission.year
        )
        if self.plan_.facts["short"]:
            # A few lines about a session or a day surgery hold a normal result or a ruled-out diagnosis,
            # not a family history.
            self.plan_.distractors = [d for d in self.plan_.distractors if d.kind in ("normal", "negated")]
        return self.plan_

    # --- patient -------------------------------------------------------------------------------
    def _patient(self, scenario: dict[str, Any]) -> Patient:
        rng, style = self.rng, self.data.style
        sex: Literal["M", "F"] = scenario.get("sex") or ("M" if rng.random() < scenario.get("male_share", 0.5) else "F")
        low, high = scenario["age"]
        age = rng.randint(low, high)
        los_low, los_high = scenario["los"]
        # Most stays are short, a few are long: a triangular law with its mode near the short end.
        los = (
            los_low
            if los_high == los_low
            else round(rng.triangular(los_low, los_high, los_low + (los_high - los_low) / 4))
        )
        admission = FIRST_DAY + timedelta(days=rng.randrange(DAYS_SPAN))
        first_names = style["first_names_m"] if sex == "M" else style["first_names_f"]
        return Patient(
            sex=sex,
            age=age,
            admission=admission,
            discharge=admission + timedelta(days=los),
            surname=rng.choice(style["surnames"]),
            first_name=rng.choice(first_names),
            hospital=rng.choice(style["hospitals"]),
            service=rng.choice(scenario["services"]),
            doctor=rng.choice(style["surnames"]),
            doctor2=rng.choice(style["surnames"]),
            gp=rng.choice(style["surnames"]),
        )

    def _facts(self, scenario: dict[str, Any], patient: Patient) -> dict[str, Any]:
        rng, frames = self.rng, self.data.frames
        facts: dict[str, Any] = dict(frames["pronouns"][patient.sex])
        year = patient.admission.year
        facts.update(
            age=patient.age,
            dur=rng.choice(frames["durations"]),
            n=rng.randint(2, 9),
            side=rng.choice(frames["sides"]),
            year=year - rng.randint(2, 25),
            pa=rng.choice([10, 15, 20, 25, 30, 40, 50]),
            t1=f"{rng.randint(5, 11):02d}h{rng.choice(['00', '20', '45'])}",
            t2=f"{rng.randint(12, 18):02d}h00",
            kg=rng.randint(52, 96),
            months=rng.randint(1, 11),
            kg_child=rng.randint(9, 55),
            cycle=rng.randint(1, 12),
            fraction=f"{rng.randint(1, 25)}/25",
            date_rcp="dernière RCP",
            creat_hi=rng.randint(220, 620),
            creat_base=rng.randint(70, 110),
            nephro_cause=rng.choice(self.data.oncology["nephro_causes"]),
            fevg_text=f"FEVG conservée à {rng.randint(55, 68)} %",
            term_normal=measure.term_text(rng, self.data.measurements["term"], rng.randint(38, 41), rng.randint(0, 6)),
            bw_normal=rng.randint(2750, 4100),
            ces_type="",
        )
        facts["sexe_nn"] = rng.choice(frames["neonatal"]["sex"][patient.sex])
        # Obstetric stories name the term; a stay whose DP is not decided by the term still has one.
        facts["term"] = facts["term_normal"]
        house = self.data.hospital
        feminine = patient.sex == "F"
        facts.update(
            side_f="droite" if facts["side"] == "droit" else "gauche",
            ne="ne" if feminine else "",
            Patient=house["patient"][patient.sex],
            spouse=rng.choice(house["spouse"][patient.sex]),
            Veuf=house["veuf"][patient.sex],
            Porteur=house["porteur"][patient.sex],
            cig=rng.choice([5, 10, 15, 20, 30]),
            glasses=rng.randint(4, 12),
        )
        return facts

    # --- coding helpers ------------------------------------------------------------------------
    def _group(self, code: str) -> str:
        cached = self.ctx.groups.get(code)
        if cached is not None:
            return cached
        found = code[:3]
        for group in self.data.rules["exclusive_groups"]:
            if code.startswith(tuple(group)):
                found = group[0]
                break
        self.ctx.groups[code] = found
        return found

    def _free(self, code: str) -> bool:
        return self._group(code) not in self._used_groups and all(m.code != code for m in self.plan_.mentions)

    def _fits(self, code: str, role: str) -> bool:
        p = self.plan_.patient
        return self.cat.eligible(code, role, p.sex, p.age)

    def _add(self, mention: Mention, check_group: bool = True) -> bool:
        if not self._fits(mention.code, mention.role):
            return False
        if check_group and not self._free(mention.code):
            return False
        self._used_groups.add(self._group(mention.code))
        self.plan_.mentions.append(mention)
        return True

    def _word(self, code: str, forms: list[str] | tuple[str, ...] = ()) -> str:
        forms = [fill(f, self.plan_.facts) for f in forms]
        return self.ctx.surface.pick(self.rng, code, forms)

    def _draw_family(self, tokens: list[str], role: str) -> str | None:
        pool = self.cat.family(tuple(tokens), role)
        p = self.plan_.patient
        for _ in range(30):
            if not pool:
                return None
            code = self.rng.choice(pool)
            if self.cat.fits_patient(code, p.sex, p.age) and self._free(code):
                return code
        return None

    # --- DP and DR -----------------------------------------------------------------------------
    def _principal(self, scenario: dict[str, Any]) -> None:
        rng, spec = self.rng, scenario["dp"]
        m_spec = self.data.measurements
        kind = spec.get("measure")
        if kind == "fevg":
            self._add(
                self._fevg_mention(
                    rng.choices(sorted(spec["bases"]), [spec["bases"][b] for b in sorted(spec["bases"])])[0], "DP", "dp"
                )
            )
            return
        if kind == "infarct_delay":
            bases = sorted(spec["bases"])
            base = rng.choices(bases, weights=[spec["bases"][b] for b in bases])[0]
            measured = measure.infarct(rng, m_spec["infarct_delay"], base)
            text = rng.choice(m_spec["infarct_delay"]["forms"][base])
            self._add(Mention(measured.code, "DP", "dp", text, measured))
            self.plan_.facts["dp_measure"] = measured.text
            return
        if kind in ("term_delivery", "term_preterm", "term_newborn"):
            self._term_principal(kind)
            return
        code, forms = None, []
        if "codes" in spec and not ("family" in spec and rng.random() < spec.get("family_share", 0.0)):
            for _ in range(10):
                code, _, forms = _weighted(rng, spec["codes"], lambda c: c[1])
                if self._fits(code, "DP"):
                    break
            else:
                code = None
        if code is None and "family" in spec:
            code, forms = self._draw_family(spec["family"], "DP"), []
        if code is None:  # a patient no code of the family fits: fall back on the first listed code that fits
            code, forms = next(((c, f) for c, _, f in spec.get("codes", []) if self._fits(c, "DP")), ("R53+0", []))
        self._add(Mention(code, "DP", "dp", self._word(code, forms)))
        if scenario.get("insulin"):
            self.plan_.facts["insulin_dp"] = True
            # Only E11.x0 takes its FR digit from the insulin treatment; E10 is insulin-treated by definition.
            self.plan_.facts["insulin_dp_e11"] = code.startswith("E11") and code.endswith("0")

    def _term_principal(self, kind: str) -> None:
        rng, m_spec, frames = self.rng, self.data.measurements, self.data.frames
        term_spec = m_spec["term"]
        if kind == "term_delivery":
            measured = measure.delivery_term(rng, term_spec)
        elif kind == "term_preterm":
            measured, detail = measure.preterm_labour(rng, term_spec, frames["preterm"])
            measured = measure.Measured(measured.code, f"{measured.text}, {detail}", measured.kind, measured.value)
        else:
            measured = measure.newborn_term(rng, term_spec)
        self.plan_.facts["term"] = measured.text
        self.plan_.facts["dp_measure"] = measured.text
        text = rng.choice(term_spec["forms"][measured.code])
        self._add(Mention(measured.code, "DP", "dp", text, measured))
        if kind == "term_newborn":
            grams, weight = measure.birth_weight(rng, m_spec["birth_weight"], measured.value)
            self.plan_.facts["bw"] = grams
            self.plan_.facts["bw_text"] = weight.text if weight else f"poids de naissance {grams} g"
            if weight is not None:
                # P07.0/P07.1 (weight) and P07.2/P07.3 (term) share a category and are coded together.
                self._add(
                    Mention(
                        weight.code,
                        "DAS",
                        "acute",
                        rng.choice(term_spec["birth_forms"][weight.code]),
                        weight,
                        care="alimentation enrichie et suivi de la croissance",
                    ),
                    check_group=False,
                )

    def _fevg_mention(self, base: str, role: str, place: str) -> Mention:
        rng, spec = self.rng, self.data.measurements["fevg"]
        text = rng.choice(spec["bases"][base])
        if rng.random() < spec["unknown_share"]:
            # No echocardiography in the stay: the FR 5th character says "FEVG non précisée".
            return Mention(base + spec["unknown_suffix"], role, place, text)
        measured = measure.fevg(rng, spec, base)
        self.plan_.facts["fevg_text"] = measured.text
        self.plan_.facts["dp_measure" if role == "DP" else "fevg_text"] = measured.text
        return Mention(measured.code, role, place, text, measured)

    def _related(self, scenario: dict[str, Any]) -> None:
        rng, onco = self.rng, self.data.oncology
        kind = scenario.get("dr")
        if kind is None:
            return
        if kind == "ckd5":
            mention = Mention("N185", "DR", "dr", self._word("N185", onco["ckd5_forms"]))
            if self._add(mention):
                self.plan_.facts["dr"] = mention.text
                self.plan_.facts["de_dr"] = elide("de", lower_first(mention.text or ""))
            return
        if isinstance(kind, dict):  # the scenario lists its own DRs (transfusion: the disease transfused)
            for _ in range(10):
                code, _, forms = _weighted(rng, kind["codes"], lambda c: c[1])
                mention = Mention(code, "DR", "dr", self._word(code, forms))
                if self._add(mention):
                    self.plan_.facts["dr"] = mention.text
                    self.plan_.facts["de_dr"] = elide("de", lower_first(mention.text or ""))
                    return
            return
        p = self.plan_.patient
        for attempt in range(10):
            code, forms, protocols = None, [], onco["generic_protocols"]
            if attempt == 0 and rng.random() < onco["family_share"]:
                code = self._draw_family(onco["family"], "DR")
            if code is None:
                tumours = [t for t in onco["tumours"] if t.get("sex") in (None, p.sex)]
                tumour = _weighted(rng, tumours, lambda t: t["w"])
                code, forms, protocols = tumour["code"], tumour["forms"], tumour["protocols"]
            mention = Mention(code, "DR", "dr", self._word(code, forms))
            if self._add(mention):
                self.plan_.facts["dr"] = mention.text
                self.plan_.facts["de_dr"] = elide("de", lower_first(mention.text or ""))
                self.plan_.facts["protocol"] = rng.choice(protocols)
                return

    def _delivery_codes(self, scenario: dict[str, Any]) -> None:
        rng = self.rng
        dp = self.plan_.dp
        if scenario["dp"].get("measure") == "term_delivery" or scenario.get("delivery_das"):
            self._add(Mention("Z370", "DAS", "delivery", None), check_group=False)
        if scenario.get("delivery_das") == "cesarean":
            code = "O821" if dp.code in ("O680", "O620") or rng.random() < 0.3 else "O820"
            self.plan_.facts["ces_type"] = rng.choice(self.data.frames["cesarean"][code])
            self._add(Mention(code, "DAS", "delivery", None), check_group=False)

    def _uncomplicated_delivery_rule(self) -> None:
        """O80 means a delivery without any other obstetric code: when a complication of the delivery
        is coded, the complication becomes the DP (CIM-10 rule for chapter XV)."""
        dp = self.plan_.dp
        if not dp.code.startswith("O80"):
            return
        complication = next((m for m in self.plan_.das if m.code.startswith("O") and self._fits(m.code, "DP")), None)
        if complication is None:
            return
        self.plan_.mentions.remove(dp)
        complication.role = "DP"
        # The delivery itself is still told in the letter; its term stays written in the story.
        self.plan_.mentions.insert(0, self.plan_.mentions.pop(self.plan_.mentions.index(complication)))
        self.plan_.facts["delivery_text"] = dp.text

    # --- DAS -----------------------------------------------------------------------------------
    def _entry(self, key: str) -> dict[str, Any] | None:
        for group in ("acute", "chronic"):
            for entry in self.data.comorbidities[group]:
                if entry["key"] == key:
                    return {**entry, "group": group}
        return None

    def _complications(self, scenario: dict[str, Any]) -> None:
        rng = self.rng
        for item in scenario.get("complications", []):
            key, probability = item[0], item[1]
            if rng.random() >= probability:
                continue
            if key == "aphasia":
                measured = measure.aphasia(rng, self.data.measurements["aphasia"])
                self._add(Mention(measured.code, "DAS", "acute", None, measured, care="rééducation orthophonique"))
                continue
            entry = self._entry(key)
            if entry is not None:
                self._condition(entry, "acute")
                continue
            forms = item[2] if len(item) > 2 else []
            care = rng.choice(self.data.frames["evolution"]["generic_care"])
            self._add(Mention(key, "DAS", "acute", self._word(key, forms), care=care))

    def _comorbidities(self, scenario: dict[str, Any]) -> None:
        rng, p = self.rng, self.plan_.patient
        low, high = scenario["comorbid"]["n"]
        count = rng.randint(low, high)
        if high > 0 and p.age >= 75 and rng.random() < 0.5:
            count += 1
        boost = set(scenario["comorbid"]["boost"])
        # A symptom stay never carries the disease that would explain its symptom (no heart failure in a
        # stay coded "dyspnée sans cause retrouvée").
        excluded = set(scenario["comorbid"].get("exclude", ()))
        pool = [
            e
            for e in self.data.comorbidities["chronic"]
            if e["weight"] > 0
            and p.age >= e.get("age_min", 0)
            and e.get("sex") in (None, p.sex)
            and e["key"] not in excluded
        ]
        for _ in range(count):
            if not pool:
                break
            entry = _weighted(rng, pool, lambda e: e["weight"] * (4 if e["key"] in boost else 1))
            pool.remove(entry)
            self._condition({**entry, "group": "chronic"}, "chronic")

    def _condition(self, entry: dict[str, Any], place: str) -> None:
        """A comorbidity or complication: a listed code with its wordings, or a measured one."""
        rng, m_spec = self.rng, self.data.measurements
        care = rng.choice(entry["care"]) if entry.get("care") else ""
        drugs = tuple(entry.get("drugs", ()))
        kind = entry.get("measure")
        if kind is None:
            code = _weighted(rng, entry["codes"], lambda c: c[1])[0]
            forms = entry.get("forms", [])
            self._add(Mention(code, "DAS", place, self._word(code, forms), care=care, drug_classes=drugs))
            return
        if kind == "fevg":
            mention = self._fevg_mention("I500", "DAS", place)
            mention.care, mention.drug_classes = care, drugs
            self._add(mention)
            return
        if kind == "diabetes":
            self._diabetes(care)
            return
        if kind == "dfg":
            measured = measure.dfg(rng, m_spec["dfg"])
            text = None
            if rng.random() < 0.6:
                text = rng.choice(m_spec["dfg"]["forms"])
                if rng.random() < 0.5:
                    text = f"{text} {rng.choice(m_spec['dfg']['stage_words'][measured.code])}"
            if self._add(Mention(measured.code, "DAS", place, text, measured, care=care, drug_classes=drugs)):
                self.plan_.measured_tests["dfg"] = measured.text
            return
        if kind == "imc":
            measured = measure.imc(rng, m_spec["imc"])
            text = rng.choice(m_spec["imc"]["forms"]) if rng.random() < 0.5 else None
            self._add(Mention(measured.code, "DAS", place, text, measured, care=care, drug_classes=drugs))
            return
        if kind == "denutrition":
            measured = measure.denutrition(rng, m_spec["denutrition"])
            text = rng.choice(m_spec["denutrition"]["forms"][measured.code])
            self._add(Mention(measured.code, "DAS", place, text, measured, care=care, drug_classes=drugs))
            return
        if kind in ("kaliemie", "natremie"):
            severe = rng.random() < 0.6
            draw = measure.kaliemie if kind == "kaliemie" else measure.natremie
            measured = draw(rng, m_spec[kind], severe)
            # Above 6.5 mmol/L (below 120 for sodium) the value alone decides the FR code; milder values
            # need the word, as a coder would not code a borderline value the physician did not name.
            text = None if severe and rng.random() < 0.5 else rng.choice(m_spec[kind]["forms"])
            if self._add(Mention(measured.code, "DAS", place, text, measured, care=care, drug_classes=drugs)):
                self.plan_.measured_tests["k" if kind == "kaliemie" else "na"] = measured.text

    def _diabetes(self, care: str) -> None:
        rng, spec = self.rng, self.data.measurements["diabetes"]
        axis, _, phrases = _weighted(rng, spec["complications"], lambda c: c[1])
        insulin = rng.random() < spec["insulin_share"]
        code = f"E11{axis}{spec['insulin_suffix'] if insulin else spec['no_insulin_suffix']}"
        phrase = rng.choice(phrases)
        text = f"{rng.choice(spec['forms'])} {phrase}".strip()
        if not insulin and rng.random() < 0.5:
            text = f"{text} {rng.choice(spec['oral_only_texts'])}"
        drugs = ("insuline", "antidiabetique_oral") if insulin else ("antidiabetique_oral",)
        mention = Mention(code, "DAS", "chronic", text, care=care, drug_classes=drugs)
        if self._add(mention) and insulin:
            self.plan_.facts["insulin_code"] = code

    def _long_tail(self, scenario: dict[str, Any]) -> None:
        rng = self.rng
        spec = scenario.get("long_tail", {})
        families = spec.get("families", [])
        low, high = spec.get("n", [0, 0])
        count = rng.randint(low, high)
        # Besides the scenario's own families, a share of the long tail comes from anywhere in the table,
        # as real stays carry unrelated chronic problems.
        everywhere = ["A00-N99"]
        for _ in range(count):
            tokens = families if families and rng.random() < 0.6 else everywhere
            code = self._draw_family(tokens, "DAS")
            if code is None:
                continue
            place = "long_tail" if rng.random() < 0.6 else "acute"
            care = rng.choice(self.data.frames["evolution"]["generic_care"])
            self._add(Mention(code, "DAS", place, self._word(code), care=care))

    def _external_cause(self, scenario: dict[str, Any]) -> None:
        rng, causes = self.rng, self.data.external_causes
        injuries = [m for m in self.plan_.mentions if matches_any(m.code, INJURY_NEEDING_CAUSE)]
        if not injuries:
            return
        dp = self.plan_.dp
        if scenario.get("external_cause") == "selfpoison" or dp.code.startswith("T"):
            code, phrases = causes["selfpoison"].get(dp.code, causes["selfpoison"]["default"])
        else:
            group = "chute" if scenario.get("external_cause") == "chute" or self.plan_.patient.age >= 70 else "accident"
            code, phrases = rng.choice(causes[group])
        phrase = rng.choice(phrases)
        self.plan_.facts["cause"] = phrase
        self._add(Mention(code, "DAS", "external", phrase), check_group=False)

    # --- status and history (hospital style) ----------------------------------------------------
    def _has(self, code: str) -> bool:
        return any(m.code == code for m in self.plan_.mentions)

    def _status_free(self, code: str) -> bool:
        """Status codes may share a category (stent Z95.5 and pacemaker Z95.0, Z92.1 and Z92.6); only the
        exclusive groups of rules.json (one CKD stage, one tobacco code) still apply."""
        if self._group(code) != code[:3]:
            return self._free(code)
        return not self._has(code)

    def _add_codes(
        self, codes: list[str], text: str | None, place: str, section: str = "", drugs: tuple[str, ...] = ()
    ) -> bool:
        """One wording that carries several codes: the first mention holds it, the others are joined to it.
        `text` is None when other words of the letter show the code (a drug line, 'stentée')."""
        if not codes or not all(self._fits(c, "DAS") and self._status_free(c) for c in codes):
            return False
        for i, code in enumerate(codes):
            mention = Mention(
                code, "DAS", place, text, section=section, joined=i > 0, drug_classes=drugs if i == 0 else ()
            )
            self._add(mention, check_group=False)
        return True

    def _status_values(self) -> dict[str, Any]:
        # Each history item gets its own year: a list of antecedents all dated the same year reads false.
        year = self.plan_.patient.admission.year
        return {**self.plan_.facts, "year": year - self.rng.randint(1, 30), "n": self.rng.randint(2, 15)}

    def _status(self, scenario: dict[str, Any]) -> None:
        """Antecedents and situations that a coder codes as DAS (status.json states the rule)."""
        spec, rng, p = self.data.status, self.rng, self.plan_.patient
        if p.age < 18:
            return
        band = "under_50" if p.age < 50 else "50_to_74" if p.age < 75 else "75_and_over"
        counts = spec["count_weights"][band]
        count = rng.choices([c for c, _ in counts], weights=[w for _, w in counts])[0]
        if self.plan_.facts["short"]:
            count = min(count, spec["short_letter_max"])
        gold = tuple(m.code for m in self.plan_.mentions)
        cancer = any(code.startswith(tuple(spec["blocked_when_cancer"])) for code in gold)
        pool = [
            e
            for e in spec["entries"]
            if p.age >= e.get("age_min", 0)
            and e.get("sex") in (None, p.sex)
            and not any(code.startswith(tuple(e.get("not_with", ()))) for code in gold)
            and not (cancer and e.get("kind") == "cancer")
        ]
        specialty = scenario["specialty"]

        def weight(entry: dict[str, Any]) -> float:
            boost = 3 if specialty in entry.get("boost", ()) else 1
            old = entry.get("weight_75_and_over", 1) if p.age >= 75 else 1
            return float(entry["weight"] * boost * old)

        for _ in range(count):
            if not pool:
                break
            entry = _weighted(rng, pool, weight)
            pool.remove(entry)
            if entry.get("kind") == "cancer":
                self._cancer_history(entry)
                continue
            text = fill(rng.choice(entry["forms"]), self._status_values())
            self._add_codes(list(entry["codes"]), text, "status", entry["section"], tuple(entry.get("drugs", ())))

    def _cancer_history(self, entry: dict[str, Any]) -> None:
        """A cured cancer: Z85.x for the site, Z92.6 / Z92.3 for its chemotherapy / radiotherapy, and the
        organ's absence when its surgery removed one the rule codes (ATIH Guide méthodologique MCO: a cancer
        no longer treated nor monitored for activity is coded as a personal history)."""
        rng, p = self.rng, self.plan_.patient
        sites = [s for s in entry["sites"] if s.get("sex") in (None, p.sex)]
        if not sites:
            return
        site = rng.choice(sites)
        values = self._status_values()
        name, gender = rng.choice(site["names"])
        name = fill(name, values)
        codes = [site["code"]]
        words = []
        if site["surgeries"] and rng.random() < 0.8:
            surgery, code = rng.choice(site["surgeries"])
            words.append(surgery)
            if code:
                codes.append(code)
        for word, code, share in entry["treatments"]:
            if rng.random() < share:
                words.append(word)
                codes.append(code)
        feminine = gender == "f"
        text = fill(
            rng.choice(entry["forms"]),
            {
                **values,
                "site": capitalise(name),
                "de_site": elide("de", name),
                "e_site": "e" if feminine else "",
                "treatments": french_join(words or ["chirurgie"]),
            },
        )
        self._add_codes(codes, text, "status", entry["section"])

    def _metastases(self) -> None:
        """Secondary tumours of a solid primary, written as one coordinated phrase ("métastases hépatiques et
        osseuses"): each site is its own DAS (C77-C79), all evidenced by the same words."""
        spec, rng, plan = self.data.oncology["metastases"], self.rng, self.plan_
        dr = plan.dr
        primary = (
            dr if dr is not None and dr.code.startswith("C") else plan.dp if plan.dp.code.startswith("C") else None
        )
        if primary is None or matches_any(primary.code, spec["primary_excluded"]):
            return
        if any(m.code[:3] in ("C77", "C78", "C79") for m in plan.mentions):
            return  # the scenario already coded its own metastases
        forced = "métastatique" in (primary.text or "")
        if not forced and rng.random() >= spec["share"]:
            return
        counts = spec["count_weights"]
        count = rng.choices([c for c, _ in counts], weights=[w for _, w in counts])[0]
        pool = [
            site
            for site in spec["sites"]
            if not primary.code.startswith(tuple(site["not_with"])) and self._fits(site["code"], "DAS")
        ]
        chosen: list[dict[str, Any]] = []
        while pool and len(chosen) < count:
            site = _weighted(rng, pool, lambda s: s["w"])
            pool.remove(site)
            chosen.append(site)
        if not chosen:
            return
        adjs = french_join([site["adj"] for site in chosen])
        mets = fill(rng.choice(spec["standalone"]), {"adjs": adjs})
        templates = [t for t in spec["with_primary"] if not (forced and "métastatique" in t)]
        if forced:
            templates = ["{primary} ({nouns})"]
        full = fill(
            rng.choice(templates),
            {"primary": primary.text or "", "mets": mets, "nouns": ", ".join(site["noun"] for site in chosen)},
        )
        if self._add_codes([site["code"] for site in chosen], mets, "metastasis"):
            plan.facts["primary_full"] = full
            plan.facts["primary_role"] = primary.role
            if primary.role == "DR":
                plan.facts["dr"] = full
                plan.facts["de_dr"] = elide("de", lower_first(full))

    def _house_wordings(self) -> None:
        """Tobacco and alcohol worded as the code they carry (an active, counted habit is F17.2, an
        occasional one Z72.0; an alcohol dependence active F10.24 or abstinent F10.20), in the Mode de vie."""
        spec, rng = self.data.status, self.rng
        for mention in self.plan_.mentions:
            if mention.role != "DAS" or mention.place != "chronic":
                continue
            forms = spec["tobacco"].get(mention.code) or spec["alcohol"].get(mention.code)
            if forms:
                mention.text = fill(rng.choice(forms), self._status_values())
                mention.section = "mode_de_vie"

    def _implied_codes(self) -> None:
        """Status codes that other words of the letter imply, in both styles: a coronary disease written
        'stentée' has a stent (Z95.5); an anticoagulant in the entry treatment is a long-term
        anticoagulation (Z92.1, ATIH Guide méthodologique MCO: situations that weigh on the stay's care)."""
        spec, plan = self.data.status, self.plan_
        for rule in spec["implied"]:
            if any(m.text and rule["contains"] in m.text.lower() for m in plan.mentions):
                self._add_codes([rule["code"]], None, "status")
        if any(line.drug_class in spec["anticoagulant_classes"] for line in plan.drugs_in):
            self._add_codes([spec["anticoagulant_code"]], None, "status")

    # --- treatments ----------------------------------------------------------------------------
    def _drug_line(self, drug_class: str) -> DrugLine:
        rng, drugs = self.rng, self.data.drugs
        drug = rng.choice(drugs["classes"][drug_class])
        # Hospital prescriptions lead with the brand, often in capitals, with a short posology ("1-0-1").
        lines, posologies = (
            (self.data.hospital["drug_lines"], self.data.hospital["posologies"])
            if self.house
            else (self.data.frames["drugs"]["line"], drugs["posologies"])
        )
        dose = rng.choice(drug["doses"])
        posology = rng.choice(posologies)
        if self.house and _SAYS_HOW_OFTEN.search(dose):
            posology = ""  # "4 g x3/j IV" already says how often
        values = {
            "brand": drug["brand"],
            "Brand": drug["brand"],
            "BRAND": drug["brand"].upper(),
            "generic": drug["generic"],
            "Generic": capitalise(drug["generic"]),
            "dose": dose,
            "posology": posology,
        }
        text = fill(rng.choice(lines), values).rstrip(" :,-")
        return DrugLine(drug_class, text, drug["brand"], drug["generic"])

    def _drugs(self, scenario: dict[str, Any]) -> None:
        rng, plan = self.rng, self.plan_
        if plan.patient.age == 0:
            return
        classes: list[str] = []
        for mention in plan.mentions:
            for drug_class in mention.drug_classes:
                if drug_class not in classes:
                    classes.append(drug_class)
        # Hypnotics and proton-pump inhibitors "au long cours" are an adult's background, not a child's.
        if plan.patient.age >= 16:
            background = [c for c in self.data.drugs["background_classes"] if c not in classes]
            classes += rng.sample(background, k=rng.randint(0, min(2, len(background))))
        # Insulin is the measurement that splits E11.x0 from E11.x8: it is written only for insulin-treated
        # patients, and its line is the evidence the tests look for.
        plan.drugs_in = [self._drug_line(c) for c in classes]
        out_classes = [c for c in scenario.get("drugs_out", []) if c not in classes]
        if not plan.facts.get("insulin_code") and not plan.facts.get("insulin_dp"):
            out_classes = [c for c in out_classes if c != "insuline"]
        plan.drugs_out = [*plan.drugs_in, *(self._drug_line(c) for c in out_classes)]
        if plan.facts.get("insulin_dp_e11"):
            insulin = next(line for line in plan.drugs_out if line.drug_class == "insuline")
            plan.dp.measure = measure.Measured(plan.dp.code, insulin.text, "insulin")
        insulin_code = plan.facts.get("insulin_code")
        if insulin_code:
            insulin = next(line for line in plan.drugs_in if line.drug_class == "insuline")
            for mention in plan.mentions:
                if mention.code == insulin_code:
                    mention.measure = measure.Measured(insulin_code, insulin.text, "insulin")
