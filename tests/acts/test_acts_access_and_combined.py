"""Gestures a report writes that are no act of their own, and acts the label names together: the diagnostic
endoscopy that is the route of a therapeutic one, the puncture that gives a percutaneous act its access, a vein
punctured for a lead, a later report dating itself from an earlier act (« à J2 de la … »), a dilution read as a
date; and the combined label (« A avec B ») of a group that names both acts, the rays a fasciectomy counts, the
wordings of a Heller myotomy and of a polypectomy snare used as a tool. Reports written here, in the styles of
French operative, endoscopy and interventional reports; each rule with a case where it applies and one where it
must not."""

from __future__ import annotations

from datetime import date

import pytest

from coding_assistant.acts import ActProposer, default_proposer
from tests.acts.act_reports import selected_acts, stay_acts


@pytest.fixture(scope="module")
def proposer() -> ActProposer:
    return default_proposer()


def selected_in_stay(proposer: ActProposer, documents: list[tuple[str, str]], sex: str = "M") -> list[str]:
    """The selected codes of a stay of several documents (type, text), in April 2026."""
    acts = stay_acts(proposer, documents, sex, age=66, stay_dates=(date(2026, 4, 6), date(2026, 4, 14)))
    return [act.code for act in acts if act.selected]


# A group that names two acts: the label that names both (proposer `_prefer_combined`).

TORSION_REPORT = (
    "COMPTE RENDU OPÉRATOIRE — 07/04/2026\nTorsion testiculaire gauche. Anesthésie générale.\n"
    "Incision scrotale médiane. Torsion du cordon spermatique gauche de 540°, testicule violacé.\n"
    "Détorsion, réchauffement au sérum chaud : recoloration progressive. Testicule conservé.\n"
    "Orchidopexie gauche par 3 points non résorbables.\nPar la même incision, orchidopexie droite de principe.\n"
    "Fermeture en deux plans."
)


def test_a_group_naming_a_detorsion_and_an_orchidopexy_is_the_combined_label(proposer):
    letter = (
        "Le 07/04/2026 : détorsion du cordon spermatique gauche et orchidopexie bilatérale par voie scrotale ; "
        "testicule gauche conservé."
    )
    codes = selected_in_stay(proposer, [("CRO", TORSION_REPORT), ("CRH", letter)])
    assert "JHEA010" in codes  # « Détorsion du cordon spermatique avec orchidopexie … »
    assert "JHDA001" not in codes  # « Orchidopexie, par abord scrotal »


def test_an_orchidopexy_alone_keeps_its_own_label(proposer):
    text = (
        "CRO du 07/04/2026 — Testicule oscillant\n"
        "Anesthésie générale. Incision scrotale médiane. Orchidopexie bilatérale par trois points. Fermeture."
    )
    codes = selected_acts(proposer, text)
    assert "JHDA001" in codes
    assert "JHEA010" not in codes


# The diagnostic endoscopy that leads to a therapeutic endoscopic act further along the digestive tract
# (proposer `_digestive_route`).


def test_the_rectosigmoidoscopy_of_an_endoscopic_detorsion_is_its_route(proposer):
    text = (
        "COMPTE RENDU D'ENDOSCOPIE — 07/04/2026\n"
        "Rectosigmoïdoscopie souple en urgence : spire de torsion à 22 cm de la marge anale.\n"
        "Franchissement prudent de la spire, exsufflation, détorsion endoscopique du volvulus du côlon sigmoïde. "
        "Sonde rectale laissée en place."
    )
    codes = selected_acts(proposer, text, doc_type="CR-ENDO")
    assert "HHEE001" in codes  # « Détorsion d'un volvulus du côlon, par endoscopie »
    assert "HJQE001" not in codes  # « Rectosigmoïdoscopie »


def test_a_rectosigmoidoscopy_alone_is_an_act(proposer):
    text = (
        "COMPTE RENDU D'ENDOSCOPIE — 07/04/2026\n"
        "Rectosigmoïdoscopie souple après lavement : muqueuse rectale et sigmoïdienne normale jusqu'à 50 cm.\n"
        "Conclusion : examen normal."
    )
    assert "HJQE001" in selected_acts(proposer, text, doc_type="CR-ENDO")


# The puncture that gives a guided transcutaneous act its access (proposer `_puncture_access`), and the vein
# punctured for a lead (wordings.csv).


def test_the_puncture_of_a_percutaneous_nephrostomy_is_its_access(proposer):
    text = (
        "COMPTE RENDU — NÉPHROSTOMIE PERCUTANÉE DROITE — 07/04/2026\n"
        "Décubitus ventral, anesthésie locale. Ponction d'un calice postérieur inférieur sous guidage "
        "échographique, opacification, mise en place sous scopie d'une sonde de néphrostomie 8 F."
    )
    codes = selected_acts(proposer, text, doc_type="CR-INTERV")
    assert "JACH001" in codes  # « Néphrostomie, par voie transcutanée avec guidage échographique et/ou … »
    assert not [code for code in codes if code[2] == "H"]  # no puncture of another organ


def test_a_puncture_alone_is_an_act(proposer):
    text = (
        "RADIOLOGIE INTERVENTIONNELLE — 07/04/2026\n"
        "Ponction d'une collection hépatique du segment VI sous guidage échographique, aspiration de 40 mL de pus. "
        "Pas de drain laissé en place."
    )
    assert "HLHJ004" in selected_acts(proposer, text, doc_type="CR-INTERV")


def test_the_vein_punctured_for_a_pacing_lead_is_no_puncture_act(proposer):
    text = (
        "COMPTE RENDU D'IMPLANTATION DE STIMULATEUR CARDIAQUE — 07/04/2026\n"
        "Indication : bloc atrioventriculaire complet.\n"
        "Anesthésie locale sous-claviculaire gauche. Incision, loge prépectorale. Dénudation de la veine céphalique : "
        "veine trop fine, abandon. Ponction de la veine axillaire gauche sous scopie.\n"
        "Mise en place d'une sonde ventriculaire droite à vis active. Boîtier connecté, fermeture."
    )
    codes = selected_acts(proposer, text, doc_type="CR-INTERV")
    assert any(code.startswith("DELF") for code in codes)
    assert not [code for code in codes if code[2] == "H"]


# A later report that dates itself from an earlier act (cues.csv: « à J2 de la … »).


def test_a_report_dating_itself_from_an_earlier_act_does_not_make_it_an_act_again(proposer):
    documents = [
        (
            "CR-INTERV",
            "RADIOLOGIE INTERVENTIONNELLE — 09/04/2026\n"
            "À J2 de la cholécystectomie, fièvre. Ponction d'une collection hépatique du segment IV sous "
            "guidage échographique, aspiration de 30 mL.",
        )
    ]
    codes = selected_in_stay(proposer, documents)
    assert "HLHJ004" in codes
    assert not [code for code in codes if code.startswith("HMF")]  # no cholecystectomy


def test_an_act_written_with_its_own_date_is_still_an_act(proposer):
    documents = [
        (
            "CR-INTERV",
            "RADIOLOGIE INTERVENTIONNELLE — 09/04/2026\n"
            "Cholécystectomie par cœlioscopie le 07/04/2026, fièvre. Ponction d'une collection hépatique du "
            "segment IV sous guidage échographique, aspiration de 30 mL.",
        )
    ]
    codes = selected_in_stay(proposer, documents)
    assert "HLHJ004" in codes
    assert [code for code in codes if code.startswith("HMF")]


# A dilution written with a thousands space is no date (dates.py `_DAY`).


@pytest.mark.parametrize("dilution", ["au 1/10 000", "au 1/10000 (10 mL)"])
def test_a_dilution_is_no_date_after_the_stay(proposer, dilution):
    # A July stay: « 1/10 » read as a day would be the 1st of October, after the discharge (an act planned).
    text = (
        "COMPTE RENDU D'ENDOSCOPIE — 06/07/2026\n"
        "Bulbe : ulcère de la face antérieure avec vaisseau visible.\n"
        f"Hémostase endoscopique : injection d'adrénaline diluée {dilution} puis pose de 2 clips. Pas de laser."
    )
    july = (date(2026, 7, 5), date(2026, 7, 10))
    assert "HESE002" in selected_acts(proposer, text, doc_type="CR-ENDO", stay_dates=july)


# Counted rays of the hand (labels.py `_COUNT`: « sur un rayon », « sur plusieurs rayons »; counts.csv).


@pytest.mark.parametrize(
    ("rays", "code", "sibling"), [("deux rayons", "MJFA010", "MJFA006"), ("un rayon", "MJFA006", "MJFA010")]
)
def test_the_rays_a_fasciectomy_counts_choose_its_label(proposer, rays, code, sibling):
    text = (
        "CRO du 07/04/2026 — Maladie de Dupuytren main droite\n"
        f"Aponévrectomie palmodigitale sur {rays}, incisions de Bruner, libération des pédicules. Fermeture."
    )
    codes = selected_acts(proposer, text)
    assert code in codes
    assert sibling not in codes


# Wordings: a Heller myotomy with a Dor, and a polypectomy snare used as a tool.


def test_a_heller_myotomy_with_a_fundoplication_is_the_label_with_an_antireflux_procedure(proposer):
    text = (
        "CRO du 07/04/2026 — Achalasie\n"
        "Intervention : myotomie de Heller par cœlioscopie avec fundoplicature antérieure selon Dor."
    )
    codes = selected_acts(proposer, text)
    assert "HEPC003" in codes
    assert "HEPC002" not in codes


def test_a_snare_used_to_remove_a_food_bolus_is_no_polypectomy(proposer):
    text = (
        "COMPTE RENDU D'ENDOSCOPIE — 07/04/2026\n"
        "Bol alimentaire impacté dans l'œsophage distal. Extraction du corps étranger par fibroscopie "
        "œso-gastro-duodénale : retrait à l'anse à polypectomie en plusieurs passages. Muqueuse intacte."
    )
    codes = selected_acts(proposer, text, doc_type="CR-ENDO")
    assert [code for code in codes if code.startswith("HEGE")]  # « Ablation de corps étranger de l'oesophage … »
    assert not [code for code in codes if code.startswith(("HEFE", "HHFE"))]
