"""find_measurements: each kind, French phrasings, units, plausibility, offsets."""

from __future__ import annotations

import re

import pytest

from coding_assistant.text.measurements import Measurement, decisive, find_measurements, latest, most_extreme


def values(text: str, kind: str) -> list[float]:
    found = [m for m in find_measurements(text) if m.kind == kind]
    for m in found:
        assert text[m.start : m.end] == m.text
    return [m.value for m in found]


CASES = [
    ("fevg", "FEVG 30 % au Simpson biplan.", 30.0),
    ("fevg", "FEVG altérée (35 % en 2023).", 35.0),
    ("fevg", "fraction d'éjection du ventricule gauche à 40%.", 40.0),
    ("fevg", "FEVG estimée à 25-30 %.", 27.5),
    ("fevg", "FEVG = 55", 55.0),
    ("imc", "IMC 31,5.", 31.5),
    ("imc", "IMC = 41.6 kg/m²", 41.6),
    ("imc", "BMI à 28 kg/m2", 28.0),
    ("poids", "Poids 72 kg.", 72.0),
    ("poids", "pèse 104,5 kg", 104.5),
    ("poids", "Poids de naissance 3250 g", 3.25),
    ("taille", "taille 1,79 m", 179.0),
    ("taille", "taille 178 cm", 178.0),
    ("kaliemie", "K+ 6,8", 6.8),
    ("kaliemie", "kaliémie à 6.8 mmol/l", 6.8),
    ("kaliemie", "hyperkaliémie à 7,1", 7.1),
    ("kaliemie", "K : 5,9 mEq/l", 5.9),
    ("natremie", "Na 124", 124.0),
    ("natremie", "natrémie 121 mmol/L", 121.0),
    ("natremie", "hyponatrémie à 118", 118.0),
    ("creatinine", "créat 186 µmol/l", 186.0),
    ("creatinine", "Créatininémie : 95 umol/L", 95.0),
    ("creatinine", "créatinine 18 mg/L", 159.12),
    ("creatinine", "créatinine 1,2 mg/dl", 106.08),
    ("dfg", "DFG (CKD-EPI) 22", 22.0),
    ("dfg", "DFG 48 ml/min/1,73m²", 48.0),
    ("dfg", "clairance 28 ml/min", 28.0),
    ("dfg", "clairance de la créatinine à 35 mL/min", 35.0),
    ("hba1c", "HbA1c 7,8 %", 7.8),
    ("hba1c", "hémoglobine glyquée à 9%", 9.0),
    ("terme", "terme 39 SA", 39.0),
    ("terme", "accouchement à 32 SA + 3 j", 32.43),
    ("terme", "38+2 SA", 38.29),
    ("terme", "34 SA et 5 jours", 34.71),
    ("delai_prise_en_charge", "douleur depuis 3 h", 3.0),
    ("delai_prise_en_charge", "fièvre depuis 2 jours", 48.0),
    ("delai_prise_en_charge", "délai symptômes-reperfusion de 4 h", 4.0),
    ("delai_prise_en_charge", "Délai douleur-ballon 1h30", 1.5),
    ("glycemie", "glycémie 13,8 mmol/L", 13.8),
    ("glycemie", "glycémie à 2 g/l", 11.1),
    ("glycemie", "glycémie capillaire 1,12", 6.22),
    ("hemoglobine", "Hb 11,9 g/dL", 11.9),
    ("hemoglobine", "hémoglobine à 7.2 g/dl", 7.2),
    ("hemoglobine", "Hb 98 g/L", 9.8),
    ("crp", "CRP 87 mg/L", 87.0),
    ("crp", "CRP à 164", 164.0),
    ("crp", "protéine C réactive 12 mg/dl", 120.0),
]


@pytest.mark.parametrize(("kind", "text", "value"), CASES)
def test_kinds_and_phrasings(kind: str, text: str, value: float) -> None:
    assert values(text, kind) == [pytest.approx(value, abs=0.01)]


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("fevg", "FEVG 300 %"),
        ("fevg", "FEVG conservée, DTD 62 mm"),
        ("kaliemie", "Diffu-K 2 gél/j"),
        ("kaliemie", "vitamine K 10 mg"),
        ("natremie", "NaCl 0,9 %"),
        ("dfg", "Dapagliflozine non introduite (DFG < 25)."),
        ("creatinine", "créat > 133"),
        ("hemoglobine", "HbA1c 7 %"),
        ("poids", "prise de poids de 4 kg"),
        ("taille", "taille de la lésion 3 cm"),
        ("delai_prise_en_charge", "palpitations depuis 6h du matin"),
        ("delai_prise_en_charge", "HTA depuis 2015"),
        ("glycemie", "glycémie 5"),  # mmol/L or g/L: nobody can tell
        ("crp", "CRP à J15 normale"),
        ("terme", "sa mère a 39 ans"),
    ],
)
def test_rejected(kind: str, text: str) -> None:
    assert values(text, kind) == []


def test_comparator_is_kept_for_delays() -> None:
    (delay,) = [m for m in find_measurements("SCA ST+ pris en charge < 24 h.") if m.kind == "delai_prise_en_charge"]
    assert (delay.value, delay.comparator) == (24.0, "<")


def test_ranges_and_sequences() -> None:
    (dfg,) = [m for m in find_measurements("DFG 22-25.") if m.kind == "dfg"]
    assert (dfg.value, dfg.low, dfg.high) == (23.5, 22.0, 25.0)
    assert values("Hyponatrémie : 126 -> 131 mmol/L.", "natremie") == [126.0, 131.0]
    assert values("CRP 48 mg/L (H12) puis 164 mg/L à H48.", "crp") == [48.0, 164.0]
    assert values("créat max 214 µmol/l à J3 puis 181 µmol/l.", "creatinine") == [214.0, 181.0]


def test_imc_computed_from_weight_and_height() -> None:
    text = "Examen : poids 82 kg / 1,61 m. Poids 90 kg, taille 180 cm."
    computed = [m for m in find_measurements(text) if m.kind == "imc"]
    assert [m.value for m in computed] == [31.6, 27.8]
    assert all(m.computed for m in computed)
    # an IMC written beside the weight and height is not computed again
    written = find_measurements("Poids 104 kg, taille 1,79 m (IMC 32,5).")
    assert [(m.value, m.computed) for m in written if m.kind == "imc"] == [(32.5, False)]


def test_offsets_round_trip() -> None:
    text = "Bio : Na 136 mmol/L, K+ 3,2 mmol/L, créat 186 µmol/l (DFG CKD-EPI 22 ml/min/1,73 m2). HbA1c 7,8 %."
    found = find_measurements(text)
    assert {m.kind for m in found} == {"natremie", "kaliemie", "creatinine", "dfg", "hba1c"}
    for m in found:
        assert text[m.start : m.end] == m.text
        assert any(ch.isdigit() for ch in m.text)
    assert [m.start for m in found] == sorted(m.start for m in found)


def test_decisive_values() -> None:
    text = "FEVG 45 %. K+ 5,1 puis K+ 6,9. FEVG 30 % à J3. Na 131 puis Na 150. FEVG 50 % à la sortie."
    found = find_measurements(text)
    assert decisive(found, "fevg").value == 30.0  # the lowest
    assert decisive(found, "kaliemie").value == 6.9  # the highest
    assert decisive(found, "natremie").value == 150.0  # the farthest from 140
    assert latest(found, "fevg").value == 50.0
    assert most_extreme(found, "fevg", highest=True).value == 50.0
    assert decisive(found, "crp") is None


def test_decisive_prefers_written_imc() -> None:
    found = find_measurements("Poids 90 kg, taille 180 cm. Plus loin dans la lettre, une longue phrase. IMC 30.")
    imc = decisive(found, "imc")
    assert isinstance(imc, Measurement) and imc.value == 30.0 and not imc.computed


def _first_characters(items: object) -> tuple[set[str], bool]:
    """The characters a match of a parsed regex can begin with, and whether it can match nothing."""
    from re import _constants as C  # type: ignore[attr-defined]

    chars: set[str] = set()
    for op, av in items:  # type: ignore[attr-defined]
        if op in (C.ASSERT, C.ASSERT_NOT, C.AT):
            continue  # zero-width: the next item begins the match
        if op is C.LITERAL:
            return chars | {chr(av)}, False
        if op is C.IN:
            for kind, value in av:
                assert kind is C.LITERAL, f"a class beginning a keyword: {kind}"
                chars.add(chr(value))
            return chars, False
        if op is C.SUBPATTERN:
            found, empty = _first_characters(av[3])
        elif op is C.BRANCH:
            parts = [_first_characters(branch) for branch in av[1]]
            found, empty = {c for part, _ in parts for c in part}, any(e for _, e in parts)
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT):
            found, empty = _first_characters(av[2])
            empty = empty or av[0] == 0
        else:
            raise AssertionError(f"a keyword beginning with {op}")
        chars |= found
        if not empty:
            return chars, False
    return chars, True


def test_the_keyword_scan_tries_every_letter_a_keyword_begins_with() -> None:
    from re import _parser  # type: ignore[attr-defined]

    from coding_assistant.text.measurements import KEYWORD_FIRST_LETTERS
    from coding_assistant.text.patterns import measurements as P

    for kind, spec in P.KINDS.items():
        chars, empty = _first_characters(_parser.parse(spec.keyword, re.IGNORECASE))
        assert not empty, kind
        assert {c.lower() for c in chars} <= set(KEYWORD_FIRST_LETTERS), kind
