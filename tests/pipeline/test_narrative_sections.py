"""A narrative letter has no « Antécédents : » or « Motif : » title: the sentence that lists the antecedents
(« Dans ses antécédents, on note … », « patiente aux antécédents de … ») makes what it lists the past, item
after item, up to the clause that comes back to the stay; the sentence that says why the patient came (« a été
hospitalisée du 2 au 4 mars pour … », « nous a été adressé pour … ») is the motif. The year of the stay itself
is no past year, and « 10 jours au total » retains no diagnosis. Letters written here."""

from __future__ import annotations

from datetime import date

import pytest

from coding_assistant.pipeline import CodingPipeline
from coding_assistant.pipeline.evidence import QualifiedMention, gather_evidence
from coding_assistant.schema import Document, Stay


def mentions(pipeline: CodingPipeline, text: str, admitted: date | None = None) -> dict[str, QualifiedMention]:
    stay = Stay(
        stay_id="N1",
        sex="F",
        age=60,
        admission_date=admitted,
        discharge_date=admitted,
        documents=[Document(doc_id="d", text=text)],
    )
    return {m.text.lower(): m for m in gather_evidence(stay, pipeline.dictionary).mentions}


@pytest.mark.parametrize(
    ("sentence", "past", "current"),
    [
        (
            "Dans ses antécédents, on note une entorse de la cheville droite, une hystérectomie et une migraine.",
            ["entorse de la cheville", "migraine"],
            [],
        ),
        (
            # « on retient » right after the antecedents' word retains the past, not the stay's diagnosis.
            "Dans ses antécédents, on retient une hypothyroïdie substituée et une ostéoporose.",
            ["hypothyroïdie", "ostéoporose"],
            [],
        ),
        (
            "Chez cette patiente aux antécédents d'hypertension artérielle, nous retenons une péricardite aiguë.",
            ["hypertension artérielle"],
            ["péricardite aiguë"],
        ),
        (
            "Patiente aux antécédents d'hypertension artérielle, de diabète de type 2, qui présentait depuis "
            "24 heures une pyélonéphrite aiguë droite.",
            ["hypertension artérielle", "diabète de type 2"],
            ["pyélonéphrite aiguë"],
        ),
        (
            "Je vous rappelle ses antécédents : maladie de Parkinson évoluant depuis 12 ans, canal lombaire étroit.",
            ["maladie de parkinson", "canal lombaire étroit"],
            [],
        ),
    ],
)
def test_the_sentence_that_lists_the_antecedents_makes_its_items_the_past(
    text_pipeline: CodingPipeline, sentence: str, past: list[str], current: list[str]
) -> None:
    found = mentions(text_pipeline, f"Cher confrère,\n{sentence}\nBien confraternellement.\n")
    for words in past:
        assert found[words.lower()].past, words
    for words in current:
        assert not found[words.lower()].past and found[words.lower()].section != "antecedents", words


def test_family_antecedents_are_no_personal_antecedents(text_pipeline: CodingPipeline) -> None:
    found = mentions(text_pipeline, "Cher confrère,\nAntécédents familiaux de diabète de type 2 chez la mère.\n")
    assert found["diabète de type 2"].section != "antecedents"


@pytest.mark.parametrize(
    "sentence",
    [
        "Madame V., 54 ans, a été hospitalisée du 2 au 4 mars 2026 pour une thrombose veineuse profonde du membre "
        "inférieur droit.",
        "Il nous a été adressé par le SAMU pour une thrombose veineuse profonde du membre inférieur droit.",
        # The antecedents first, then the clause that comes back to the stay.
        "Patiente de 54 ans aux antécédents d'HTA et de migraine, prise en charge pour une thrombose veineuse "
        "profonde du membre inférieur droit.",
    ],
)
def test_the_sentence_that_says_why_the_patient_came_is_the_motif(text_pipeline: CodingPipeline, sentence: str) -> None:
    found = mentions(text_pipeline, f"Cher confrère,\n{sentence}\n", admitted=date(2026, 3, 2))
    tvp = found["thrombose veineuse profonde du membre inférieur"]
    assert tvp.section == "motif" and not tvp.past


def test_a_hospitalisation_of_the_past_is_no_motif(text_pipeline: CodingPipeline) -> None:
    found = mentions(
        text_pipeline,
        "Cher confrère,\nElle a été hospitalisée en 2019 pour une thrombose veineuse profonde du membre inférieur.\n",
        admitted=date(2026, 3, 2),
    )
    tvp = found["thrombose veineuse profonde du membre inférieur"]
    assert tvp.section != "motif" and tvp.past


def test_a_year_of_the_stay_is_no_past_year(text_pipeline: CodingPipeline) -> None:
    text = "CRH : hospitalisation du 2 au 4 mars 2026 : thrombose veineuse profonde du membre inférieur droit.\n"
    this_stay = mentions(text_pipeline, text, admitted=date(2026, 3, 2))
    assert not this_stay["thrombose veineuse profonde du membre inférieur"].past
    years_later = mentions(text_pipeline, text, admitted=date(2029, 3, 2))
    assert years_later["thrombose veineuse profonde du membre inférieur"].past


def test_a_count_of_days_in_total_retains_no_diagnosis(text_pipeline: CodingPipeline) -> None:
    text = (
        "Cher confrère,\nTraitée par témocilline pour 10 jours au total, la confusion s'amendant en 48 heures.\n"
        "Au total, pyélonéphrite aiguë droite.\n"
    )
    found = mentions(text_pipeline, text)
    assert found["confusion"].section != "conclusion"
    assert found["pyélonéphrite aiguë"].section == "conclusion"


def test_the_motif_named_in_a_narrative_letter_is_the_dp(text_pipeline: CodingPipeline) -> None:
    text = (
        "Madame C. V., 54 ans, a été hospitalisée du 2 au 4 mars 2026 pour une thrombose veineuse profonde du "
        "membre inférieur droit.\n\nDans ses antécédents, on note une entorse de la cheville droite le 10 "
        "février, une hystérectomie en 2012 et une migraine.\n\nLe traitement a été débuté par Eliquis.\n"
    )
    stay = Stay(
        stay_id="N2",
        sex="F",
        age=54,
        admission_date=date(2026, 3, 2),
        discharge_date=date(2026, 3, 4),
        documents=[Document(doc_id="d", text=text)],
    )
    dp = next(p for p in text_pipeline.propose(stay).proposals if p.role == "DP")
    assert dp.code.startswith("I80"), dp.code


def dp_of(pipeline: CodingPipeline, text: str) -> str:
    stay = Stay(stay_id="N3", sex="M", age=84, documents=[Document(doc_id="d", text=text)])
    return next(p.code for p in pipeline.propose(stay).proposals if p.role == "DP")


def test_a_known_chronic_disease_the_conclusion_recalls_is_not_the_dp_of_a_new_problem(
    text_pipeline: CodingPipeline,
) -> None:
    text = (
        "Antécédents : maladie de Parkinson évoluant depuis 12 ans.\n"
        "Histoire : fièvre et désaturation après un repas.\n"
        "Conclusion : troubles de la déglutition liés à la maladie de Parkinson, compliqués d'une pneumopathie "
        "d'inhalation du lobe inférieur droit.\n"
    )
    assert dp_of(text_pipeline, text).startswith("J69")


def test_an_episode_of_a_known_chronic_disease_keeps_it_the_dp(text_pipeline: CodingPipeline) -> None:
    text = (
        "Antécédents : maladie de Parkinson évoluant depuis 12 ans.\n"
        "Conclusion : aggravation de la maladie de Parkinson avec blocages moteurs, pneumopathie d'inhalation "
        "du lobe inférieur droit.\n"
    )
    assert dp_of(text_pipeline, text).startswith("G20")


def test_a_known_chronic_disease_the_motif_names_stays_the_dp(text_pipeline: CodingPipeline) -> None:
    """The stay was for the disease itself (« bilan d'une maladie rénale chronique avancée »): a problem the
    conclusion adds beside it (an anaemia) does not take the DP."""
    text = (
        "Motif : bilan d'une maladie rénale chronique avancée et préparation à la suppléance.\n"
        "Antécédents : maladie rénale chronique suivie depuis 2018, HTA.\n"
        "Conclusion : maladie rénale chronique stade 4 ; anémie normocytaire, fer IV.\n"
    )
    assert dp_of(text_pipeline, text).startswith("N18")


def test_an_episode_of_another_known_disease_is_the_dp_over_a_known_disease_recalled(
    text_pipeline: CodingPipeline,
) -> None:
    text = (
        "Antécédents : fibrillation atriale persistante, insuffisance cardiaque.\n"
        "Conclusion :\n1/ FA rapide.\n2/ Décompensation cardiaque globale.\n3/ Insuffisance rénale aiguë.\n"
    )
    assert dp_of(text_pipeline, text).startswith("I50")


def test_a_planned_referral_is_no_motif(text_pipeline: CodingPipeline) -> None:
    found = mentions(
        text_pipeline,
        "Cher confrère,\nElle sera adressée en cardiologie pour une thrombose veineuse profonde du membre inférieur.\n",
        admitted=date(2026, 3, 2),
    )
    assert found["thrombose veineuse profonde du membre inférieur"].section != "motif"


@pytest.mark.parametrize(
    "text",
    [
        "Cher confrère,\nAu total, pneumopathie franche lobaire aiguë chez une patiente aux antécédents "
        "d'insuffisance cardiaque.\n",
        "Motif : pneumopathie franche lobaire aiguë chez une patiente aux antécédents d'insuffisance cardiaque.\n",
    ],
)
def test_antecedents_recalled_in_the_conclusion_or_the_motif_are_the_past(
    text_pipeline: CodingPipeline, text: str
) -> None:
    found = mentions(text_pipeline, text)
    assert found["insuffisance cardiaque"].past
    assert not found["pneumopathie franche lobaire aiguë"].past
    assert found["pneumopathie franche lobaire aiguë"].section in {"conclusion", "motif"}


def test_a_run_on_letter_concludes_after_a_comma(text_pipeline: CodingPipeline) -> None:
    text = (
        "Hospitalisée pour des vomissements, cystite à E. coli traitée, elle sort en tolérant l'alimentation, au "
        "total hyperémèse gravidique avec cétose, contrôle dans 10 jours.\n"
    )
    found = mentions(text_pipeline, text)
    assert found["hyperémèse gravidique"].section == "conclusion"
    assert found["cystite"].section != "conclusion"
    # A count is no conclusion: « …, au total 3 culots » .
    counted = mentions(text_pipeline, "Anémie transfusée, au total 3 culots, hémoglobine stable.\n")
    assert counted["anémie"].section != "conclusion"
