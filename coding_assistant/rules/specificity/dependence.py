"""Dependence syndromes F1x.2 (F10-F19) by the FR 5th (and, where the table has one, 6th) character; an acute
intoxication (F1x.0) and a withdrawal (F1x.3, F1x.4) by the complication their 5th character names.

CIM-10 FR labels (F10.2x): 0 personne actuellement abstinente (6th: 0 rémission récente, 1 partielle,
2 complète), 1 abstinente en environnement protégé, 2 régime de maintenance ou de substitution sous surveillance
médicale, 3 abstinente sous médicaments aversifs ou bloquants, 4 utilisation actuelle (6th: 0 sans symptôme
physique, 1 avec symptômes physiques), 5 utilisation continue, 6 utilisation épisodique. F1x.2 itself is codable
(type 0): with no evidence it is kept. Words count in sentences naming the substance where an anchor is
configured (F10 alcohol, F11 opioids, F12 cannabis, F14 cocaine, F17 tobacco), so "sevré du tabac" says nothing
about alcohol. "Sevrage" alone is ambiguous (a withdrawal stay of a patient still drinking): a planned withdrawal
stay ("cure de sevrage", "sevrage programmé") reads as current use; "sevré(e)" as abstinent.
"""

from __future__ import annotations

from coding_assistant.rules.specificity.model import Context, Suggestion, quoted

# Order of precedence when several statuses are written: treatment facts first, then use, then abstinence.
STATUSES = (
    ("aversive", "3", "abstinent sous médicament aversif"),
    ("maintenance", "2", "maintenance ou substitution sous surveillance médicale"),
    ("episodic", "6", "utilisation épisodique"),
    ("continuous", "5", "utilisation continue"),
    ("current", "4", "utilisation actuelle"),
    ("protected", "1", "abstinent en environnement protégé"),
    ("abstinent", "0", "personne actuellement abstinente"),
)
SIXTH = {
    "0": (
        ("remission_recent", "0", "rémission récente"),
        ("remission_partial", "1", "rémission partielle"),
        ("remission_complete", "2", "rémission complète"),
    ),
    "4": (
        ("no_physical_symptoms", "0", "sans symptôme physique"),
        ("physical_symptoms", "1", "avec symptômes physiques"),
    ),
}


def is_dependence(code: str) -> bool:
    return len(code) >= 4 and code.startswith("F1") and code[3] == "2"


def refine_dependence(code: str, ctx: Context) -> Suggestion | None:
    anchor = f"anchor_{code[:3]}" if ctx.words.pattern("dependence", f"anchor_{code[:3]}") else None
    parts: list[str] = []
    target = code[:5]
    if len(code) < 5:
        for key, digit, meaning in STATUSES:
            found = ctx.evidence("dependence", key, anchor=anchor)
            if found and ctx.exists(code[:4] + digit):
                target = code[:4] + digit
                parts.append(f"{quoted(found)} : {meaning}")
                break
        else:
            return Suggestion(code[:4], f"Aucun élément sur l'usage actuel ou l'abstinence : {code[:4]} conservé")
    for key, digit, meaning in SIXTH.get(target[4], ()):
        guard = key != "no_physical_symptoms"
        found = ctx.evidence("dependence", key, anchor=anchor, guard=guard)
        if found and ctx.exists(target + digit):
            target += digit
            parts.append(f"{quoted(found)} : {meaning}")
            break
    else:
        if target[4:] == "4" and ctx.exists(target + "0"):
            # Current use with no physical symptom written (tremor, sweats, a withdrawal syndrome): the FR 6th
            # character 0, « sans symptôme physique », as an episode with no complication written is « sans
            # complication ».
            target += "0"
            parts.append(f"{target} : aucun symptôme physique écrit")
    return Suggestion(target, "; ".join(parts) if parts else f"{target} conservé : rien de plus précis dans le texte")


# The complications the 5th character of an episode names (CIM-10 FR F10.0x « intoxication aiguë … avec coma /
# avec convulsions / avec traumatismes ou autres blessures physiques », F10.3x and F10.4x « … avec convulsions »),
# in order of precedence; none written: 0, « sans complication ».
EPISODES = {
    "0": (
        ("episode_coma", "5", "avec coma"),
        ("episode_convulsions", "6", "avec convulsions"),
        ("episode_trauma", "1", "avec traumatismes ou autres blessures physiques"),
    ),
    "3": (("episode_convulsions", "1", "avec convulsions"),),
    "4": (("episode_convulsions", "1", "avec convulsions"),),
}


def is_substance_episode(code: str) -> bool:
    return len(code) == 4 and code.startswith("F1") and code[3] in EPISODES


def refine_substance_episode(code: str, ctx: Context) -> Suggestion | None:
    """The complication the letter writes (a withdrawal's seizure need not name the substance again: « crise
    convulsive de sevrage »; an intoxication's fall or coma must be in a sentence that names it)."""
    anchor = f"anchor_{code[:3]}" if ctx.words.pattern("dependence", f"anchor_{code[:3]}") else None
    for key, digit, meaning in EPISODES[code[3]]:
        found = ctx.evidence("dependence", key, anchor=anchor if code[3] == "0" else None)
        if found and ctx.exists(code + digit):
            return Suggestion(code + digit, f"{quoted(found)} : {meaning}")
    if ctx.exists(code + "0"):
        return Suggestion(code + "0", f"{code}0 : aucune complication écrite")
    return None
