"""Heart failure (I50) by FEVG, myocardial infarction (I21) by site, care episode and delay.

CIM-10 FR labels (ATIH table):
- I50.0x congestive / I50.1x left ventricular failure: 5th character 0 FEVG ≥ 50, 1 FEVG < 50 and ≥ 40,
  2 FEVG < 40, 9 FEVG non précisée. OAP (oedème aigu du poumon) is a left ventricular failure (CIM-10 FR: an
  inclusion term of I50.1).
- I21.0 anterior, I21.1 inferior, I21.2 other sites, I21.3 site not stated, I21.4 sub-endocardial (NSTEMI),
  I21.9 unspecified; 4-character codes are type 3 ("prise en charge non précisée"). 5th character 0 "prise en
  charge initiale", 8 "autres prises en charge"; 6th character 0 under x0: "infarctus de 24 heures ou moins".
"""

from __future__ import annotations

from coding_assistant.rules.specificity.model import Context, Suggestion, fr_number, quoted, sentence
from coding_assistant.text.measurements import decisive

FAMILY_HF = "heart_failure"
FAMILY_MI = "infarction"


def fevg_band(value: float) -> tuple[str, str]:
    """FR 5th character and the sentence for a FEVG (%)."""
    if value >= 50:
        return "0", f"FEVG {fr_number(value)} % ≥ 50 %"
    if value >= 40:
        return "1", f"FEVG {fr_number(value)} % entre 40 et 49 %"
    return "2", f"FEVG {fr_number(value)} % < 40 %"


def _fevg(ctx: Context) -> tuple[str, str] | None:
    measurement = decisive(list(ctx.measurements), "fevg")
    if measurement is not None:
        return fevg_band(measurement.value)
    for key, digit, meaning in (
        ("reduced", "2", "< 40 %"),
        ("mid_range", "1", "entre 40 et 49 %"),
        ("preserved", "0", "≥ 50 %"),
    ):
        found = ctx.evidence(FAMILY_HF, key)
        if found:
            return digit, f"{quoted(found)} : FEVG {meaning}"
    return None


def refine_heart_failure(code: str, ctx: Context) -> Suggestion | None:
    fevg = _fevg(ctx)
    if code[:4] in ("I500", "I501"):
        branch, why = code[:4], ""
    else:
        left = ctx.evidence(FAMILY_HF, "left")
        congestive = ctx.evidence(FAMILY_HF, "congestive")
        if left:
            branch, why = "I501", f"{quoted(left)} : insuffisance ventriculaire gauche"
        elif congestive:
            branch, why = "I500", f"{quoted(congestive)} : insuffisance cardiaque congestive"
        elif fevg is not None:
            branch, why = "I500", "type non précisé, FEVG connue : insuffisance cardiaque congestive"
        else:
            return None
    digit, band = fevg or ("9", "FEVG non retrouvée dans le texte")
    reason = f"{why} ; {band}" if why else band
    return Suggestion(branch + digit, sentence(reason))


_SITES = (  # order matters: an "antéro-latéral" infarct is anterior, an "inféro-latéral" one inferior
    ("subendocardial", "4", "sous-endocardique"),
    ("anterior", "0", "antérieur"),
    ("inferior", "1", "inférieur"),
    ("other_site", "2", "d'autre localisation"),
    ("transmural", "3", "transmural de localisation non précisée"),
)
_LATE = (">", ">=", "≥", "plus de")


def refine_infarction(code: str, ctx: Context) -> Suggestion | None:
    parts: list[str] = []
    if len(code) >= 4 and code[3] not in "39":
        site = code[:4]
    else:
        site = code[:4] if len(code) >= 4 else "I219"
        for key, digit, meaning in _SITES:
            found = ctx.evidence(FAMILY_MI, key, anchor="anchor")
            if found:
                site = "I21" + digit
                parts.append(f"infarctus {meaning} ({quoted(found)})")
                break
        else:
            parts.append("localisation non précisée" if site == "I213" else "infarctus sans précision de siège")
    delay = decisive(list(ctx.measurements), "delai_prise_en_charge")
    if len(code) >= 5:
        care = code[4]
    else:
        other = ctx.evidence(FAMILY_MI, "other_care", anchor="anchor")
        initial = ctx.evidence(FAMILY_MI, "initial_care", anchor="anchor")
        if initial or (delay is not None and not other):
            care = "0"
            parts.append(f"prise en charge initiale ({quoted(initial)})" if initial else "prise en charge initiale")
        elif other:
            care = "8"
            parts.append(f"autre prise en charge ({quoted(other)})")
        else:
            care = "0" if ctx.default_infarct_care == "initial" else "8"
            parts.append(
                "prise en charge non précisée : " + ("initiale" if care == "0" else "autre") + " par défaut, à vérifier"
            )
    target = site + care
    if care == "0" and delay is not None:
        within = delay.value <= 24 and (delay.comparator or "").strip() not in _LATE
        shown = f"{(delay.comparator or '').strip()} {fr_number(delay.value)} h".strip()
        if within:
            target += "0"
            parts.append(f"délai {shown} ≤ 24 h")
        else:
            parts.append(f"délai {shown} : plus de 24 h")
    reason = ", ".join(parts)
    return Suggestion(target, sentence(reason))
