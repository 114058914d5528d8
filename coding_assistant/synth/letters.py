"""Compose the documents of a stay from its plan: the CRH (or the session report), and sometimes an
operative report, a delivery report or a letter to the general practitioner."""

from __future__ import annotations

import random
from typing import Any

from coding_assistant.schema import Document
from coding_assistant.synth.data import SynthData
from coding_assistant.synth.plan import Mention, StayPlan
from coding_assistant.synth.writer import Style, biology_line, condition_values, french_date, header

# Where a measurement is written when the chosen sentences did not already carry it.
SECTION_OF_MEASURE = {
    "fevg": "examens_complementaires",
    "infarct_delay": "histoire",
    "term": "histoire",
    "imc": "examen",
    "denutrition": "examen",
    "kaliemie": "examens_complementaires",
    "natremie": "examens_complementaires",
    "dfg": "examens_complementaires",
    "aphasia": "evolution",
    "birth_weight": "histoire",
    "insulin": "traitement_entree",
}
MIN_WORDS, MAX_WORDS = 150, 1500


def word_count(text: str) -> int:
    return len(text.split())


def _story(rng: random.Random, sentences: list[str]) -> list[str]:
    """The first sentence (the reason for admission) and an ordered random subset of the others."""
    if not sentences:
        return []
    rest = sentences[1:]
    chosen = sorted(rng.sample(range(len(rest)), k=rng.randint(min(1, len(rest)), len(rest))))
    return [sentences[0], *(rest[i] for i in chosen)]


class LetterComposer:
    def __init__(self, plan: StayPlan, data: SynthData, rng: random.Random) -> None:
        self.plan = plan
        self.data = data
        self.rng = rng
        self.frames = data.frames
        self.scenario = plan.scenario
        p = plan.patient
        self.values: dict[str, Any] = {
            **plan.facts,
            "dp": plan.dp.text or "",
            "adm": french_date(p.admission),
            "dis": french_date(p.discharge),
            "surname": p.surname,
            "doctor": p.doctor,
            "doctor2": p.doctor2,
        }
        if plan.dr is not None:
            self.values["dr"] = plan.dr.text

    # --- the stay's documents -------------------------------------------------------------------
    def documents(self) -> list[Document]:
        plan = self.plan
        stay_id = f"SYN-{plan.index:06d}"
        main_kind = self.scenario["kind"]
        main = self.session_report() if main_kind == "seance" else self.discharge_summary()
        docs = [
            Document(
                doc_id=f"{stay_id}-{'SEANCE' if main_kind == 'seance' else 'CRH'}",
                type="CR de séance" if main_kind == "seance" else "CRH",
                text=main,
            )
        ]
        self._extra_documents(stay_id, docs)
        return docs

    def _extra_documents(self, stay_id: str, docs: list[Document]) -> None:
        """Sometimes an operative report, a letter to the GP or a delivery report beside the main letter."""
        rng = self.rng
        extras = self.scenario.get("extra_docs", {})
        for kind in sorted(extras):
            if rng.random() >= extras[kind]:
                continue
            if kind == "cro" and "operation" in self.scenario:
                docs.append(Document(doc_id=f"{stay_id}-CRO", type="CRO", text=self.operative_report()))
            elif kind == "lettre":
                docs.append(Document(doc_id=f"{stay_id}-LETTRE", type="Lettre", text=self.gp_letter()))
            elif kind == "accouchement":
                docs.append(Document(doc_id=f"{stay_id}-ACC", type="CR d'accouchement", text=self.delivery_report()))
        # Keep the stay within 150-1,500 words: extra documents go first (they only repeat the CRH).
        while len(docs) > 1 and sum(word_count(d.text) for d in docs) > MAX_WORDS:
            docs.pop()

    # --- CRH -----------------------------------------------------------------------------------
    def discharge_summary(self) -> str:
        style = Style(self.rng, self.data)
        sections = self._sections(style)
        self._place_missing_measurements(style, sections)
        total = sum(word_count(" ".join(lines)) for lines in sections.values())
        fillers = list(self.data.style["filler"])
        while total < MIN_WORDS + 40 and fillers:
            line = fillers.pop(self.rng.randrange(len(fillers)))
            sections["evolution"].append(style.say(line, self.values))
            total += word_count(line)
        while total > MAX_WORDS - 120 and len(sections["evolution"]) > 3:
            # Letters of long stays are cut in the évolution's routine lines, never in the coded problems.
            removed = sections["evolution"].pop(-1)
            total -= word_count(removed)
        parts = [header(style, self.plan, "crh")]
        for key in style.order:
            lines = sections.get(key)
            if not lines:
                continue
            if key == "antecedents":
                body = self._antecedents(style, sections)
            elif key.startswith("traitement"):
                body = "\n".join(lines)  # prescriptions stay one drug per line in every style
            else:
                body = style.join(lines)
            parts.append(f"{style.title(key)}\n{body}")
        parts.append(
            self.rng.choice(self.data.style["signatures"]).format(
                name=self.plan.patient.doctor, name2=self.plan.patient.doctor2
            )
        )
        return "\n\n".join(parts)

    def _antecedents(self, style: Style, sections: dict[str, list[str]]) -> str:
        blocks = []
        for key in ("atcd_med", "atcd_chir", "atcd_fam"):
            lines = sections.get(key) or []
            if lines:
                title = style.title(key).split("\n")[0].strip(" :-*")
                blocks.append(
                    f"{title} : "
                    + ("\n" if style.telegraphic else "")
                    + ("\n".join(f"- {line}" for line in lines) if style.telegraphic else "; ".join(lines) + ".")
                )
        return "\n".join(blocks)

    def _sections(self, style: Style) -> dict[str, list[str]]:
        plan, rng, frames, sc = self.plan, self.rng, self.frames, self.scenario
        v = self.values
        s: dict[str, list[str]] = {
            k: []
            for k in (
                "motif",
                "antecedents",
                "atcd_med",
                "atcd_chir",
                "atcd_fam",
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
        }
        s["motif"].append(style.say(sc["motifs"], v).rstrip(".") + ".")
        self._history_sections(style, s)
        # Histoire de la maladie.
        s["histoire"].extend(style.say(t, v) for t in _story(rng, sc["story"]))
        if plan.dp.text and plan.dp.text not in " ".join(s["histoire"]) and rng.random() < 0.5:
            s["histoire"].insert(0, style.say(frames["story"]["dp_intro"], v))
        s["histoire"].append(style.say(frames["story"]["admission_route"], v))
        for m in plan.mentions:
            if m.place == "external" and m.text is not None and m.text not in " ".join(s["histoire"]):
                s["histoire"].append(style.say(frames["story"]["cause"], {**v, "cause": m.text}))
        # Examen clinique.
        vitals = "vitals" if plan.patient.age >= 16 else "vitals_child"
        s["examen"].append(style.say(frames["exam"][vitals], self._vitals()))
        s["examen"].append(style.say(frames["exam"]["general"], v))
        for finding in rng.sample(sc["exam"], k=rng.randint(1, len(sc["exam"]))):
            s["examen"].append(style.say(finding, v).rstrip(".") + ".")
        s["examen"].extend(style.say(t, v) for t in rng.sample(frames["exam"]["normal"], k=rng.randint(1, 3)))
        for m in plan.mentions:
            if m.measure is not None and m.measure.kind in ("imc", "denutrition"):
                s["examen"].append(rng.choice(frames["paraclinical"]["measured_intro"]) + m.measure.text + ".")
        # Examens complémentaires.
        s["examens_complementaires"].append(biology_line(style, plan, sc["panel"], sc.get("abnormal", {})))
        if sc["imaging"]:
            for line in rng.sample(sc["imaging"], k=rng.randint(1, min(3, len(sc["imaging"])))):
                s["examens_complementaires"].append(style.say(line, v))
        # Évolution, problem by problem.
        s["evolution"].append(
            style.say(
                frames["evolution"]["problem"],
                {
                    **condition_values(plan.dp.text or "", v),
                    "care": self._care(style, sc["care"]),
                    "domain": rng.choice(frames["evolution"]["domains"]),
                },
            )
        )
        for m in plan.das:
            self._evolution_line(style, s, m)
        # Distractors, each in the section where letters write that kind of mention.
        for d in plan.distractors:
            target = {
                "atcd_med": "atcd_med",
                "atcd_fam": "atcd_fam",
                "examen": "examen",
                "paraclinique": "examens_complementaires",
                "evolution": rng.choice(["evolution", "histoire"]),
            }[d.section]
            line = d.text.rstrip(".") if target.startswith("atcd") else d.text
            s[target].insert(rng.randint(0, len(s[target])), line)
        if not s["atcd_fam"]:
            s["atcd_fam"].append(style.say(frames["atcd"]["family_none"], v).rstrip("."))
        if not s["atcd_med"]:
            s["atcd_med"].append(style.say(frames["atcd"]["none"], v).rstrip("."))
        s["antecedents"] = ["*"]  # rendered from the three sub-sections
        s["conclusion"].extend(self._conclusion(style))
        s["traitement_entree"] = [
            f"- {d.text}" if style.telegraphic or rng.random() < 0.5 else d.text for d in plan.drugs_in
        ] or [style.say(frames["drugs"]["none"], v)]
        s["traitement_sortie"] = [f"- {d.text}" for d in plan.drugs_out] or [style.say(frames["drugs"]["none"], v)]
        s["suivi"] = [style.say(t, v) for t in rng.sample(self.frames["follow_up"], k=rng.randint(1, 2))]
        if not style.telegraphic:
            s["traitement_entree"] = ["; ".join(line.lstrip("- ") for line in s["traitement_entree"])]
        return s

    def _history_sections(self, style: Style, s: dict[str, list[str]]) -> None:
        plan, rng, frames, v = self.plan, self.rng, self.frames, self.values
        for m in plan.mentions:
            if m.role == "DR" or (
                m.place in ("chronic", "long_tail") and m.text and not m.code.startswith(("F17", "Z72"))
            ):
                template = frames["atcd"]["chronic" if m.place != "long_tail" else "long_tail"]
                s["atcd_med"].append(style.say(template, condition_values(m.text or "", v)))
        rng.shuffle(s["atcd_med"])
        p = plan.patient
        surgical = list(frames["atcd"]["surgical"]) + list(frames["atcd"][f"surgical_{p.sex.lower()}"])
        if p.age >= 16:
            s["atcd_chir"].extend(style.say(t, v) for t in rng.sample(surgical, k=rng.randint(0, 2)))
        if not s["atcd_chir"]:
            s["atcd_chir"].append(style.say(frames["atcd"]["surgical_none"], v).rstrip("."))
        life = frames["lifestyle"]
        if p.age >= 16:
            s["mode_de_vie"].append(style.say(life["living"] if p.age >= 60 else life["living_young"], v))
            s["mode_de_vie"].append(style.say(life["job"], v))
            tobacco = next((m for m in plan.mentions if m.code.startswith(("F17", "Z72"))), None)
            if tobacco is not None:
                s["mode_de_vie"].append(style.say(life["tobacco_active"], condition_values(tobacco.text or "", v)))
            else:
                s["mode_de_vie"].append(style.say(life["tobacco_none" if rng.random() < 0.7 else "tobacco_former"], v))
            if not any(m.code.startswith("F10") for m in plan.mentions):
                s["mode_de_vie"].append(style.say(life["alcohol_none"], v))
            if p.age >= 70:
                s["mode_de_vie"].append(style.say(life["autonomy"], v))

    def _care(self, style: Style, cares: list[str]) -> str:
        chosen = self.rng.sample(cares, k=self.rng.randint(1, min(3, len(cares))))
        return ", ".join(style.say(c, self.values) for c in chosen)

    def _evolution_line(self, style: Style, s: dict[str, list[str]], m: Mention) -> None:
        rng, ev, v = self.rng, self.frames["evolution"], self.values
        care = style.say(m.care, v) if m.care else style.say(ev["generic_care"], v)
        if m.text is None:
            if m.measure is not None and m.measure.kind in ("kaliemie", "natremie", "dfg", "aphasia"):
                s["evolution"].append(style.say(ev["measured_only"], {**v, "measure": m.measure.text, "care": care}))
            elif m.place == "delivery":
                key = "birth" if m.code.startswith("Z37") else "cesarean"
                child = rng.choice(["M", "F"])
                values = {
                    **v,
                    "child_sex": rng.choice(self.frames["delivery"]["child_sex"][child]),
                    "e_child": "e" if child == "F" else "",
                    "bw": rng.randint(2600, 4200),
                }
                s["evolution"].insert(0, style.say(self.frames["delivery"][key], values))
            return
        values = {
            **condition_values(m.text, v),
            "care": care,
            "domain": rng.choice(ev["domains"]),
            "n": rng.randint(2, 6),
        }
        if m.place == "acute":
            s["evolution"].append(style.say(ev["discovered"] if rng.random() < 0.5 else ev["problem"], values))
        elif m.place in ("chronic", "long_tail") and rng.random() < 0.5:
            s["evolution"].append(style.say(ev["chronic"], values))

    def _conclusion(self, style: Style) -> list[str]:
        plan, rng, c, v = self.plan, self.rng, self.frames["conclusion"], self.values
        # A stay that ends on a symptom says so in its own words ("sans cause retrouvée").
        first = self.scenario.get("conclusions") or (c["dp"] if plan.patient.age >= 16 else c["dp_child"])
        lines = [style.say(first, v)]
        if plan.dr is not None:
            lines.append(style.say(c["dr"], v))
        named = [m.text for m in plan.das if m.text and m.place != "external" and not m.joined]
        if named:
            shown = rng.sample(named, k=rng.randint(max(1, len(named) // 2), len(named)))
            lines.append(rng.choice(c["das_intro"]) + ", ".join(shown) + ".")
        lines.append(style.say(c["exit"], v))
        return lines

    def _vitals(self) -> dict[str, Any]:
        rng = self.rng
        child = self.plan.patient.age < 16
        return {
            "sys": rng.randint(105, 165),
            "dia": rng.randint(55, 95),
            "hr": rng.randint(110, 165) if child else rng.randint(58, 104),
            "rr": rng.randint(24, 52),
            "temp": f"{rng.choice([36, 37])},{rng.randint(0, 9)}",
            "spo2": rng.randint(93, 99),
        }

    def _place_missing_measurements(self, style: Style, s: dict[str, list[str]]) -> None:
        """Every measurement that decides a gold code must be in the letter, verbatim."""
        for measured in self.plan.measurements:
            text = " ".join(" ".join(lines) for lines in s.values())
            if measured.text in text:
                continue
            target = SECTION_OF_MEASURE[measured.kind]
            # Written verbatim (no capital added): the tests and the evidence spans look for this exact text.
            s[target].append(self.rng.choice(self.frames["paraclinical"]["measured_intro"]) + measured.text + ".")

    # --- other documents -------------------------------------------------------------------------
    def session_report(self) -> str:
        plan, rng, frames, sc = self.plan, self.rng, self.frames, self.scenario
        style = Style(rng, self.data)
        v = self.values
        parts = [header(style, plan, "seance", session=True)]
        parts.append(f"{style.title('motif')}\n{style.say(sc['motifs'], v)}")
        history = [style.say(t, v) for t in _story(rng, sc["story"])]
        atcd = [m.text for m in plan.das if m.text]
        if atcd:
            history.append(style.say(frames["atcd"]["chronic"], condition_values(", ".join(atcd), v)) + ".")
        for d in plan.distractors:
            if d.kind in ("family", "history", "negated"):
                history.append(d.text)
        parts.append(f"{style.title('histoire')}\n{style.join(history)}")
        if plan.drugs_in:
            parts.append(f"{style.title('traitement_entree')}\n" + "\n".join(f"- {d.text}" for d in plan.drugs_in))
        exam = [style.say(frames["exam"]["vitals"], self._vitals())]
        exam += [style.say(t, v).rstrip(".") + "." for t in rng.sample(sc["exam"], k=rng.randint(1, len(sc["exam"])))]
        exam += [m.measure.text + "." for m in plan.mentions if m.measure and m.measure.kind in ("imc", "denutrition")]
        parts.append(f"{style.title('examen')}\n{style.join(exam)}")
        bio = biology_line(style, plan, sc["panel"], sc.get("abnormal", {}))
        normal = [d.text for d in plan.distractors if d.kind in ("normal", "hypothetical")]
        parts.append(f"{style.title('examens_complementaires')}\n{style.join([bio, *normal])}")
        course = [style.say(frames["session"]["ok"], v), self._care(style, sc["care"]) + "."]
        course += [
            style.say(
                self.frames["evolution"]["measured_only"],
                {**v, "measure": m.measure.text, "care": style.say(m.care or "surveillance", v)},
            )
            for m in plan.das
            if m.text is None and m.measure is not None and m.measure.kind != "insulin"
        ]
        parts.append(f"{style.title('evolution')}\n{style.join(course)}")
        next_day = plan.patient.admission.toordinal() + rng.choice([2, 7, 14, 21])
        parts.append(
            f"{style.title('conclusion')}\n"
            + style.join(
                [
                    *self._conclusion(style)[:-1],
                    style.say(
                        frames["session"]["next"],
                        {**v, "next": french_date(type(plan.patient.admission).fromordinal(next_day))},
                    ),
                ]
            )
        )
        text = "\n\n".join(parts)
        missing = [m.text for m in plan.measurements if m.text not in text]
        if missing:
            text += "\n\n" + style.title("examens_complementaires") + "\n" + "\n".join(f"{t}." for t in missing)
        fillers = list(self.data.style["filler"])
        while word_count(text) < MIN_WORDS + 20 and fillers:
            text += "\n" + fillers.pop(rng.randrange(len(fillers)))
        return text

    def operative_report(self) -> str:
        rng, op, frames, v = self.rng, self.scenario["operation"], self.frames["operation"], self.values
        style = Style(rng, self.data)
        lines = [
            rng.choice(op["doc_title"]),
            *(fill_line(style, t, v) for t in frames["header"]),
            style.say(frames["indication"], v),
            style.say(frames["anesthesia"], {**v, "anesthesia": rng.choice(op["anesthesia"])}),
            "",
            *(style.say(step, v) for step in op["steps"]),
            "",
            style.say(frames["end"], v),
        ]
        return "\n".join(lines)

    def gp_letter(self) -> str:
        plan, rng, frames, v = self.plan, self.rng, self.frames, self.values
        style = Style(rng, self.data)
        letter = frames["letter"]
        lines = [
            rng.choice(self.data.style["letter_openings"]),
            style.say(letter["intro"], v),
            style.say(letter["body"], v),
        ]
        named = [m.text for m in plan.das if m.text and m.place != "external" and not m.joined]
        if named:
            lines.append(style.say(letter["das"], {**v, "list": ", ".join(named)}))
        lines += [
            style.say(letter["treatment"], v),
            rng.choice(self.data.style["letter_closings"]),
            rng.choice(self.data.style["signatures"]).format(name=plan.patient.doctor, name2=plan.patient.doctor2),
        ]
        return header(style, plan, "lettre") + "\n\n" + "\n\n".join(lines)

    def delivery_report(self) -> str:
        rng, frames, v = self.rng, self.frames, self.values
        style = Style(rng, self.data)
        child = rng.choice(["M", "F"])
        values = {
            **v,
            "child_sex": rng.choice(frames["delivery"]["child_sex"][child]),
            "e_child": "e" if child == "F" else "",
            "bw": rng.randint(2600, 4200),
        }
        lines = [style.say(t, values) for t in frames["delivery"]["lines"]]
        lines.append(style.say(frames["delivery"]["birth"], values))
        return header(style, self.plan, "accouchement") + "\n\n" + "\n".join(lines)


def fill_line(style: Style, template: str, values: dict[str, Any]) -> str:
    return style.say(template, values)
