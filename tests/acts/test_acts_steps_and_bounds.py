"""What a report says beyond the act's own words: the deformity a knee prosthesis corrects, how many vertebrae a
cyphoplasty treats, the word a bracketed synonym shares with its label, acts a CCAM label combines, steps
of another act (the puncture of a drainage, the arteriography of an embolisation, « par ponction »), a
« Gestes : » list, and « n'a pas été réalisée ». Reports written here, in the styles of French wards."""

from __future__ import annotations

import pytest

from coding_assistant.acts import ActProposer, default_proposer
from tests.acts.act_reports import act_lines as lines
from tests.acts.act_reports import selected_acts as selected


@pytest.fixture(scope="module")
def proposer() -> ActProposer:
    return default_proposer()


@pytest.mark.parametrize(("angle", "code"), [("14°", "NFKA008"), ("6°", "NFKA007")])
def test_the_measured_deformity_chooses_the_knee_prosthesis(proposer, angle, code):
    # NFKA007 « … sur une déformation inférieure ou égale à 10° », NFKA008 « … supérieure à 10° ».
    text = (
        "CRO du 07/04/2026 — Dr Lenoir\n"
        f"Indication : gonarthrose tricompartimentaire droite, genu varum de {angle}.\n"
        "Geste : PTG droite cimentée.\n"
        "Arthrotomie médiale, coupes osseuses, scellement des implants. Fermeture sur drain."
    )
    assert selected(proposer, text)[0] == code


@pytest.mark.parametrize(("levels", "code"), [("de L2", "LHMH228"), ("de T12 et L1", "LHMH140")])
def test_the_vertebrae_an_act_names_count_them(proposer, levels, code):
    # « Spondyloplastie expansive [cyphoplastie] d'1 vertèbre » / « de 2 ou de 3 vertèbres », radiological guidance.
    text = (
        "RADIOLOGIE INTERVENTIONNELLE — 07/04/2026\n"
        f"Acte : cyphoplastie {levels} par voie transpédiculaire, sous contrôle radioscopique.\n"
        "Injection de ciment sans fuite."
    )
    assert selected(proposer, text, doc_type="CR-INTERV")[0] == code


def test_a_word_the_label_shares_with_its_bracketed_synonym_is_still_required(proposer):
    # HMPE001 « Section du versant biliaire … [Sphinctérotomie biliaire endoscopique] »: « biliaire » must be
    # read, so the pancreatic sphincterotomy (HNPE002) does not tie with it.
    text = "CR d'endoscopie du 07/04/2026\nDuodénoscope. Sphinctérotomie biliaire large.\nExtraction de sludge."
    ranked = [code for code, _ in lines(proposer, text, doc_type="CR-ENDO")]
    assert "HMPE001" in ranked
    assert "HNPE002" not in ranked or ranked.index("HMPE001") < ranked.index("HNPE002")


def test_two_acts_a_label_combines_are_coded_once(proposer):
    text = (
        "ORL — CRO 07/04/2026\n"
        "Adénoïdectomie à la curette.\n"
        "Pose d'aérateurs transtympaniques bilatéraux.\n"
        "Sortie le jour même."
    )
    codes = selected(proposer, text, sex="F")
    assert "FAFA002" in codes  # « Adénoïdectomie avec pose bilatérale d'aérateur transtympanique »
    assert "FAFA008" not in codes
    assert "CBLD001" not in codes


def test_the_puncture_of_a_drainage_is_a_step_of_it(proposer):
    text = (
        "RADIOLOGIE INTERVENTIONNELLE — 07/04/2026\n"
        "Examen : drainage percutané d'une collection hépatique sous guidage scanographique.\n"
        "Technique : ponction de la collection, mise en place d'un drain 8 F, aspiration de 40 mL de pus."
    )
    codes = selected(proposer, text, doc_type="CR-INTERV")
    assert codes
    assert not any(code[2] == "H" for code in codes)  # no puncture (action H) beside the drainage


def test_the_arteriography_of_an_embolisation_is_a_step_of_it(proposer):
    text = (
        "COMPTE RENDU — EMBOLISATION BRONCHIQUE — 07/04/2026\n"
        "Voie fémorale droite.\n"
        "Artériographie bronchique sélective : hypervascularisation du lobe inférieur droit.\n"
        "Embolisation sélective de l'artère bronchique droite par microparticules."
    )
    codes = selected(proposer, text, doc_type="CR-INTERV")
    assert "ECSF004" in codes
    assert not any(code[2] == "Q" for code in codes)


def test_an_act_word_after_par_in_another_acts_clause_is_how_it_was_done(proposer):
    text = (
        "CRO du 07/04/2026\n"
        "Geste : pose d'une chambre implantable par ponction échoguidée de la veine jugulaire interne droite.\n"
        "Contrôle scopique de l'extrémité du cathéter."
    )
    codes = selected(proposer, text)
    assert codes == ["EBLA003"]


def test_a_gestes_field_holds_the_list_under_it(proposer):
    text = (
        "COMPTE RENDU OPÉRATOIRE — 07/04/2026\n"
        "Opérateur : Dr Vidal.\n"
        "Indication : néoplasie colique droite.\n"
        "Gestes :\n"
        "1) Hémicolectomie droite par laparotomie avec anastomose iléo-transverse.\n"
        "2) Pose d'une chambre implantable par voie jugulaire interne droite.\n"
        "\n"
        "Fermeture plan par plan."
    )
    codes = selected(proposer, text)
    assert "EBLA003" in codes  # the second item of the list is an act, not a step of the first


def test_an_act_that_was_not_done_is_not_selected(proposer):
    text = (
        "COMPTE RENDU — 07/04/2026\n"
        "Embolisation sélective de l'artère bronchique droite.\n"
        "La fibroscopie bronchique n'a pas été réalisée en phase aiguë."
    )
    assert "GEQE007" not in selected(proposer, text, doc_type="CR-INTERV")


def test_implantation_of_a_bioprosthesis_is_its_pose(proposer):
    text = (
        "COMPTE RENDU — TAVI — 07/04/2026\n"
        "Procédure : voie fémorale droite percutanée, franchissement de la valve.\n"
        "Implantation d'une bioprothèse aortique 26 mm sous stimulation rapide.\n"
        "Contrôle : pas de fuite."
    )
    assert selected(proposer, text, doc_type="CR-INTERV")[:1] == ["DBLF001"]


def test_the_angle_of_a_position_is_no_deformity():
    from coding_assistant.acts.reading import stated_angle

    assert stated_angle("Installation : Trendelenburg 25°, genou fléchi à 90°.") is None
    assert stated_angle("Gonarthrose, genu valgum de 12°.") == 12.0


def test_a_generic_act_word_needs_the_organ_its_label_acts_on(proposer):
    # BKJA001 « Évacuation de collection de l'orbite »: « évacuation de pus » in an anal abscess names no orbit.
    text = (
        "CRO du 07/03/2026\nAbcès de la marge anale à 5 h, fébrile, fluctuant.\nAG au masque laryngé.\n"
        "Incision radiaire de l'abcès, évacuation de 20 mL de pus. Fistulotomie (mise à plat) du trajet en un temps."
    )
    assert "BKJA001" not in selected(proposer, text)
    # Written with its organ, the same word is the act.
    orbit = "CRO du 07/03/2026\nAG. Abcès sous-périosté de l'orbite droite : évacuation de la collection de l'orbite."
    assert "BKJA001" in selected(proposer, orbit)


def test_the_objects_of_a_generic_act_word_are_read_from_its_label():
    from coding_assistant.acts.data import default_act_data
    from coding_assistant.acts.labels import read_label

    data = default_act_data()
    assert read_label("Évacuation de collection de l'orbite", data, frozenset()).objects == {"orbit"}
    alternatives = read_label("Exérèse de 1 à 3 polypes du côlon et/ou du rectum, par coloscopie", data, frozenset())
    assert alternatives.objects == {"colon", "rectum"}
    # A device names no organ: the ankle of « ablation d'une prothèse tibiotalienne » is required.
    assert read_label("Ablation d'une prothèse tibiotalienne", data, frozenset()).objects == {"tibiotalien"}
    # A procedure noun names its organ itself: nothing more is required.
    assert read_label("Cholécystectomie, par coelioscopie", data, frozenset()).objects == frozenset()


def test_the_endoscopy_that_guides_an_act_is_part_of_it(proposer):
    # HFCB001 « Gastrostomie, par voie transcutanée avec guidage endoscopique »: its FOGD is not coded apart.
    text = (
        "CR — GASTROSTOMIE PERCUTANÉE ENDOSCOPIQUE — 18/08/2026\nSédation. FOGD première : œsophage, estomac et "
        "duodénum normaux. Transillumination, ponction gastrique transpariétale, technique « pull ». Sonde de "
        "gastrostomie 20 Fr."
    )
    chosen = selected(proposer, text, doc_type="CR-ENDO")
    assert "HFCB001" in chosen and "HEQE002" not in chosen, chosen


def test_an_act_named_again_in_brackets_is_one_act(proposer):
    # « Remplacement valvulaire aortique percutané (TAVI) »: one TAVI (DBLF001), not also the open replacement.
    text = (
        "CR — 08/04/2026\nRétrécissement aortique serré.\nRemplacement valvulaire aortique percutané (TAVI) par "
        "voie fémorale le 08/04/2026 : bioprothèse 26 mm."
    )
    chosen = selected(proposer, text, doc_type="CR-INTERV")
    assert chosen == ["DBLF001"], chosen


def test_a_device_named_after_its_removal_is_not_placed(proposer):
    # « DHS » names the osteosynthesis NBCA010; « ablation de la plaque DHS » removes it.
    text = "CRO du 08/04/2026\nAG. Ablation de la plaque DHS et des vis du fémur droit. Fermeture."
    assert "NBCA010" not in selected(proposer, text)
    placed = "CRO du 08/04/2026\nAG. Fracture pertrochantérienne droite : ostéosynthèse par DHS. Fermeture."
    assert "NBCA010" in selected(proposer, placed)
