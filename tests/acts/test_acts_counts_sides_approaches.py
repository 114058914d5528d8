"""How a report's counts, sides, approaches and wordings choose an act: a number inside a wording (« extraction de
deux calculs »), teeth named by their numbers, both sides in one sentence, an approach only considered, an
operative report that names no endoscope, a first line that is the report's title, « et/ou » in a label's
approach, and how surgeons and interventionists write pacemakers, veins, dialysis catheters, flaps, plates and
hernia repairs. Reports written here, in the styles of French wards."""

from __future__ import annotations

from datetime import date

import pytest

from coding_assistant.acts import ActProposer, default_proposer
from coding_assistant.acts.catalogue import ActCatalogue, default_catalogue
from coding_assistant.acts.reading import read_features
from tests.acts.act_reports import act_lines, selected_acts


@pytest.fixture(scope="module")
def proposer() -> ActProposer:
    return default_proposer()


@pytest.fixture(scope="module")
def catalogue() -> ActCatalogue:
    return default_catalogue()


# The reports below are dated 12/05/2026, inside this stay.
STAY = {"sex": "F", "age": 64, "stay_dates": (date(2026, 5, 11), date(2026, 5, 14))}


def proposed(proposer: ActProposer, text: str, doc_type: str = "CRO") -> list[tuple[str, bool]]:
    return act_lines(proposer, text, doc_type, **STAY)


def selected(proposer: ActProposer, text: str, doc_type: str = "CRO") -> list[str]:
    return selected_acts(proposer, text, doc_type, **STAY)


def test_a_number_inside_a_wording_is_read_past(proposer):
    # HMGE002 « Ablation de calcul de la voie biliaire principale, par oeso-gastro-duodénoscopie ».
    text = (
        "CR-ENDO du 12/05/2026 — CPRE\n"
        "Indication : lithiase de la VBP, cholestase.\n"
        "Cathétérisme biliaire sélectif, sphinctérotomie biliaire de 8 mm.\n"
        "Extraction de trois calculs au ballon. Cholangiographie de contrôle : VBP libre."
    )
    assert "HMGE002" in selected(proposer, text, doc_type="CR-ENDO")


def test_an_and_or_inside_an_approach_joins_what_it_uses_not_two_approaches(catalogue):
    by_code = {entry.code: entry.features for entry in catalogue.entries}
    # « … par oeso-gastro-duodénoscopie et par voie transcutanée avec guidage échographique et/ou radiologique »
    assert by_code["HMGH001"].required_approaches == {"endoscopie", "transcutanée"}
    # « … par coelioscopie ou par laparotomie avec préparation par coelioscopie »: either, so neither required.
    assert by_code["HHFA008"].required_approaches == frozenset()


def test_teeth_named_by_their_numbers_count_the_teeth(proposer):
    found = read_features("Avulsion de la 36 et de la 46 le 09/05", "", set())
    assert found.counts["dent"] == 2
    assert "dent" not in read_features("Biopsie le 12/05 à 11 h", "", set()).counts
    text = (
        "CRO stomatologie 12/05/2026\n"
        "Foyers infectieux dentaires avant chirurgie valvulaire.\n"
        "Geste : avulsion de la 16, de la 26 et de la 47 sous anesthésie locale, sans alvéolectomie."
    )
    # HBGD319 « Avulsion de 3 dents permanentes sur arcade sans alvéolectomie ».
    chosen = selected(proposer, text)
    assert chosen and chosen[0] == "HBGD319"


def test_both_sides_in_one_sentence_make_a_bilateral_act(proposer):
    text = (
        "CRO — 12/05/2026 — Hernies inguinales\n"
        "Voie d'abord : TEP (totalement extrapéritonéale), trois trocarts médians.\n"
        "Réduction du sac indirect à droite puis du sac direct à gauche, pariétalisation du cordon.\n"
        "Mise en place d'une prothèse de 15 x 12 cm de chaque côté."
    )
    # LMMC001 « Cure bilatérale d'une hernie de l'aine avec pose de prothèse, par vidéochirurgie ».
    assert selected(proposer, text)[0] == "LMMC001"


UMBILICAL = (
    "CRO 12/05/26. Hernie ombilicale, collet 2 cm.\n"
    "{considered}"
    "Incision arciforme sous-ombilicale. Dissection et réduction du sac, épiploon sain.\n"
    "Mise en place d'une prothèse prépéritonéale de 8 cm, fermeture aponévrotique par-dessus."
)


@pytest.mark.parametrize("considered", ["", "Une cure par cœlioscopie a été discutée en consultation : non retenue.\n"])
def test_an_open_repair_is_read_from_its_steps_and_an_approach_only_considered_does_not_count(proposer, considered):
    # LMMA006 « Cure de hernie de la paroi abdominale antérieure après l'âge de 16 ans avec pose de prothèse, par
    # abord direct »: the first line is the report's title (its diagnosis counts), the report names no endoscope.
    assert selected(proposer, UMBILICAL.format(considered=considered))[0] == "LMMA006"


def test_material_removal_not_planned_is_not_done(proposer):
    text = (
        "CRO — 12/05/2026\n"
        "Intervention : ostéosynthèse de fracture bimalléolaire par plaque tiers de tube et vis.\n"
        "Ablation du matériel non prévue, à discuter à un an."
    )
    codes = selected(proposer, text)
    assert codes and codes[0].startswith("NCCA")
    assert not any(code.startswith("NDGA") for code in codes)


@pytest.mark.parametrize(
    ("text", "doc_type", "code"),
    [
        (
            "COMPTE RENDU D'HOSPITALISATION\nÉvolution : BAV complet, implantation d'un stimulateur monochambre "
            "VVIR le 12/05 par voie céphalique gauche.",
            "CRH",
            "DELF007",  # « … avec pose d'une sonde intraatriale ou intraventriculaire droite … »
        ),
        (
            "CR-INTERV 12/05/2026\nImplantation d'un pacemaker double chambre DDD, sondes atriale et "
            "ventriculaire droite par ponction de la veine axillaire gauche.",
            "CR-INTERV",
            "DELF005",  # « … avec pose d'une sonde intraatriale et d'une sonde intraventriculaire droites … »
        ),
        (
            "CRO 12/05/2026 — Radiofréquence de la GVS droite + phlébectomies\nPonction échoguidée de la GVS au "
            "genou, occlusion par radiofréquence sur 38 cm. Phlébectomies homolatérales de jambe.",
            "CRO",
            "EJSF032",
        ),
        (
            "CR-INTERV — 12/05/2026\nPose d'un cathéter de dialyse tunnellisé jugulaire interne droit sous "
            "échographie, extrémité dans l'oreillette droite.",
            "CR-INTERV",
            "EPLF003",
        ),
        (
            "CRO — 12/05/2026 — main gauche\nIncision palmaire de 2 cm, section du ligament annulaire antérieur "
            "du carpe, nerf médian libéré.",
            "CRO",
            "AHPA009",
        ),
        (
            "CRO — Hystéroscopie opératoire — 12/05/2026\nPolype fundique de 12 mm. Résection du polype à l'anse "
            "jusqu'à sa base.",
            "CRO",
            "JKFE001",
        ),
        (
            "CRO 12/05/2026\nCarcinome basocellulaire de l'aile du nez : exérèse non transfixiante, marges de 3 mm. "
            "Perte de substance de 12 mm réparée par un lambeau local d'avancement.",
            "CRO",
            "GAMA018",
        ),
    ],
)
def test_ward_wordings_name_their_act(proposer, text, doc_type, code):
    assert code in selected(proposer, text, doc_type)


def test_letting_the_gas_out_of_a_coelioscopy_is_no_act(proposer):
    text = (
        "CRO — 12/05/2026\nIntervention : cholécystectomie par cœlioscopie.\n"
        "Dissection du triangle de Calot, clips. Exsufflation sous contrôle de la vue, fermeture."
    )
    codes = [code for code, _ in proposed(proposer, text)]
    assert "HMFC004" in selected(proposer, text)
    assert not any(code.startswith("GGJB") for code in codes)


def test_two_numbered_parts_of_a_report_are_two_acts_and_the_area_chooses_the_excision(proposer):
    text = (
        "CRO 12/05/2026 — Dr Morel — anesthésie locale\n"
        "1) Dos : naevus atypique de 6 mm. Exérèse fusiforme, zone cutanée excisée de 3 cm², suture directe.\n"
        "2) Aile du nez droite : carcinome basocellulaire de 5 mm. Exérèse non transfixiante, marges de 3 mm, "
        "suture directe."
    )
    chosen = selected(proposer, text)
    # QZFA036 « … par excision d'une zone cutanée de moins de 5 cm² » and GAFA007 « Exérèse non transfixiante de
    # lésion de la peau du nez … »: one act word, two organs, two acts.
    assert "QZFA036" in chosen and "GAFA007" in chosen


def test_an_act_without_what_its_report_says_was_done_is_contradicted(proposer):
    text = (
        "CRO OPHTALMOLOGIE 12/05/2026\nŒil gauche, cataracte corticonucléaire.\n"
        "Capsulorhexis, phacoémulsification du noyau, irrigation-aspiration.\n"
        "Implant pliable monofocal injecté dans le sac capsulaire."
    )
    # BFGA427 « … avec implantation de cristallin artificiel dans la chambre postérieure … », not BFGA008
    # « … sans implantation de cristallin artificiel ».
    assert selected(proposer, text)[0] == "BFGA427"


CONVERTED_CHOLECYSTECTOMY = (
    "CRO du 12/05/2026\nVoie d'abord : cœlioscopie, 3 trocarts.\nExploration : plastron inflammatoire, Calot non "
    "exposable. Décision de conversion.\nTemps opératoire : laparotomie sous-costale droite, cholécystectomie "
    "rétrograde.\n"
)


def test_a_converted_operation_is_coded_by_the_approach_that_completed_it(proposer):
    assert selected(proposer, CONVERTED_CHOLECYSTECTOMY)[:1] == ["HMFA007"]  # « par laparotomie »
    colectomy = (
        "Compte rendu opératoire — 12/05/2026\nIntervention : colectomie droite.\nVoie d'abord : cœlioscopie.\n"
        "Temps opératoire : ligature des vaisseaux iléocoliques sous cœlioscopie, puis conversion en laparotomie "
        "médiane. Anastomose iléo-transverse manuelle.\n"
    )
    # CCAM names the conversion: « par laparotomie avec préparation par cœlioscopie ».
    assert selected(proposer, colectomy)[:1] == ["HHFA008"]


def test_an_operation_without_conversion_keeps_its_coelioscopy(proposer):
    text = CONVERTED_CHOLECYSTECTOMY.replace("Décision de conversion.", "Pas de conversion.").replace(
        "laparotomie sous-costale droite, ", ""
    )
    assert selected(proposer, text)[:1] == ["HMFC004"]
