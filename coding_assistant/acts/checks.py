"""PMSI checks of a stay's CCAM acts, each with its ATIH fonction groupage return code
(`terminologies/rules/fg_mco_codes_retour_erreurs.csv`):

- act unknown to the CCAM (FG 73), or not valid at the stay's dates (FG 78 entry / FG 79 exit);
- act for one sex only (`compatibilite_sexe` of `ccam_actes.csv`, FG 148);
- act whose label bounds the age ("après l'âge de 16 ans", "chez le nouveau-né", FG 149; a warning: the bound
  is read from the label);
- activity the act does not have (`ccam_code_activite_phase_dernier_tarif.csv`: FG 110 for activity 4,
  FG 111 otherwise) and phase not listed for that activity (no FG return code of its own);
- date of the act outside the stay (FG 102; FG 142 for a delivery act);
- delivery acts with delivery diagnoses (FG 205 / 206): `rules.obstetrics.check_delivery`, reused.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from coding_assistant.acts.catalogue import ActCatalogue
from coding_assistant.rules.coding import normalise_coding
from coding_assistant.rules.data import RulesData, default_rules_data
from coding_assistant.rules.obstetrics import check_delivery
from coding_assistant.rules.warning import RuleWarning

_SEX_WORDS = {"M": "un homme", "F": "une femme"}


def check_act(
    code: str,
    activity: int,
    phase: int,
    day: date | None,
    catalogue: ActCatalogue,
    *,
    sex: str | None = None,
    age: int | None = None,
    admission: date | None = None,
    discharge: date | None = None,
    rules: RulesData | None = None,
) -> list[RuleWarning]:
    """Every check of one act line (code, activity, phase, date) for a stay."""
    act = catalogue.acts.get(code)
    if act is None:
        return [_warning("act-unknown", code, f"{code} n'existe pas dans la CCAM chargée", "73")]
    warnings: list[RuleWarning] = []
    if admission and act.end_date and act.end_date < admission.isoformat():
        warnings.append(
            _warning("act-validity", code, f"{code} n'est plus valide à l'entrée (fin {act.end_date})", "78")
        )
    if discharge and act.start_date and act.start_date > discharge.isoformat():
        warnings.append(
            _warning("act-validity", code, f"{code} n'est pas encore valide à la sortie (début {act.start_date})", "79")
        )
    if sex in _SEX_WORDS and act.sex and act.sex != sex:
        warnings.append(
            _warning(
                "act-sex", code, f"{code} ne convient qu'à {_SEX_WORDS[act.sex]} ; patient(e) de sexe {sex}", "148"
            )
        )
    entry = catalogue.by_code.get(code)
    bounds = entry.features.ages if entry else None
    if bounds and age is not None and not bounds[0] <= age <= bounds[1]:
        warnings.append(
            _warning(
                "act-age",
                code,
                f"{code} ({bounds[0]}-{bounds[1]} ans d'après son libellé) pour un âge de {age} an(s)",
                "149",
                "warning",
            )
        )
    phases = act.activity_phases.get(str(activity))
    if phases is None:
        fg = "110" if activity == 4 else "111"
        warnings.append(_warning("act-activity", code, f"{code} n'a pas d'activité {activity}", fg))
    elif str(phase) not in phases:
        listed = ", ".join(sorted(phases))
        warnings.append(
            _warning("act-phase", code, f"{code} activité {activity} : phase {phase} non prévue ({listed})", None)
        )
    if day and ((admission and day < admission) or (discharge and day > discharge)):
        rules = rules or default_rules_data()
        fg = "142" if code in rules.delivery_acts else "102"
        warnings.append(_warning("act-date", code, f"{code} daté du {day:%d/%m/%Y}, hors des dates du séjour", fg))
    return warnings


def check_delivery_acts(
    dp: str | None, dr: str | None, das: Sequence[str], acts: Sequence[str], rules: RulesData | None = None
) -> list[RuleWarning]:
    """Delivery diagnoses and delivery acts together (FG returns 205/206), on the acts given (none: not checked)."""
    coding, _ = normalise_coding(dp, dr, das, None, None, acts)
    return check_delivery(coding, rules or default_rules_data())


def default_phase(code: str, activity: int, catalogue: ActCatalogue) -> int:
    """Phase 0 when the act has it for this activity (single-phase acts), else its first listed phase."""
    act = catalogue.acts.get(code)
    phases = sorted(act.activity_phases.get(str(activity), set())) if act else []
    return 0 if not phases or "0" in phases else int(phases[0])


def _warning(rule: str, code: str, text: str, fg: str | None, severity: str = "error") -> RuleWarning:
    return RuleWarning(rule, code, f"{text}", fg, "warning" if severity == "warning" else "error")
