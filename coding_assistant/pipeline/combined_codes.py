"""Codes that name two things: what the CIM-10 codes as one when the letter names both, and what a code already
includes. Applied to the decided codes of a stay once their roles are set (`roles.assign_roles`):

- an infection whose sentence names its agent takes the code naming both (`rules.agent_infections`);
- a condition whose sentence names alcohol, or whose clause holds a drug responsible, takes its alcoholic or
  drug-induced code (`rules.alcohol_induced`, `rules.drug_induced`);
- a poisoning by unspecified drugs is coded by the drugs its sentence names (`rules.poisoning`);
- a colon polyp whose histology is an adenoma is a benign tumour by site;
- an HIV disease beside the infection or tumour it caused is coded by it (`rules.hiv_disease`);
- a hypertension beside the kidney disease it causes is the hypertensive nephropathy; a bleeding and its peptic
  ulcer are the ulcer « avec hémorragie »; a condition a combination code names after « avec » is not coded apart.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from weakref import WeakKeyDictionary

from coding_assistant.pipeline.candidates import Candidate
from coding_assistant.pipeline.decided import Decided
from coding_assistant.pipeline.evidence import QualifiedMention
from coding_assistant.pipeline.named_sibling import WITH_PART, mention_window
from coding_assistant.pipeline.notes import included_in_code_note
from coding_assistant.rules.agent_infections import code_naming_the_agent
from coding_assistant.rules.alcohol_induced import code_naming_alcohol, names_alcohol
from coding_assistant.rules.blood_loss import code_naming_blood_loss, names_blood_loss
from coding_assistant.rules.drug_induced import code_naming_a_drug
from coding_assistant.rules.hiv_disease import PLAIN_HIV, hiv_code_for, hiv_code_for_all
from coding_assistant.rules.infectious_agents import AGENT_CATEGORIES, agents_named_in, names_an_infection
from coding_assistant.rules.osteoporotic_fracture import code_naming_osteoporosis, names_osteoporosis, with_its_kind
from coding_assistant.rules.poisoning import SWALLOWING_WORDS, Poison, poisons_named_in
from coding_assistant.schema import Note
from coding_assistant.terminology.model import Terminology
from coding_assistant.text.normalize import stems

# Renal failure, acute or chronic (CIM-10 N17-N19): what makes a hypertensive nephropathy I12.0.
_RENAL_FAILURE = ("N17", "N18", "N19")


def hypertensive_nephropathy_over_hypertension(decided: Sequence[Decided], terminology: Terminology) -> None:
    """A hypertension selected (I10) while the letter names its kidney disease (« IRC sur néphroangiosclérose »,
    « néphropathie hypertensive ») is coded as that disease, which includes it (CIM-10 I12: « toute affection
    classée en N18.-, N19 ou N26 avec toute affection classée en I10 »): I12.0 with a renal failure the stay
    codes, I12.9 without; the plain I10 is no longer coded apart."""
    hypertension = next((d for d in decided if d.selected and d.code == "I10"), None)
    nephropathy = next(
        (d for d in decided if d.code.startswith("I12") and d.candidate.current and not d.candidate.only_excluded),
        None,
    )
    if hypertension is None or nephropathy is None:
        return
    failure = any(d.selected and d.code.startswith(_RENAL_FAILURE) for d in decided)
    code = "I120" if failure else "I129"
    if not codable(code, terminology):
        return
    if not nephropathy.selected:
        nephropathy.selected, nephropathy.role = True, hypertension.role
    nephropathy.code = code
    nephropathy.reason = f"{code} : la néphropathie hypertensive comprend l'hypertension"
    hypertension.selected, hypertension.role = False, None
    hypertension.notes.append(
        Note(rule="included-in-code", message=f"hypertension comprise dans {code} : non codée à part", code=code)
    )


# A digestive bleeding coded by its sign (haematemesis, melaena, unspecified); the peptic ulcers (CIM-10 K25-K28)
# and, by their fourth character, the form that states the bleeding: .3 → .0 (acute), .1 → .2 (acute, with
# perforation), .5 → .6, .7 and .9 → .4 (chronic or unspecified).
_BLEEDING_SIGNS = ("K920", "K921", "K922")
_PEPTIC_ULCERS = ("K25", "K26", "K27", "K28")
_WITH_HAEMORRHAGE = {"3": "0", "1": "2", "5": "6", "7": "4", "9": "4"}


def hiv_disease_by_its_manifestations(decided: Sequence[Decided], terminology: Terminology) -> None:
    """A current HIV disease (B24, or Z21 « asymptomatique ») beside selected conditions it causes takes the
    B20-B22 code that names them (`rules.hiv_disease`: pneumocystose → B20.6), and the manifestations stay coded
    as DAS. The stay is for the HIV disease when its manifestation was the DP: the combined code takes the DP."""
    hiv = next(
        (d for d in decided if d.code.startswith(PLAIN_HIV) and d.candidate.affirmed and not d.candidate.only_excluded),
        None,
    )
    if hiv is None:
        return
    manifestations = [d for d in decided if d.selected and d is not hiv and hiv_code_for(d.code) is not None]
    code = hiv_code_for_all(d.code for d in manifestations)
    if code is None or not codable(code, terminology):
        return
    role = hiv.role if hiv.selected else "DAS"
    dp = next((d for d in manifestations if d.role == "DP"), None)
    if dp is not None:
        role, dp.role = "DP", "DAS"
        dp.notes.append(
            Note(rule="hiv-manifestation", message=f"manifestation de la maladie par VIH {code}", code=code)
        )
    hiv.code, hiv.selected, hiv.role = code, True, role
    hiv.reason = f"{code} : la maladie par VIH est codée par ce qu'elle a causé"


def bleeding_peptic_ulcer(decided: Sequence[Decided], terminology: Terminology) -> None:
    """A digestive bleeding and the peptic ulcer the letter names are one condition, coded by the ulcer's code
    « avec hémorragie » (CIM-10 K25-K28 .0/.2/.4/.6: « hémorragie digestive haute par ulcère gastrique antral »
    is K25.4, not K92.2 beside K25.9); the sign is no longer coded apart, and its role goes to the ulcer."""
    bleeding = next((d for d in decided if d.selected and d.code[:4] in _BLEEDING_SIGNS), None)
    ulcer = next(
        (
            d
            for d in decided
            if d.code.startswith(_PEPTIC_ULCERS) and d.candidate.current and not d.candidate.only_excluded
        ),
        None,
    )
    if bleeding is None or ulcer is None:
        return
    fourth = ulcer.code[3:4] or "9"
    code = ulcer.code[:3] + _WITH_HAEMORRHAGE.get(fourth, fourth)
    if not codable(code, terminology):
        return
    ulcer.code, ulcer.reason = code, f"{code} : l'hémorragie et l'ulcère qui la cause sont une seule affection"
    if bleeding.role == "DP" or not ulcer.selected:
        ulcer.role = bleeding.role or "DAS"
    ulcer.selected = True
    bleeding.selected, bleeding.role = False, None
    bleeding.notes.append(Note(rule="included-in-code", message=f"hémorragie comprise dans {code}", code=code))


# CIM-10 D12 « tumeur bénigne du côlon, du rectum, de l'anus et du canal anal », by the site the polyp's wording
# names (first match wins: « recto-sigmoïdien » before « sigmoïde »).
_ADENOMA_SITES = (
    (re.compile(r"recto-?sigmo|charni[eè]re", re.IGNORECASE), "D127"),
    (re.compile(r"sigmo", re.IGNORECASE), "D125"),
    (re.compile(r"rect", re.IGNORECASE), "D128"),
    (re.compile(r"c[æa]e?c|caecal|c[ée]cal", re.IGNORECASE), "D120"),
    (re.compile(r"appendic", re.IGNORECASE), "D121"),
    (re.compile(r"ascendant|droit", re.IGNORECASE), "D122"),
    (re.compile(r"transverse", re.IGNORECASE), "D123"),
    (re.compile(r"descendant|gauche", re.IGNORECASE), "D124"),
)
_ADENOMA = re.compile(r"\bad[ée]nome\b", re.IGNORECASE)
_NOT_BEFORE = re.compile(r"(?:\bpas d['’]|\babsence d['’]|\bsans\s+|\bnon\s+)\s*$", re.IGNORECASE)


def polyp_by_its_histology(decided: Sequence[Decided], documents: dict[str, str], terminology: Terminology) -> None:
    """A colon polyp (K63.5, what a polyp is without its histology: CIM-10 index « Polype, côlon ») whose histology
    the letter gives as an adenoma (« Histologie : adénome tubuleux en dysplasie de bas grade ») is a benign tumour
    of the colon, coded by its site (D12.0-D12.8, the site the polyp's wording names, D12.6 otherwise)."""
    polyp = next((d for d in decided if d.code.startswith("K635") and d.candidate.current), None)
    if polyp is None:
        return
    adenoma = any(
        not _NOT_BEFORE.search(text[max(0, match.start() - 20) : match.start()])
        for text in documents.values()
        for match in _ADENOMA.finditer(text)
    )
    if not adenoma:
        return
    wording = " ".join(m.text for m in polyp.candidate.current)
    code = next((code for site, code in _ADENOMA_SITES if site.search(wording)), "D126")
    if codable(code, terminology):
        polyp.code, polyp.reason = code, f"{code} : polype dont l'histologie est un adénome"


_WITH = re.compile(r"\bavec\b(.*)", re.IGNORECASE)
# The catch-all of a combination category (« Grippe avec d'autres manifestations respiratoires »): it names no
# complication of its own, and gives way to the sibling that names the one the letter writes.
_OTHER_COMPLICATIONS = re.compile(r"^\s*(?:d'|d’)?autres\b", re.IGNORECASE)


def _names_its_complication(label: str) -> bool:
    """Whether a label names a complication after « avec » (not the « avec d'autres … » catch-all)."""
    found = _WITH.search(label)
    return found is not None and not _OTHER_COMPLICATIONS.match(found.group(1))


def complication_in_a_combination_code(
    decided: Sequence[Decided], documents: dict[str, str], terminology: Terminology
) -> None:
    """A selected condition whose clause names, beside it, a complication that one of its category's codes names
    after « avec » takes that code (CIM-10 combination codes: « occlusion du grêle sur hernie crurale étranglée »
    is K41.3 « hernie crurale … avec occlusion », « cholécystite aiguë lithiasique » K80.0); the complication is
    then part of it (`included_in_a_combination_code`), and its role, the DP included, goes to the combined
    code. Of the category's codes, the one whose clause says most of the complication's words, then whose label
    keeps most of the condition's own (« unilatérale ou sans précision »)."""
    for condition in decided:
        entry = terminology.get(condition.code) if condition.selected else None
        if entry is None or _names_its_complication(entry.label) or not condition.candidate.current:
            continue
        options = [
            option for option in _combination_codes(terminology, condition.code[:3]) if option[0] != condition.code
        ]
        if not options:
            continue
        own = _label_stems(terminology, condition.code)
        for complication in decided:
            if complication is condition or not complication.selected or complication.code[:3] == condition.code[:3]:
                continue
            named = [
                (m, set(stems(m.text)))
                for m in complication.candidate.current
                if any(
                    (m.end <= c.start or c.end <= m.start)  # another wording, not the condition's own
                    and _same_clause(m, c, documents)
                    and not _caused_by(c, m, documents)
                    for c in condition.candidate.current
                )
            ]
            scored = [
                (len(words & clause), len(own & label), code)
                for code, label, clause in options
                for _, words in named
                if words and _shares_a_word(words, clause)
            ]
            if not scored:
                continue
            code = max(scored)[2]
            condition.code = code
            condition.reason = f"{code} : l'affection et sa complication sont nommées ensemble"
            if complication.role == "DP":
                condition.role, complication.role = "DP", "DAS"
            break


# The codes of a category that name a complication after « avec », per terminology: (code, its label's stems,
# the stems of its « avec » clause). Read once per category: letters select the same categories again and again.
_Combination = tuple[str, frozenset[str], frozenset[str]]
_COMBINATIONS: WeakKeyDictionary[Terminology, dict[str, list[_Combination]]] = WeakKeyDictionary()
_LABEL_STEMS: WeakKeyDictionary[Terminology, dict[str, frozenset[str]]] = WeakKeyDictionary()


def _combination_codes(terminology: Terminology, category: str) -> list[_Combination]:
    known = _COMBINATIONS.setdefault(terminology, {})
    found = known.get(category)
    if found is None:
        found = []
        for code in terminology.codable_descendants(category):
            clause = WITH_PART.search(terminology.label(code))
            if clause is not None:
                found.append((code, _label_stems(terminology, code), frozenset(stems(clause.group(1)))))
        known[category] = found
    return found


def _label_stems(terminology: Terminology, code: str) -> frozenset[str]:
    """The stems of what a label affirms: not its « non … » word nor its « sans … » part (« Diabète sucré de type
    2 non insulinotraité ou sans précision » affirms no insulin treatment)."""
    known = _LABEL_STEMS.setdefault(terminology, {})
    found = known.get(code)
    if found is None:
        found = known[code] = frozenset(stems(_DENIED.sub(" ", terminology.label(code))))
    return found


_DENIED = re.compile(r"\bnon\s+\w+|\bsans\b[^,]*", re.IGNORECASE)


# « pyélonéphrite obstructive sur calcul de l'uretère »: what follows such a link caused what precedes it.
_CAUSED_BY = re.compile(r"\b(?:sur|par|due?s? [àa]|secondaires? [àa]|li[ée]e?s? [àa])\b", re.IGNORECASE)


def _caused_by(condition: QualifiedMention, other: QualifiedMention, documents: dict[str, str]) -> bool:
    """Whether the letter writes `other` as the cause of `condition` (« condition sur other »): a cause is no
    complication of the condition, whatever its code's label shares with a combination code's."""
    if other.start < condition.end:
        return False
    return bool(_CAUSED_BY.search(documents.get(condition.doc_id, "")[condition.end : other.start]))


def _shares_a_word(words: set[str], clause: frozenset[str]) -> bool:
    """Whether the complication's words and the clause share a word of more than three letters."""
    return any(len(word) > 3 for word in words & clause)


def included_in_a_combination_code(decided: Sequence[Decided], terminology: Terminology) -> None:
    """A condition that a selected code's label already names after « avec » is part of that code, not a DAS
    of its own (CIM-10 combination codes: « appendicite aiguë gangréneuse avec péritonite localisée » is K35.3,
    « Appendicite aiguë avec péritonite localisée », and the peritonitis is not coded apart as K65.0): the
    condition whose every mention opens on a word of that clause is unselected, with a note naming the code."""
    combined = []
    for d in decided:
        entry = terminology.get(d.code) if d.selected else None
        clause = _WITH.search(entry.label) if entry is not None else None
        if clause is not None:
            combined.append((d, set(stems(clause.group(1)))))
    if not combined:
        return  # no selected combination code: nothing to read the conditions' words against
    for d in decided:
        mentions = d.candidate.current
        if not d.selected or d.role == "DP" or not mentions:
            continue
        heads = [stems(m.text)[:1] for m in mentions]
        for combination, words in combined:
            if combination.code[:3] != d.code[:3] and all(head and head[0] in words for head in heads):
                d.selected, d.role = False, None
                d.notes.append(included_in_code_note(combination.code))
                break


# How far after an infection's name its sentence may name its agent (« pneumonie franche lobaire aiguë à
# pneumocoque »).
AGENT_DISTANCE = 60
_SENTENCE_END = re.compile(r"[.;\n]")


def infection_named_with_its_agent(decided: list[Decided], documents: dict[str, str], terminology: Terminology) -> None:
    """A selected infection whose own sentence names its agent just after it takes the code that names both
    (« pneumonie à pneumocoque »: J18 → J13; `rules.agent_infections`), and the agent's B95-B98 code is no
    longer coded apart: it would repeat it."""
    combined = False
    for infection in decided:
        if not infection.selected:
            continue
        for agent_code in _agents_after(infection.candidate, documents):
            code = code_naming_the_agent(infection.code, agent_code)
            if code is None or not codable(code, terminology):
                continue
            _combine_with_agent(infection, code, agent_code, decided, "l'infection et son agent sont nommés ensemble")
            combined = True
            break
    if not combined:
        _the_one_infection_of_the_agent(decided, terminology)


def _combine_with_agent(infection: Decided, code: str, agent_code: str, decided: list[Decided], why: str) -> None:
    infection.code, infection.reason = code, f"{code} : {why}"
    for agent in decided:
        if agent.selected and agent.code.startswith(agent_code[:4]):
            agent.selected, agent.role = False, None
            agent.notes.append(
                Note(rule="agent-in-code", message=f"agent compris dans {code} : non codé à part", code=code)
            )


def _the_one_infection_of_the_agent(decided: list[Decided], terminology: Terminology) -> None:
    """The one agent the stay's microbiology identified (« hémocultures positives à Streptococcus pneumoniae »,
    selected as B95-B98) and the one selected infection that CIM-10 names with it (« PAC lobaire »: J18.1 → J13),
    in different sentences: one code, as the coder writes it. Several agents or several such infections: each
    stays as written (which agent caused which infection is the letter's to say)."""
    agents = [d for d in decided if d.selected and d.code.startswith(AGENT_CATEGORIES)]
    if len(agents) != 1:
        return
    agent_code = agents[0].code
    pairs = [
        (infection, code)
        for infection in decided
        if infection.selected and infection is not agents[0]
        for code in [code_naming_the_agent(infection.code, agent_code)]
        if code is not None and codable(code, terminology)
    ]
    if len(pairs) == 1:
        infection, code = pairs[0]
        _combine_with_agent(infection, code, agent_code, decided, "l'agent identifié est celui de l'infection")


def condition_named_with_alcohol(decided: list[Decided], documents: dict[str, str], terminology: Terminology) -> None:
    """A selected condition whose own sentence names alcohol as its cause takes its alcoholic code
    (`rules.alcohol_induced`: « cirrhose sur éthylisme chronique » K74.6 → K70.3, « pancréatite aiguë OH »
    K85.9 → K85.2)."""
    _condition_named_with_its_cause(
        decided,
        documents,
        terminology,
        code_naming_alcohol,
        names_alcohol,
        "la cause alcoolique est nommée avec l'affection",
    )


def condition_named_with_its_blood_loss(
    decided: list[Decided], documents: dict[str, str], terminology: Terminology
) -> None:
    """A selected condition whose own sentence names the blood loss that causes it takes the code that says so
    (`rules.blood_loss`: « anémie ferriprive sur ménorragies » D50.9 → D50.0)."""
    _condition_named_with_its_cause(
        decided,
        documents,
        terminology,
        code_naming_blood_loss,
        names_blood_loss,
        "la perte de sang en cause est nommée avec l'anémie",
    )


def fracture_named_with_osteoporosis(
    decided: list[Decided], documents: dict[str, str], terminology: Terminology
) -> None:
    """A selected fracture whose own sentence names osteoporosis as its cause takes the M80 code of its site
    (`rules.osteoporotic_fracture`: « fracture vertébrale L1 sur ostéoporose post-ménopausique » S22.00 → M80.08),
    and the osteoporosis without fracture (M81) is no longer coded apart: M80 names both."""
    combined: str | None = None
    for d in decided:
        code = code_naming_osteoporosis(d.code) if d.selected else None
        if code is None:
            continue
        sentences = [sentence_around(m, documents) for m in d.candidate.current if not m.excluded]
        naming = [sentence for sentence in sentences if names_osteoporosis(sentence)]
        if not naming:
            continue
        code = with_its_kind(code, " ".join(naming))
        if codable(code, terminology):
            d.code, d.reason = code, f"{code} : la fracture est dite ostéoporotique"
            combined = code
    if combined is None:
        return
    for d in decided:
        if d.selected and d.role != "DP" and d.code.startswith(OSTEOPOROSIS_WITHOUT_FRACTURE):
            d.selected, d.role = False, None
            d.notes.append(Note(rule="included-in-code", message=f"compris dans {combined}", code=combined))


OSTEOPOROSIS_WITHOUT_FRACTURE = "M81"


def _condition_named_with_its_cause(
    decided: list[Decided],
    documents: dict[str, str],
    terminology: Terminology,
    code_naming_the_cause: Callable[[str], str | None],
    names_the_cause: Callable[[str], bool],
    why: str,
) -> None:
    """Each selected condition whose cause-named code exists and whose own sentence names that cause takes it."""
    for d in decided:
        code = code_naming_the_cause(d.code) if d.selected else None
        if code is None or not codable(code, terminology):
            continue
        mentions = [m for m in d.candidate.current if not m.excluded]
        if any(names_the_cause(sentence_around(m, documents)) for m in mentions):
            d.code, d.reason = code, f"{code} : {why}"


def condition_caused_by_a_drug(decided: list[Decided], documents: dict[str, str], terminology: Terminology) -> None:
    """A selected condition in whose clause the letter holds a drug responsible (`rules.adverse_drugs`: a Y40-Y59
    mention read from « imputable à », « induite par », « sous » …), or that it calls « médicamenteuse » or
    « iatrogène » (« hypotension orthostatique iatrogène »), takes its drug-induced code (`rules.drug_induced`:
    « diarrhée imputable à la capécitabine » A09.9 → K52.1)."""
    drugs = [m for d in decided for m in d.candidate.current if m.source == "drug_effect"]
    for d in decided:
        code = code_naming_a_drug(d.code) if d.selected else None
        if code is None or not codable(code, terminology):
            continue
        mentions = [m for m in d.candidate.current if m.source != "drug_effect"]
        if mentions and all(names_an_infection(m.text) for m in mentions):
            # « neutropénie fébrile post-chimiothérapie avec pyélonéphrite aiguë »: the drug caused the
            # neutropenia; an infection is its agent's (N10 stays N10, not the drug nephropathy N14.1).
            continue
        if any(_same_clause(m, drug, documents) for m in mentions for drug in drugs) or any(
            _DRUG_INDUCED_WORD.search(mention_window(documents.get(m.doc_id, ""), m.start, m.end)) for m in mentions
        ):
            d.code, d.reason = code, f"{code} : le médicament en cause est nommé avec l'affection"


# The adjective that makes a condition drug-induced without naming the drug (« pancréatite médicamenteuse »).
_DRUG_INDUCED_WORD = re.compile(r"\b(?:m[ée]dicamenteu(?:x|se)s?|iatrog[èée]nes?)\b", re.IGNORECASE)


_CLAUSE_END = re.compile(r"[.;\n,()]")


def _same_clause(first: QualifiedMention, second: QualifiedMention, documents: dict[str, str]) -> bool:
    """Two mentions of one document, a sentence's reach apart, with no clause end between them: « diarrhée grade 3
    imputable à la capécitabine », not « hypovolémie sur diarrhées aiguës), aggravée par les AINS »."""
    if first.doc_id != second.doc_id or abs(first.start - second.start) > AGENT_DISTANCE:
        return False
    text = documents.get(first.doc_id, "")
    between = text[min(first.end, second.end) : max(first.start, second.start)]
    return not _CLAUSE_END.search(between)


def sentence_around(mention: QualifiedMention, documents: dict[str, str]) -> str:
    """The mention's sentence, on both sides of it."""
    text = documents.get(mention.doc_id, "")
    before = text[max(0, mention.start - AGENT_DISTANCE) : mention.start]
    ends = list(_SENTENCE_END.finditer(before))
    return (
        before[ends[-1].end() if ends else 0 :]
        + text[mention.start : mention.end]
        + _rest_of_sentence(mention, documents, AGENT_DISTANCE)
    )


def _agents_after(candidate: Candidate, documents: dict[str, str]) -> list[str]:
    """The B95-B98 codes of the agents named right after the candidate's current mentions, in their sentence."""
    return [
        agent.code
        for mention in candidate.current
        if not mention.excluded
        for agent in agents_named_in(_rest_of_sentence(mention, documents, AGENT_DISTANCE))
    ]


def _rest_of_sentence(mention: QualifiedMention, documents: dict[str, str], limit: int) -> str:
    """What the mention's sentence says after it, up to `limit` characters (it starts at `mention.end`)."""
    window = documents.get(mention.doc_id, "")[mention.end : mention.end + limit]
    end = _SENTENCE_END.search(window)
    return window[: end.start()] if end else window


# How far after « intoxication médicamenteuse volontaire » its sentence may name the drugs.
POISON_DISTANCE = 160


def poisoning_by_the_drugs_named(decided: list[Decided], documents: dict[str, str], terminology: Terminology) -> None:
    """A poisoning by unspecified drugs (T50.9) whose own sentence names the drugs is coded by them, each once
    (`rules.poisoning`: « … au paracétamol et aux benzodiazépines » → T39.1 + T42.4), or else by the drugs the
    letter says were swallowed (« elle a ingéré vingt comprimés de bromazépam et dix de zolpidem »), and a
    self-poisoning's external cause X64 by their classes (X60 + X61), in the place and activity the first code
    had. A drug after the first is a code of its own, with the drug's name as its evidence."""
    for d in [d for d in decided if d.selected and d.code.startswith("T509")]:
        found = _poisons_after(d.candidate, documents) or _poisons_ingested(d.candidate, documents)
        named = [(p, m) for p, m in found if codable(p.code, terminology)]
        if not named:
            continue
        d.code, d.reason = named[0][0].code, f"{named[0][0].code} : le médicament est nommé"
        decided.extend(_drug_decided(d.candidate, p.code, m) for p, m in named[1:])
        for cause in [c for c in decided if c.selected and c.code.startswith("X64")]:
            classes: dict[str, QualifiedMention] = {}
            for poison, drug in named:
                code = poison.self_harm + cause.code[3:]
                if codable(code, terminology):
                    classes.setdefault(code, drug)
            if classes:
                first, *others = classes
                cause.code, cause.reason = first, f"{first} : classe du médicament nommé"
                decided.extend(_drug_decided(cause.candidate, code, classes[code]) for code in others)
        break


def _drug_decided(candidate: Candidate, code: str, drug: QualifiedMention) -> Decided:
    own = replace(candidate, category=code[:3], mentions=[replace(drug, codes=(code,))])
    return Decided(own, code, selected=True, role="DAS", refined=True)


def codable(code: str, terminology: Terminology) -> bool:
    entry = terminology.get(code)
    return entry is not None and entry.codable


def _poisons_after(candidate: Candidate, documents: dict[str, str]) -> list[tuple[Poison, QualifiedMention]]:
    """The drugs named right after the candidate's current mentions, in their sentence, each code once, with a
    mention of the drug's name."""
    found: list[tuple[Poison, QualifiedMention]] = []
    for mention in candidate.current:
        if not mention.excluded:
            rest = _rest_of_sentence(mention, documents, POISON_DISTANCE)
            _add_poisons(found, mention, documents.get(mention.doc_id, ""), rest, mention.end)
    return found


def _add_poisons(
    found: list[tuple[Poison, QualifiedMention]], mention: QualifiedMention, text: str, words: str, offset: int
) -> None:
    """Each drug `words` (the text from `offset` on) names whose code `found` lacks, with a copy of `mention` on
    the drug's name as its evidence."""
    for poison in poisons_named_in(words):
        if all(poison.code != other.code for other, _ in found):
            start, stop = offset + poison.start, offset + poison.end
            found.append((poison, replace(mention, start=start, end=stop, text=text[start:stop])))


# What the patient swallowed, told apart from the poisoning's name: « elle a ingéré vingt comprimés de bromazépam
# (Lexomil) et dix comprimés de zolpidem », « ingestion de 12 g de paracétamol », « aurait absorbé … ».
_INGESTED = re.compile(
    rf"\b(?:{SWALLOWING_WORDS}|pris(?:e|es)? (?:environ |au moins )?\d+)[^.;\n]{{0,160}}",
    re.IGNORECASE,
)


def _poisons_ingested(candidate: Candidate, documents: dict[str, str]) -> list[tuple[Poison, QualifiedMention]]:
    """The drugs of the sentences that say what was swallowed, in the document of the poisoning's first current
    mention, each code once, with a mention of the drug's name."""
    found: list[tuple[Poison, QualifiedMention]] = []
    for mention in candidate.current[:1]:
        text = documents.get(mention.doc_id, "")
        for clause in _INGESTED.finditer(text):
            _add_poisons(found, mention, text, clause.group(), clause.start())
    return found
