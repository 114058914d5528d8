"""Letters in the hospital house style: the way clinicians type discharge letters in French hospitals.

Headings and their variants (sometimes in markdown bold, as some software exports them), antecedents as a
telegraphic list with sub-headings, form labels ("Tabac :", "Allergies :"), the mode de vie, brand-name
prescriptions with doses, lab values with units one per line, the évolution problem by problem, a list of
discharge diagnoses; and short letters of 3 to 6 lines for day-hospital sessions and ambulatory stays.
Everything a letter says comes from `data/hospital.json`, the scenarios and the plan.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from coding_assistant.schema import Document
from coding_assistant.synth.data import SynthData
from coding_assistant.synth.letters import MAX_WORDS, MIN_WORDS, SECTION_OF_MEASURE, LetterComposer, _story, word_count
from coding_assistant.synth.plan import DrugLine, Mention, StayPlan
from coding_assistant.synth.wording import capitalise, elide, fill, french_number, lower_first
from coding_assistant.synth.writer import Style, biology_items, condition_values, french_date, header

# The organ whose normal finding would contradict the scenario's own findings ("Abdomen : souple" in an
# appendicitis): that organ is described by the scenario, not by a normal line.
ORGAN_OF_SPECIALTY = {"cardio": "Cardio", "pneumo": "Pulmonaire", "digestif": "Abdomen", "neuro": "Neuro"}
SECTION_KEYS = (
    "motif",
    "mode_de_vie",
    "traitement_entree",
    "histoire",
    "examen",
    "examens_complementaires",
    "evolution",
    "conclusion",
    "traitement_sortie",
    "suivi",
)
SHORT_MAX_LINES = 6


class HouseStyle(Style):
    """How one hospital-style letter is laid out: heading format, section order, list markers."""

    def __init__(self, rng: random.Random, data: SynthData) -> None:
        super().__init__(rng, data)
        house = data.hospital
        self.house = house
        self.telegraphic = rng.random() < 0.75
        self.abbreviate = self.telegraphic and rng.random() < 0.4
        bold = rng.random() < house["bold_share"]
        self.title_format = rng.choice(house["bold_formats"] if bold else house["title_formats"])
        self.order = rng.choice(house["orders"])
        self.layout = rng.choice(house["antecedent_layouts"])
        self.bullet = rng.choice(["- ", "- ", "• ", "-"])
        self.inline_titles = rng.random() < 0.5

    def title(self, key: str) -> str:
        text = self.rng.choice(self.house["titles"][key])
        return self.title_format.replace("{t}", text).replace("{T}", text.upper())

    def sub(self, key: str) -> str:
        """A sub-heading inside a section ("Médicaux", "Biologie"), always plain."""
        return str(self.rng.choice(self.house["titles"][key]))

    def items(self, lines: list[str]) -> str:
        return "\n".join(self.bullet + line for line in lines)

    def section(self, key: str, body: str) -> str:
        title = self.title(key)
        # "Motif d'hospitalisation : douleur thoracique" on one line, as often as under its heading.
        if self.inline_titles and "\n" not in body and title.rstrip("*").endswith(":") and len(body) < 160:
            return f"{title} {body}"
        return f"{title}\n{body}"


class HospitalComposer(LetterComposer):
    """The documents of a stay written in the hospital house style."""

    def __init__(self, plan: StayPlan, data: SynthData, rng: random.Random) -> None:
        super().__init__(plan, data, rng)
        self.house = data.hospital
        facts = plan.facts
        if plan.dr is not None:
            # The DR as the plan last worded it: with its metastases when it has some.
            self.values["dr"] = facts.get("dr") or plan.dr.text
        primary_is_dp = facts.get("primary_role") == "DP"
        self.dp_full: str = facts["primary_full"] if primary_is_dp else (plan.dp.text or "")
        self.drug_of_class: dict[str, DrugLine] = {line.drug_class: line for line in plan.drugs_in}
        self.anticoagulants = set(data.status["anticoagulant_classes"])
        self.institution = False

    # --- the stay's documents -------------------------------------------------------------------
    def documents(self) -> list[Document]:
        plan = self.plan
        stay_id = f"SYN-{plan.index:06d}"
        if plan.facts.get("short"):
            seance = self.scenario["kind"] == "seance"
            return [
                Document(
                    doc_id=f"{stay_id}-{'SEANCE' if seance else 'CRH'}",
                    type="CR de séance" if seance else "CRH",
                    text=self.short_letter(),
                )
            ]
        docs = [Document(doc_id=f"{stay_id}-CRH", type="CRH", text=self.house_summary())]
        self._extra_documents(stay_id, docs)
        return docs

    # --- full letter -----------------------------------------------------------------------------
    def house_summary(self) -> str:
        rng, plan, sc = self.rng, self.plan, self.scenario
        style = HouseStyle(rng, self.data)
        v = self.values
        adult = plan.patient.age >= 16
        s: dict[str, list[str]] = {key: [] for key in SECTION_KEYS}
        s["motif"] = [style.say(sc["motifs"], v).rstrip(".")]
        atcd = self._antecedent_lines(style)
        s["mode_de_vie"] = self._lifestyle(style) if adult else []
        s["traitement_entree"] = self._entry_drugs(style)
        s["histoire"] = self._history(style)
        s["examen"] = self._exam(style)
        s["examens_complementaires"] = self._paraclinical(style)
        s["evolution"] = self._evolution(style)
        s["conclusion"] = self._conclusion_lines(style)
        s["traitement_sortie"] = self._discharge_drugs(style)
        s["suivi"] = [style.say(t, v) for t in rng.sample(self.house["follow_up"], k=rng.randint(1, 2))]
        for distractor in plan.distractors:
            target = {
                "atcd_med": None,
                "atcd_fam": None,
                "examen": "examen",
                "paraclinique": "examens_complementaires",
                "evolution": rng.choice(["evolution", "histoire"]),
            }[distractor.section]
            if target is not None:
                s[target].insert(rng.randint(1, max(1, len(s[target]))), distractor.text)
        self._fit_length(style, s, atcd)
        self._place_measurements(s, atcd)
        if self.dp_full and self.dp_full.lower() not in self._text(s, atcd).lower():
            s["evolution"].insert(0, f"{capitalise(self.dp_full)} : {self._care(style, sc['care'])}.")
        parts = [header(style, plan, "crh")]
        for key in style.order:
            if key == "antecedents":
                parts.append(style.section(key, self._render_antecedents(style, atcd)))
                continue
            lines = [line for line in s.get(key, []) if line]
            if not lines:
                continue
            if key == "histoire" and not style.telegraphic:
                body = " ".join(lines)
            elif key == "mode_de_vie":
                body = style.items(lines) if style.telegraphic else ". ".join(line.rstrip(".") for line in lines) + "."
            else:
                body = "\n".join(lines)
            parts.append(style.section(key, body))
        parts.append(
            rng.choice(self.data.style["signatures"]).format(name=plan.patient.doctor, name2=plan.patient.doctor2)
        )
        return "\n\n".join(parts)

    @staticmethod
    def _text(s: dict[str, list[str]], atcd: dict[str, list[str]]) -> str:
        return "\n".join("\n".join(lines) for lines in (*s.values(), *atcd.values()))

    def _fit_length(self, style: Style, s: dict[str, list[str]], atcd: dict[str, list[str]]) -> None:
        total = word_count(self._text(s, atcd))
        fillers = list(self.house["fillers" if self.plan.patient.age >= 16 else "fillers_child"])
        while total < MIN_WORDS + 40 and fillers:
            line = fillers.pop(self.rng.randrange(len(fillers)))
            s["evolution"].append(style.say(line, self.values))
            total += word_count(line)
        # Long letters lose their routine lines (follow-up, normal organs), never a coded problem.
        for key in ("suivi", "examen"):
            while total > MAX_WORDS - 150 and len(s[key]) > 2:
                total -= word_count(s[key].pop(-1))

    def _place_measurements(self, s: dict[str, list[str]], atcd: dict[str, list[str]]) -> None:
        """Every measurement that decides a gold code is in the letter, verbatim."""
        for measured in self.plan.measurements:
            if measured.text in self._text(s, atcd):
                continue
            target = SECTION_OF_MEASURE[measured.kind]
            s[target].append(self.rng.choice(self.frames["paraclinical"]["measured_intro"]) + measured.text + ".")

    # --- antecedents -------------------------------------------------------------------------------
    def _with_drug(self, mention: Mention) -> DrugLine | None:
        # Only classes whose every drug treats the condition ('DT2 sous Glucophage'; never 'Parkinson sous
        # Keppra', the 'neuro' class mixing several diseases).
        named = self.house["atcd"]["drug_classes"]
        return next(
            (self.drug_of_class[c] for c in mention.drug_classes if c in self.drug_of_class and c in named), None
        )

    def _drug_name(self, line: DrugLine) -> str:
        draw = self.rng.random()
        if draw < 0.3:
            return line.brand.upper()
        return line.brand if draw < 0.7 else capitalise(line.generic)

    def _atcd_text(self, style: Style, mention: Mention) -> str:
        """'DT2 sous Glucophage', 'FA sous ELIQUIS', 'HTA (2012)'."""
        text = capitalise(mention.text or "")
        values = {**condition_values(text, self.values)}
        drug = self._with_drug(mention)
        # An anticoagulant is always named beside its indication: it is what a coder reads for Z92.1.
        if drug is not None and (drug.drug_class in self.anticoagulants or self.rng.random() < 0.5):
            return fill(self.rng.choice(self.house["atcd"]["with_drug"]), {**values, "drug": self._drug_name(drug)})
        year = self.plan.patient.admission.year - self.rng.randint(1, 20)
        return style.say(self.house["atcd"]["chronic"], {**values, "year": year})

    def _antecedent_lines(self, style: Style) -> dict[str, list[str]]:
        rng, plan, atcd_data = self.rng, self.plan, self.house["atcd"]
        p = plan.patient
        med: list[str] = []
        chir: list[str] = []
        for m in plan.mentions:
            if m.joined or not m.text or m.section == "mode_de_vie":
                continue
            if m.place == "status":
                (chir if m.section == "atcd_chir" else med).append(m.text)
            elif m.place in ("chronic", "long_tail"):
                med.append(self._atcd_text(style, m))
        rng.shuffle(med)
        values = {**self.values, "year": p.admission.year - rng.randint(3, 40)}
        if p.age >= 16 and rng.random() < 0.3:
            med.append(fill(rng.choice(atcd_data["medical_cured"]), values))
        if p.age >= 16:
            surgical = [*atcd_data["surgical"], *atcd_data[f"surgical_{p.sex.lower()}"]]
            for template in rng.sample(surgical, k=rng.choices([0, 1, 2, 3], weights=[3, 4, 3, 1])[0]):
                chir.append(fill(template, {**values, "year": p.admission.year - rng.randint(2, 45)}))
        fam: list[str] = []
        for d in plan.distractors:
            if d.section == "atcd_med":
                med.insert(rng.randint(0, len(med)), d.text.rstrip("."))
            elif d.section == "atcd_fam":
                fam.append(d.text.rstrip("."))
        return {
            "atcd_med": med or [rng.choice(atcd_data["none_med"])],
            "atcd_chir": chir or [rng.choice(atcd_data["none_chir"])],
            "atcd_fam": fam or [rng.choice(atcd_data["none_fam"])],
            "allergies": [rng.choice(atcd_data["allergies" if p.age >= 16 else "allergies_child"])],
        }

    def _render_antecedents(self, style: HouseStyle, atcd: dict[str, list[str]]) -> str:
        blocks = []
        if style.layout == "inline":
            for key in ("atcd_med", "atcd_chir", "atcd_fam", "allergies"):
                blocks.append(f"{style.sub(key)} : " + " ; ".join(atcd[key]) + ".")
            return "\n".join(blocks)
        if style.layout == "single_list":
            # One list of what the patient has: "Aucun" has no place in it.
            none = {*self.house["atcd"]["none_med"], *self.house["atcd"]["none_chir"]}
            lines = [line for line in (*atcd["atcd_med"], *atcd["atcd_chir"]) if line not in none]
            lines.append(f"{style.sub('atcd_fam')} : " + " ; ".join(atcd["atcd_fam"]))
            lines.append(f"{style.sub('allergies')} : " + " ; ".join(atcd["allergies"]))
            return style.items(lines)
        for key in ("atcd_med", "atcd_chir", "atcd_fam", "allergies"):
            lines = atcd[key]
            if len(lines) == 1 and key in ("atcd_fam", "allergies"):
                blocks.append(f"{style.sub(key)} : {lines[0]}")
            else:
                blocks.append(f"{style.sub(key)} :\n{style.items(lines)}")
        return "\n".join(blocks)

    # --- mode de vie -------------------------------------------------------------------------------
    def _lifestyle(self, style: Style) -> list[str]:
        rng, plan, life = self.rng, self.plan, self.house["lifestyle"]
        p, v = plan.patient, self.values
        own = [m for m in plan.mentions if m.section == "mode_de_vie" and m.text and not m.joined]
        alone = any(m.code.startswith("Z602") for m in plan.mentions)
        dependent = [m for m in own if m.code.startswith("Z74")]
        lines = [m.text for m in own if m.code.startswith("Z60") and m.text]
        if not alone:
            if p.age < 35:
                key = "living_young"
            elif p.age >= 75 and rng.random() < 0.25:
                key, self.institution = "living_institution", True
            else:
                key = "living_couple" if rng.random() < 0.75 else "living_family"
            lines.append(style.say(life[key], v))
        if p.age >= 65 and not self.institution and rng.random() < 0.35:
            lines.append(style.say(life["help"], v))
        lines += [m.text for m in dependent if m.text]
        if dependent and rng.random() < 0.6:
            lines.append(rng.choice(life["dependent_gir"]))
        elif not dependent and p.age >= 70 and rng.random() < 0.7:
            lines.append(style.say(life["autonomy"], v))
        if rng.random() < 0.45:
            lines.append(style.say(life["job_retired" if p.age >= 62 else "job"], v))
        tobacco = next((m.text for m in own if m.code.startswith(("F17", "Z72"))), None)
        if tobacco is None:
            key = "tobacco_former" if rng.random() < 0.3 else "tobacco_none"
            tobacco = style.say(life[key], {**v, "n": rng.randint(2, 30)})
        lines.append(tobacco)
        alcohol = next((m.text for m in own if m.code.startswith("F10")), None)
        if alcohol is None and rng.random() < 0.8:
            alcohol = style.say(life["alcohol_none"], v)
        if alcohol:
            lines.append(alcohol)
        return lines

    # --- treatments --------------------------------------------------------------------------------
    def _entry_drugs(self, style: HouseStyle) -> list[str]:
        if not self.plan.drugs_in:
            return [self.rng.choice(self.house["drug_none"])]
        return [style.bullet + line.text for line in self.plan.drugs_in]

    def _discharge_drugs(self, style: HouseStyle) -> list[str]:
        rng, plan = self.rng, self.plan
        if not plan.drugs_out:
            return [rng.choice(self.house["drug_none"])]
        entry = {id(line) for line in plan.drugs_in}
        new = [line for line in plan.drugs_out if id(line) not in entry]
        if plan.drugs_in and rng.random() < 0.35:
            if not new:
                return [rng.choice(self.house["discharge"]["unchanged"])]
            return [rng.choice(self.house["discharge"]["with_new"]), *(style.bullet + line.text for line in new)]
        return [style.bullet + line.text for line in plan.drugs_out]

    # --- histoire, examen, examens complémentaires ------------------------------------------------
    def _history(self, style: Style) -> list[str]:
        rng, plan, sc, v = self.rng, self.plan, self.scenario, self.values
        story_data = self.house["story"]
        chronic = [
            lower_first(m.text)
            for m in plan.mentions
            if m.place == "chronic" and m.text and m.section != "mode_de_vie" and not m.joined
        ][:3]
        terrain = ""
        if chronic and rng.random() < 0.6:
            terrain = fill(rng.choice(story_data["terrain"]), {**v, "list": ", ".join(chronic)})
        motif = lower_first(style.say(sc["motifs"], v).rstrip("."))
        opening = fill(
            rng.choice(story_data["opening"]),
            {**v, "terrain": terrain, "route": rng.choice(story_data["routes"]), "motif": motif},
        )
        story = _story(rng, sc["story"])
        if plan.patient.age >= 16 and story and story[0].startswith("{Pt}") and rng.random() < 0.7:
            story = story[1:]  # the opening already introduced the patient
        # A child's story opens on the child itself ("Nourrisson de 10 mois..."), not on "Patient de 0 ans".
        lines = [opening] if plan.patient.age >= 16 else []
        lines += [style.say(t, v) for t in story]
        for m in plan.mentions:
            if m.place == "external" and m.text and m.text not in " ".join(lines):
                lines.append(style.say(self.frames["story"]["cause"], {**v, "cause": m.text}))
        return lines

    def _exam(self, style: Style) -> list[str]:
        rng, plan, sc, v = self.rng, self.plan, self.scenario, self.values
        exam = self.house["exam"]
        adult = plan.patient.age >= 16
        lines = [fill(rng.choice(exam["constants"] if adult else exam["constants_child"]), self._vitals())]
        if adult and rng.random() < 0.5:
            lines.append(fill(rng.choice(exam["weight"]), v))
        findings = [style.say(f, v).rstrip(".") for f in rng.sample(sc["exam"], k=rng.randint(1, len(sc["exam"])))]
        intro = rng.choice(exam["findings_intro"])
        lines.append(intro + capitalise(", ".join(findings)) + ".")
        skip = ORGAN_OF_SPECIALTY.get(sc["specialty"])
        organs = [organ for organ in sorted(exam["organs"]) if organ != skip]
        for organ in rng.sample(organs, k=rng.randint(1, min(3, len(organs)))):
            finding = rng.choice(exam["organs"][organ])
            lines.append(fill(rng.choice(exam["organ_format"]), {"organ": organ, "finding": finding}))
        for m in plan.mentions:
            if m.measure is not None and m.measure.kind in ("imc", "denutrition"):
                lines.append(rng.choice(self.frames["paraclinical"]["measured_intro"]) + m.measure.text + ".")
        return lines

    def _paraclinical(self, style: HouseStyle) -> list[str]:
        rng, plan, sc, v = self.rng, self.plan, self.scenario, self.values
        items = biology_items(style, plan, sc["panel"], sc.get("abnormal", {}))
        lines: list[str] = []
        if style.telegraphic and rng.random() < 0.5:
            lines.append(f"{style.sub('biologie')} :")
            lines += [style.bullet + item for item in items]
        else:
            intro = rng.choice(self.house["bio_intro"]) or f"{style.sub('biologie')} : "
            lines.append(intro + ", ".join(items) + ".")
        if sc["imaging"]:
            chosen = [style.say(t, v) for t in rng.sample(sc["imaging"], k=rng.randint(1, min(3, len(sc["imaging"]))))]
            if rng.random() < 0.5:
                lines.append(f"{style.sub('imagerie')} :")
            lines += chosen
        return lines

    # --- évolution, conclusion ----------------------------------------------------------------------
    def _domain(self, code: str) -> str:
        """'Sur le plan neurologique' for an I63: two-character prefixes first, then the chapter letter."""
        domains = self.house["evolution"]["domains"]
        return str(domains.get(code[:2]) or domains.get(code[:1], "médical"))

    def _evolution(self, style: Style) -> list[str]:
        rng, plan, sc, v = self.rng, self.plan, self.scenario, self.values
        ev = self.house["evolution"]
        dp_values = {
            **condition_values(self.dp_full, v),
            "care": self._care(style, sc["care"]),
            "domain": self._domain(plan.dp.code),
        }
        lines = [style.say(ev["dp"], dp_values)]
        generic = self.frames["evolution"]["generic_care"]
        for m in plan.das:
            if m.joined or m.place in ("status", "external", "metastasis"):
                continue
            if m.text is None:
                holder: dict[str, list[str]] = {"evolution": []}
                self._evolution_line(style, holder, m)  # measured-only and delivery lines, as in every letter
                lines += [capitalise(line) for line in holder["evolution"]]
                continue
            values = {
                **condition_values(m.text, v),
                "care": style.say(m.care, v) if m.care else style.say(generic, v),
                "domain": self._domain(m.code),
                "n": rng.randint(2, 6),
            }
            if m.place == "acute":
                lines.append(style.say(ev["acute"], values))
            elif m.place in ("chronic", "long_tail") and m.section != "mode_de_vie" and rng.random() < 0.4:
                lines.append(style.say(ev["chronic"], values))
        return lines

    def _conclusion_lines(self, style: HouseStyle) -> list[str]:
        rng, plan, sc = self.rng, self.plan, self.scenario
        c = self.house["conclusion"]
        v = {**self.values, "dp": self.dp_full}
        symptom = sc.get("conclusions")
        named = [
            m.text
            for m in plan.das
            if m.text
            and not m.joined
            and (m.place in ("acute", "metastasis") or (m.place == "chronic" and rng.random() < 0.5))
        ]
        lines: list[str] = []
        if rng.random() < 0.55:
            intro = rng.choice(c["list_intro"])
            lines.append(style.bullet + intro + capitalise(self.dp_full))
            if symptom:
                lines.append(style.say(symptom, v))
            if named:
                if rng.random() < 0.5:
                    lines.append(rng.choice(c["das_intro"]))
                lines += [style.bullet + capitalise(text) for text in named]
        else:
            lines.append(style.say(symptom or c["total"], v))
            if named:
                lines.append(f"{rng.choice(c['das_intro'])} {', '.join(named)}.")
        if rng.random() < 0.6:
            exits = [e for e in c["exit"] if ("EHPAD" in e) == self.institution] or c["exit"]
            lines.append(fill(rng.choice(exits), v))
        return lines

    # --- short letters --------------------------------------------------------------------------------
    def _terrain(self, style: HouseStyle) -> list[str]:
        """Every associated diagnosis of a short letter, as one list ('HTA, DT2 sous Glucophage, stent IVA')."""
        items: list[str] = []
        for m in self.plan.das:
            if m.joined or m.place in ("metastasis", "external"):
                continue
            if m.text:
                # tobacco and alcohol keep their own wording ("fumeur actif (25 PA)"), never "depuis 2005"
                chronic = m.place == "chronic" and m.section != "mode_de_vie"
                text = self._atcd_text(style, m) if chronic else m.text
                text = lower_first(text)
                if m.measure is not None and m.measure.text not in text:
                    text = f"{text} ({m.measure.text})"
                items.append(text)
            elif m.measure is not None:
                items.append(m.measure.text)
        return items

    def short_letter(self) -> str:
        """A day-hospital or ambulatory letter of 3 to 6 lines."""
        rng, plan, sc = self.rng, self.plan, self.scenario
        style = HouseStyle(rng, self.data)
        short, spec = self.house["short"], sc["short"]
        p = plan.patient
        seance = sc["kind"] == "seance"
        dp = plan.dp.text or ""
        dr = str(self.values.get("dr") or "")
        values: dict[str, Any] = {
            **self.values,
            "service": p.service,
            "hospital": p.hospital,
            "title": rng.choice(spec.get("titles") or short["titles"]["seance" if seance else "ambu"]),
            "SURNAME": p.surname.upper(),
            "first": p.first_name,
            "next": french_date(p.admission + timedelta(days=rng.choice([2, 7, 14, 21, 28]))),
            "ps": rng.randint(0, 2),
            "pnn": french_number(rng.uniform(1.6, 6.0), 1),
            "plq": rng.randint(140, 380),
            "uf": french_number(rng.uniform(1.2, 3.4), 1),
            "hb_low": french_number(rng.uniform(6.6, 8.2), 1),
            "units": rng.randint(1, 3),
            "eva": rng.randint(0, 3),
            "anesthesia": rng.choice(spec["anesthesia"]),
            "t2": f"{rng.randint(14, 19)}h{rng.choice(['00', '30'])}",
            "DP": capitalise(dp),
            "DR": capitalise(dr),
            "de_dp": elide("de", lower_first(dp)),
        }
        items = self._terrain(style)
        terrain = fill(rng.choice(short["terrain"]), {"list": ", ".join(items)}) if items else ""
        course = style.say(spec["course"], values)
        for d in plan.distractors:
            course = f"{course} {d.text}"
        lines = []
        if rng.random() < 0.85:
            lines.append(fill(rng.choice(short["first_line"]), values))
        lines.append(fill(rng.choice(short["patient_line"]), {**values, "terrain": terrain}))
        lines.append(style.say(spec["act"], values))
        lines.append(course)
        if rng.random() < 0.85:
            lines.append(style.say(spec["next"], values))
        if len(lines) < SHORT_MAX_LINES and rng.random() < 0.7:
            lines.append(fill(rng.choice(short["signature"]), values))
        text = "\n".join(lines)
        missing = [m.text for m in plan.measurements if m.text not in text]
        if missing:  # a measurement that decides a code is always written; on the terrain line if need be
            lines[1 if len(lines) > 1 else 0] += " " + " ; ".join(missing) + "."
            text = "\n".join(lines)
        return text
