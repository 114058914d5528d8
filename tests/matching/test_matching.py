import pytest

from coding_assistant.matching import find_mentions, tokenize
from coding_assistant.matching.dictionary import is_acronym, short_label
from coding_assistant.matching.loading import default_mention_dictionary


@pytest.fixture(scope="module")
def dictionary():
    return default_mention_dictionary()


def mentions(text, dictionary):
    return [(m.text, m.codes) for m in find_mentions(text, dictionary)]


def test_offsets_point_into_the_original_text(dictionary):
    text = "Conclusion : décompensation cardiaque sur ACFA.\nHTA ancienne."
    found = find_mentions(text, dictionary)
    assert found
    for mention in found:
        assert text[mention.start : mention.end] == mention.text
    texts = [m.text for m in found]
    assert "décompensation cardiaque" in texts and "ACFA" in texts and "HTA" in texts


def test_lexicon_and_labels_both_match(dictionary):
    found = dict(mentions("Exacerbation de BPCO. Hypothyroïdie substituée.", dictionary))
    assert any(code.startswith("J44") for code in found["Exacerbation de BPCO"])
    assert any(code.startswith("E03") for code in found["Hypothyroïdie"])


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Douleurs épigastriques depuis 48 h.", "R101"),
        ("Épigastralgies post-prandiales.", "R101"),
        ("Douleur de l'hypocondre droit.", "R101"),
        ("Douleurs pelviennes chroniques.", "R102"),
    ],
)
def test_a_pain_is_coded_by_where_the_letter_puts_it(dictionary, text, code):
    # The CIM-10 codes an abdominal pain by its region (R10.1 upper, R10.2 pelvic and perineal): a letter writes
    # the region as an adjective or an organ's area, two words the clinicians' index alone would not make a mention.
    assert any(c == code for _, codes in mentions(text, dictionary) for c in codes)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Dissection spontanée de l'artère coronaire IVA.", "I254"),
        ("Dissection coronaire du réseau droit.", "I254"),
        ("Polypose colique dans le cadre d'un syndrome de Peutz-Jeghers.", "D126"),
        ("Polypose adénomateuse familiale.", "D126"),
        ("Syndrome de Peutz-Jeghers.", "Q858"),
        # A MAP is contractions with a modified cervix (its clinical definition): preterm labour without delivery,
        # not the false labour of contractions alone (O47.0).
        ("Hospitalisée à 31 SA pour MAP.", "O600"),
        ("TDM : collection péri-amygdalienne gauche de 18 mm.", "J36"),
        ("Abcès périamygdalien droit drainé.", "J36"),
        # The thesaurus files the syndrome under E23.6; the CIM-10 names it at E22.2.
        ("Sécrétion inappropriée d'ADH sous sertraline.", "E222"),
        # A stoma's closure is coded as attention to it (Z43), not as its presence (Z93).
        ("Rétablissement de continuité après Hartmann.", "Z433"),
        ("Fermeture d'iléostomie de protection.", "Z432"),
        ("Menace d'accouchement prématuré à 30 SA, col à 15 mm.", "O600"),
    ],
)
def test_conditions_named_as_clinicians_name_them(dictionary, text, code):
    # CIM-10 FR puts these under another label (I25.4 « anévrisme d'une artère coronaire » holds its dissection,
    # D12.6 « côlon, sans précision » its polyposis, O60.0 « travail prématuré sans accouchement » the MAP): the
    # lexicon holds the clinicians' names.
    assert any(c == code for _, codes in mentions(text, dictionary) for c in codes)


def test_longest_match_wins(dictionary):
    found = mentions("insuffisance cardiaque congestive décompensée", dictionary)
    assert len(found) == 1 and found[0][0] == "insuffisance cardiaque congestive décompensée"


def test_acronyms_match_only_in_capitals(dictionary):
    assert mentions("HTA", dictionary)
    assert not mentions("le Dr Martin, 5 mm, 10 min", dictionary)


def test_terms_with_a_non_diagnostic_meaning_are_not_mentions(dictionary):
    # FC is "fréquence cardiaque" far more often than "fausse couche".
    assert not mentions("FC 110/min", dictionary)


def test_mentions_do_not_cross_sentences(dictionary):
    assert not any(text == "insuffisance cardiaque" for text, _ in mentions("insuffisance.\nCardiaque", dictionary))


def test_tokenize_keeps_signs():
    assert [t.stem for t in tokenize("SCA ST+")][-1] == "plus"
    assert [t.stem for t in tokenize("SCA ST- ")][-1] == "moin"


def test_helpers():
    assert short_label("Insuffisance cardiaque congestive, avec FEVG < 40") == "Insuffisance cardiaque congestive"
    assert is_acronym("SCA ST+") and is_acronym("HTA") and not is_acronym("Dyspnée")


def test_a_misspelt_word_is_read_inside_a_wording_whose_other_words_match(dictionary):
    for text, code in [
        ("Embolie pulmonare bilatérale.", "I26"),
        ("ATCD : hypertension artéréielle.", "I10"),
        ("Patiente admise pour insuffisance cardiaqe.", "I50"),
    ]:
        found = [m for m in find_mentions(text, dictionary) if m.fuzzy]
        assert found and any(c.startswith(code) for c in found[0].codes), text
        assert text[found[0].start : found[0].end] == found[0].text


def test_typo_tolerance_never_makes_a_one_word_mention_or_touches_known_words(dictionary):
    # Real words one letter from a dictionary stem ("contention" / "contenu") stay what they are.
    assert not [m for m in find_mentions("Contention veineuse et prévention des escarres.", dictionary) if m.fuzzy]
    assert not [m for m in find_mentions("Pneumopatie.", dictionary) if m.fuzzy]
    exact = find_mentions("Embolie pulmonaire.", dictionary)
    assert exact and not exact[0].fuzzy


def test_a_label_keeps_the_words_after_its_parentheses():
    assert short_label("Sténose (de la valvule) aortique (non rhumatismale)") == "Sténose aortique"
    assert short_label("Orteil(s) surnuméraire(s)") == "Orteil surnuméraire"
    assert short_label("Luxation, entorse et foulure d'articulations") == "Luxation"


def test_a_word_that_labels_of_several_categories_begin_with_is_no_mention(dictionary):
    codes = {code for m in find_mentions("Sténose serrée. Luxation. Rétention.", dictionary) for code in m.codes}
    assert codes == set()  # « Sténose » alone: aortic valve or aorta? « Luxation » alone: which joint?
    aortic = find_mentions("Sténose aortique serrée.", dictionary)
    assert [m.codes[0][:3] for m in aortic] == ["I35"]


@pytest.mark.parametrize(
    "sentence",
    ["Il s'agit d'une pneumopathie.", "Il s’agissait d'un malaise.", "La dyspnée s'aggrave.", "S'agit-il d'une EP ?"],
)
def test_a_verb_after_the_reflexive_s_is_no_condition(dictionary, sentence):
    # « s'agit » shares its stem with « agitation » (R45.1); « s' » only comes before a verb.
    assert not any(code.startswith("R451") for _, codes in mentions(sentence, dictionary) for code in codes)


def test_the_condition_itself_is_still_read_after_a_reflexive_verb(dictionary):
    found = mentions("Il s'agit d'une agitation anxieuse.", dictionary)
    assert any(code.startswith("R45") for _, codes in found for code in codes)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Infection précoce de prothèse de hanche.", "T845"),
        ("Infection aiguë de PTH gauche.", "T845"),
        ("Hémorragie massive du post-partum.", "O72"),
        ("Fracture fermée non déplacée des branches ilio- et ischio-pubiennes droites.", "S3250"),
        ("Fracture non déplacée du col fémoral gauche.", "S720"),
        ("Conclusion : fracture fermée du cadre obturateur droit.", "S3250"),
        ("Infection spontanée du liquide d'ascite à E. coli.", "K650"),
        ("Polype sessile du sigmoïde de 12 mm.", "K635"),
        ("conclusion : intoxication volontaire aux benzodiazepines (bromazepam).", "T424"),
        ("Douleurs intenses localisées à la partie supérieure de l'abdomen.", "R101"),
        ("Douleur violente de la fosse iliaque droite.", "R103"),
        ("Douleurs brutales et intenses localisées à la partie supérieure de l'abdomen.", "R101"),
    ],
)
def test_a_wording_is_read_across_modifiers(dictionary, text, code):
    # « précoce », « aiguë », « massive » between a wording's first word and the rest say when or how much;
    # « fermée », « non déplacée » change no code (the lexicon codes a fracture closed, and the CIM-10 does not tell
    # displaced ones apart), nor do « spontanée », « sessile », nor a poisoning's intent (the external cause codes
    # it), nor how strongly or how suddenly a symptom is felt: a run of up to three such words is read past. A
    # hyphen left hanging before « et » is a prefix.
    assert any(c.startswith(code) for _, codes in mentions(text, dictionary) for c in codes)


@pytest.mark.parametrize(
    ("text", "code", "shorter"),
    [
        ("Gastro-entérite aiguë à rotavirus.", "A080", "A09"),
        ("Gastro-entérite aiguë à norovirus chez un enfant de 3 ans.", "A081", "A09"),
    ],
)
def test_a_longer_wording_read_across_an_inner_modifier_wins_over_one_that_stops_at_it(dictionary, text, code, shorter):
    # « gastro-entérite aiguë » is a wording (A09.0) and « gastro-entérite à rotavirus » another (A08.0): the
    # modifier after the second word is read past, and the longer wording names the condition.
    found = [c for _, codes in mentions(text, dictionary) for c in codes]
    assert code in found and not any(c.startswith(shorter) for c in found)


def test_open_and_other_negated_words_are_never_skipped(dictionary):
    assert not any(c == "S3250" for _, codes in mentions("Fracture ouverte du pubis.", dictionary) for c in codes)
    found = [c for _, codes in mentions("Diabète non insulinodépendant.", dictionary) for c in codes]
    assert not any(c.startswith("E10") for c in found)


def test_a_sign_after_a_word_is_still_read_as_minus():
    assert [t.stem for t in tokenize("Sérologies VIH- et VHC-.")].count("moin") == 2
    assert "moin" not in [t.stem for t in tokenize("branches ilio- et ischio-pubiennes")]


def test_a_severity_word_is_never_skipped(dictionary):
    # « sévère » chooses the code (E43 against E46): a wording without it is not read across it.
    found = mentions("Dénutrition sévère protéino-énergétique.", dictionary)
    assert not any(c.startswith("E46") for _, codes in found for c in codes)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Crise vaso-occlusive osseuse chez un drépanocytaire SS.", "D570"),
        ("Maladie de Kawasaki complète.", "M303"),
        ("Polyradiculonévrite aiguë inflammatoire.", "G610"),
        ("Accès palustre à falciparum non compliqué.", "B509"),
        ("Épanchement pleural métastatique d'un adénocarcinome mammaire.", "C782"),
        ("Métastases pleurales et hépatiques.", "C782"),
        ("Ascite carcinomateuse ponctionnée.", "C786"),
        ("Métastases cutanées du scalp.", "C792"),
    ],
)
def test_clinicians_wordings_of_this_release(dictionary, text, code):
    found = [c for _, codes in mentions(text, dictionary) for c in codes]
    assert code in found and "K566" not in found  # « vaso-occlusive » is no bowel occlusion


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("=> PA alcoolique. Pas d'origine biliaire.", "K852"),
        ("Grossesse arrêtée à 9 SA, aspiration endo-utérine.", "O021"),
        ("Concl : crise généralisée tonico-clonique sur EGI connue.", "G403"),
    ],
)
def test_clinicians_wordings_of_telegraphic_letters(dictionary, text, code):
    # « PA » alone is ambiguous (pression artérielle, paquets-années); « PA alcoolique » is a pancreatitis.
    assert any(c.startswith(code) for _, codes in mentions(text, dictionary) for c in codes)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Paludisme à P. falciparum, parasitémie 2 %.", "B509"),
        ("paludisme à P. vivax au retour de Guyane", "B519"),
        ("Colite à C. difficile sous amoxicilline.", "A047"),
        ("Pneumopathie à K. pneumoniae du lobe inférieur.", "J150"),
    ],
)
def test_an_abbreviated_genus_reads_as_the_genus_its_species_goes_with(dictionary, text, code):
    found = [m for m in find_mentions(text, dictionary) if code in m.codes]
    assert found, mentions(text, dictionary)
    assert text[found[0].start : found[0].end] == found[0].text


@pytest.mark.parametrize(
    ("text", "code", "words"),
    [
        ("Pyélo-néphrite aiguë droite à E. coli.", "N10", "Pyélo-néphrite aiguë"),
        ("Angio-œdème bradykinique imputé à l'IEC.", "T783", "Angio-œdème"),  # the o of « angio » elides
        ("angio-oedème de la lèvre", "T783", "angio-oedème"),
        ("Spondylo-discite L4-L5.", "M4649", "Spondylo-discite"),
    ],
)
def test_a_compound_written_with_a_hyphen_reads_as_the_joined_word(dictionary, text, code, words):
    found = [m for m in find_mentions(text, dictionary) if code in m.codes]
    assert found and found[0].text == words == text[found[0].start : found[0].end], mentions(text, dictionary)


def test_a_hyphenated_wording_is_read_as_written_before_any_joined_word(dictionary):
    # « angio-oedème héréditaire » is a wording of its own (D84.1), not the joined « angiœdème » (T78.3).
    assert mentions("Angio-oedème héréditaire connu.", dictionary) == [("Angio-oedème héréditaire", ("D841",))]
    assert ("gastro-entérite aiguë", ("A090", "A099")) in mentions("gastro-entérite aiguë fébrile", dictionary)


def test_an_initial_before_a_name_or_a_word_no_binomial_holds_stays_as_written(dictionary):
    assert mentions("Vu par le Dr P. martin pour une pneumopathie.", dictionary) == [("pneumopathie", ("J189",))]
    # A capital that ends a sentence is no genus, and a species with another genus's initial is not read.
    assert not any("B509" in codes for _, codes in mentions("Paludisme à X. falciparum.", dictionary))


def test_binomials_come_from_the_wordings_and_a_shared_pair_is_left_out():
    from coding_assistant.matching.dictionary import binomial_genera

    genera = binomial_genera(["Paludisme à Plasmodium falciparum", "Infection à Pseudoplasma falciparum"])
    assert genera == {}  # two genera with the initial P for one species: nothing can be told
    genera = binomial_genera(["Paludisme à Plasmodium falciparum", "Plasmodium ovale", "Entérite à Escherichia coli"])
    assert genera[("p", "falciparum")] == "plasmodium" and genera[("e", "coli")].startswith("escherichi")
    assert ("p", "ovale") not in genera  # a label's own first word is not a genus written inside a wording


def test_a_phrase_that_names_no_condition_makes_no_mention_of_its_words(dictionary):
    # « goutte épaisse » is the thick blood smear: its first word is not gout there, and gout is still read.
    assert not any("M1099" in codes for _, codes in mentions("Frottis et goutte épaisse positifs.", dictionary))
    assert any("M1099" in codes for _, codes in mentions("Crise de goutte du gros orteil droit.", dictionary))


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Polype sessile de 12 mm du côlon sigmoïde réséqué.", "K635"),
        ("Calcul de 7 mm de l'uretère lombaire droit.", "N201"),
    ],
)
def test_a_size_inside_a_wording_is_read_past(dictionary, text, code):
    assert any(code in codes for _, codes in mentions(text, dictionary)), mentions(text, dictionary)


def test_a_number_without_a_unit_is_no_size_to_read_past(dictionary):
    # « 3 » alone may be a stage, a count or a grade: the wording is not read across it.
    assert not any("K635" in codes for _, codes in mentions("Polype 3 du côlon sigmoïde.", dictionary))


def test_the_infectious_diseases_specialty_is_no_condition(dictionary):
    assert mentions("Suivi en consultation de maladies infectieuses à S3.", dictionary) == []


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Carcinome infiltrant du sein gauche pT1c N0.", "C50"),
        ("Adénocarcinome de la vessie.", "C67"),
        ("Carcinome épidermoïde du poumon droit.", "C34"),  # one site of « des bronches et du poumon »
        ("Néoplasie du pancréas.", "C25"),
        ("Adénocarcinome du sigmoïde pT3N1.", "C187"),  # the colon's segment named alone
        ("Cancer du transverse opéré.", "C184"),
    ],
)
def test_a_primary_malignant_tumour_is_named_by_its_head_and_its_site(dictionary, text, category):
    assert any(code.startswith(category) for _, codes in mentions(text, dictionary) for code in codes)


def test_malignant_heads_stand_only_for_a_primary_tumour_label():
    from coding_assistant.matching.dictionary import malignant_variants

    assert "carcinome du sein" in malignant_variants("C50", "Tumeur maligne du sein")
    assert "carcinome du poumon" in malignant_variants("C34", "Tumeur maligne des bronches et du poumon")
    assert malignant_variants("C787", "Tumeur maligne secondaire du foie et des voies biliaires intrahépatiques") == []
    assert malignant_variants("D050", "Carcinome lobulaire in situ du sein") == []


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Ulcère bulbaire Forrest IIa.", "K269"),
        ("Amygdalites aiguës à répétition, amygdalectomie.", "J350"),
        ("Angines à répétition chez l'enfant.", "J350"),
        ("Carence sévère en vitamine D, supplémentée.", "E559"),
        ("Colite à Clostridioides difficile, forme sévère.", "A047"),
        ("Érysipèle (dermohypodermite bactérienne non nécrosante) de la jambe.", "A46"),
        ("Ascite sous tension, ponction évacuatrice.", "R18"),
        ("Déficit en vitamine D à 12 ng/mL.", "E559"),
        ("Fracture sous-capitale du col fémoral gauche, Garden IV.", "S7200"),
        ("Anémie postopératoire transfusée.", "D62"),
        ("PAC lobaire inférieure droite.", "J181"),
        ("PAC à pneumocoque.", "J13"),
        ("Exacerbation de BPCO d'origine infectieuse à Haemophilus.", "J440"),
        ("Sigmoïdite diverticulaire compliquée d'un abcès péricolique.", "K572"),
        ("Cholestéatome attical de l'oreille moyenne gauche.", "H71"),
        ("Étourdissements sans cause retrouvée.", "R42"),
    ],
)
def test_clinicians_wordings_of_the_lexicon(dictionary, text, code):
    assert any(code in codes for _, codes in mentions(text, dictionary)), mentions(text, dictionary)


def test_pac_alone_stays_ambiguous(dictionary):
    # « PAC » is also a port-à-cath and a coronary bypass: alone, it names nothing.
    assert not any("J189" in codes for _, codes in mentions("Pose de PAC le 12/03.", dictionary))


def test_under_pressure_is_no_hypertension(dictionary):
    # « tension » alone is the lay word for hypertension (I10); « sous tension » says a pressure, not the disease.
    for text in ("Ascite sous tension.", "Pneumothorax sous tension drainé."):
        assert not any("I10" in codes for _, codes in mentions(text, dictionary)), text
    assert any("I10" in codes for _, codes in mentions("Sa tension est mal contrôlée.", dictionary))


def test_a_wording_after_a_number_and_a_hyphen_is_a_chemical_name(dictionary):
    # « OH » (alcohol, F10) is not the hydroxyl of « 25-OH vitamine D »; « OH chronique » still is alcohol.
    assert not any(text == "OH" for text, _ in mentions("25-OH vitamine D 9 ng/mL : carence.", dictionary))
    assert any(any(c.startswith("F10") for c in codes) for _, codes in mentions("Intoxication OH aiguë.", dictionary))


def test_a_wording_that_opens_a_hyphenated_word_is_no_mention(dictionary):
    # « gastro » (gastro-entérite, A09) is not the specialty « gastro-entérologie »; the whole compound still is.
    assert not any(text.lower() == "gastro" for text, _ in mentions("Service de Gastro-entérologie", dictionary))
    assert not any(text.lower() == "gastro" for text, _ in mentions("HDJ hépato-gastro-entérologie", dictionary))
    assert any(text.lower() == "gastro" for text, _ in mentions("Épidémie de gastro à la crèche.", dictionary))
    found = mentions("Gastro-entérite aiguë.", dictionary)
    assert any(any(code.startswith("A0") for code in codes) for _, codes in found), found


@pytest.mark.parametrize(
    "text",
    [
        "Pyélonéphrite aiguë obstructive gauche sur calcul de l'uretère.",
        "PNA obstructive droite drainée par sonde JJ.",
        "Pyélonéphrite aiguë sur obstacle lithiasique.",
    ],
)
def test_an_acute_pyelonephritis_on_an_obstacle_is_the_combination_code(dictionary, text):
    # CIM-10 N13.6 « Pyonéphrose »: the obstructive uropathies of N13.0-N13.5 with infection; the infection is
    # not coded apart as N10.
    found = mentions(text, dictionary)
    codes = [c for wording, codes in found if "pyél" in wording.lower() or "PNA" in wording for c in codes]
    assert "N136" in codes and "N10" not in codes


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Hépatite C chronique non traitée.", "B182"),
        ("Hépatite A contractée en voyage.", "B159"),
        ("Carence en vitamine D, supplémentée.", "E559"),
    ],
)
def test_a_type_letter_after_a_word_is_read(dictionary, text, code):
    # « A », « C », « D » in capitals after a word name a type; in lower case they are « à », « c' », « d' ».
    assert code in [c for _, codes in mentions(text, dictionary) for c in codes]


@pytest.mark.parametrize("text", ["Une hépatite à Epstein-Barr.", "Bilan d'une hépatite.", "A J3, hépatite."])
def test_a_wording_that_names_a_type_is_not_read_without_its_letter(dictionary, text):
    codes = [c for _, codes in mentions(text, dictionary) for c in codes]
    assert not any(c.startswith(("B15", "B18")) for c in codes)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Frottis et goutte épaisse : Plasmodium ovale, parasitémie 0,2 %.", "B530"),
        ("Il s'agit d'une neuroborréliose précoce.", "A692"),
        ("Tuberculose pulmonaire cavitaire bacillifère, sensible à la rifampicine.", "A150"),
        ("Ethmoïdite aiguë gauche compliquée d'une cellulite orbitaire rétroseptale.", "H050"),
        ("Ethmoïdite aiguë gauche compliquée d'une cellulite orbitaire rétroseptale.", "J012"),
        # The CIM-10 index: « Intertrigo parasitaire des orteils » B35.3 (« Intertrigo » alone L30.4).
        ("Porte d'entrée : intertrigo inter-orteils dermatophytique.", "B353"),
    ],
)
def test_infectious_wordings_of_other_hospitals(dictionary, text, code):
    assert code in [c for _, codes in mentions(text, dictionary) for c in codes]
