"""Section title patterns for French discharge letters (CRH, CRO, letters, emergency notes).

Each pattern is matched (`re.fullmatch`) against a *normalised* title: lower case, no accents, every run of
non-alphanumeric characters as one space ("Antécédents médico-chirurgicaux :" -> "antecedents medico
chirurgicaux"). Patterns are tried in order, the first that matches wins: keep specific before general
("antecedents familiaux" before "antecedents", "examens complementaires" before "examen").

Fields of a `TitlePattern`:
- `kind`: the section kind (see `SECTION_KINDS`); "traitement" is resolved to entry or discharge by position.
- `regex`: the title, normalised.
- `free_tail`: a title followed by ":" may carry up to `MAX_TAIL_WORDS` more words ("Evolution favorable :",
  "Examen aux urgences :"). Never for titles whose tail changes their meaning ("Traitement de l'intertrigo :").
- `scoped`: a sub-title that covers only its own line when text follows it on the line ("Familiaux : mère
  diabétique" inside ANTECEDENTS, "ECG : ..." inside EVOLUTION) or its paragraph when it stands alone; the
  enclosing section resumes after it.
"""

from __future__ import annotations

from typing import NamedTuple

SECTION_KINDS: tuple[str, ...] = (
    "motif",
    "antecedents",
    "antecedents_familiaux",
    "mode_de_vie",
    "allergies",
    "traitement_entree",
    "histoire",
    "examen_clinique",
    "examens_complementaires",
    "evolution",
    "conclusion",
    "traitement_sortie",
    "other",
)

# How a section is named in qualifier cues ("section: antécédents familiaux").
SECTION_LABELS: dict[str, str] = {
    "motif": "motif",
    "antecedents": "antécédents",
    "antecedents_familiaux": "antécédents familiaux",
    "mode_de_vie": "mode de vie",
    "allergies": "allergies",
    "traitement_entree": "traitement d'entrée",
    "histoire": "histoire de la maladie",
    "examen_clinique": "examen clinique",
    "examens_complementaires": "examens complémentaires",
    "evolution": "évolution",
    "conclusion": "conclusion",
    "traitement_sortie": "traitement de sortie",
    "other": "autre",
}

# "Traitement :" / "TTT :" alone: the entry treatment before the stay's course, the discharge one after it.
AMBIGUOUS_TREATMENT = "traitement"
KINDS_BEFORE_DISCHARGE_TREATMENT = frozenset({"evolution", "conclusion"})


class TitlePattern(NamedTuple):
    kind: str
    regex: str
    free_tail: bool = False
    scoped: bool = False


_ATCD = r"(?:antecedents?|atcds?|atcd|ant)"
_TTT = r"(?:traitements?|ttt|trt|tt|medicaments?)"
_IMAGING = (
    r"(?:ecg|ett|eto|rp|rx|radio(?:graphie)?s?|tdm|scanner|uro ?scanner|angio ?scanner|irm|angio ?irm|bili ?irm"
    r"|echo\w*|doppler|coronarographie|fogd|gastroscopie|coloscopie|endoscopie|eeg|emg|efr|gds|gazometrie"
    r"|holter|scintigraphie|tep(?: scanner)?|petscan|fond d oeil|fo|ecbu|bu|hemocultures?|anapath|anatomopathologie"
    r"|bacterio\w*|ponction \w+|myelogramme)"
)

TITLE_PATTERNS: tuple[TitlePattern, ...] = (
    # Family history before personal history: "ATCD familiaux" must not open "antecedents".
    TitlePattern(
        "antecedents_familiaux",
        _ATCD + r" (?:\w+ )?(?:familiaux|familial|familiales?|fam|famille)",
        free_tail=True,
        scoped=True,
    ),
    TitlePattern(
        "antecedents_familiaux", r"familiaux|fam|histoire familiale|contexte familial|dans la famille", scoped=True
    ),
    TitlePattern("allergies", r"allergies?(?: \w+)?|intolerances?(?: medicamenteuses?)?", scoped=True),
    TitlePattern(
        "mode_de_vie",
        r"mode de vie|mdv|habitus|conditions? de vie|contexte social|situation sociale|profession|tabac|alcool"
        r"|intoxications?(?: \w+){0,2}|toxiques|addictions?",
        scoped=True,
    ),
    TitlePattern(
        "antecedents",
        # "Antécédents médicaux, chirurgicaux, familiaux, allergies": one heading that lists what follows.
        _ATCD + r"(?: (?:personnels|medicaux|chirurgicaux|medico chirurgicaux|chir|med|notables?|familiaux"
        r"|allergiques?|allergies|obstetricaux|gyneco obstetricaux|et \w+))*",
        free_tail=True,
    ),
    TitlePattern("antecedents", r"medicaux|chirurgicaux|chir|gyneco obstetricaux|obstetricaux|comorbidites"),
    # The patient's background as cardiologists and internists title it: « Terrain : », « FDR CV : ».
    TitlePattern(
        "antecedents",
        r"terrain|fdr ?cv|fdrcv|facteurs? de risques?(?: cardio ?vasculaires?| cv)?",
    ),
    TitlePattern(
        "motif",
        r"motifs?(?: (?:d|de|du|de l|de la) (?:hospitalisation|admission|entree|consultation|recours|appel"
        r"|transfert|venue|hospit))?",
        free_tail=True,
    ),
    TitlePattern("motif", r"indications?(?: operatoires?)?|raison de l hospitalisation|mdh"),
    TitlePattern(
        "traitement_sortie",
        _TTT + r" (?:de sortie|a la sortie|de transfert|medical de sortie|a poursuivre|de retour a domicile)"
        r"|ordonnances?(?: de sortie)?|prescriptions? de sortie|sortie avec(?: ordonnance)?",
    ),
    TitlePattern(
        "traitement_entree",
        _TTT + r" (?:d entree|entree|habituels?|a l entree|a domicile|au domicile|en cours|actuels?|de fond"
        r"|personnels?|usuels?|a l admission|habituel a l entree)",
    ),
    TitlePattern(AMBIGUOUS_TREATMENT, _TTT),
    TitlePattern(
        "histoire",
        r"histoire(?: de la maladie(?: actuelle)?| recente| clinique| actuelle| hematologique| obstetricale)?|hdm|hdlm"
        r"|anamnese|interrogatoire|circonstances?(?: de (?:survenue|decouverte))?|recit",
    ),
    TitlePattern(
        "examens_complementaires",
        r"examens? (?:complementaires?|paracliniques?|biologiques?)|paraclinique|bilans?(?: (?:biologiques?"
        r"|etiologiques?|paracliniques?|d entree|sanguins?|initial|radiologique))?|bio(?:logie)?s?"
        r"(?: (?:d entree|a l entree|initiale|de \w+|du \w+))?|imagerie|radiologie"
        r"|resultats?(?: des examens(?: \w+)?| biologiques| d examens)?",
    ),
    TitlePattern("examens_complementaires", _IMAGING, free_tail=True, scoped=True),
    TitlePattern(
        "examen_clinique",
        r"examens?(?: cliniques?)?(?: (?:a l entree|d entree|a l admission|aux urgences|initial|physique"
        r"|a l arrivee|de sortie))?|(?:clinique|etat clinique)(?: a l (?:arrivee|entree|admission))?"
        r"|a l (?:arrivee|entree|admission)|ex|exam|ec",
        free_tail=True,
    ),
    TitlePattern(
        "evolution",
        r"evolutions?(?: (?:dans le service|clinique|du sejour|post operatoire|par appareil|favorable|initiale))?|evol"
        r"|suites?(?: (?:operatoires?|post operatoires?|simples?|de couches|du sejour))|deroulement"
        r"(?: du sejour)?|prise en charge|au cours de l hospitalisation|synthese du sejour|discussion"
        r"|histoire du sejour|sejour|(?:traitement|prise en charge)s? et evolution"
        r"|evolution et (?:traitement|prise en charge)",
        free_tail=True,
    ),
    # Conditions listed apart from the main one ("Pathologies associées :") are current, like the stay's course.
    TitlePattern("evolution", r"(?:pathologies?|diagnostics?|problemes?|affections?) associee?s?", free_tail=True),
    # Operative reports: the procedure is what was done during the stay.
    TitlePattern("evolution", r"intervention(?: \w+)?|geste(?: realise)?|technique operatoire"),
    TitlePattern(
        "conclusion",
        r"conclusions?|concl|ccl|dx|diag|dg|au total|en resume|en conclusion|resume|synthese|diagnostics?"
        r"|diagnostic(?:s)? \w+|diagnostics? de sortie|codage"
        # Problem-oriented letters list the stay's diagnoses: « Problèmes actifs : », « Pb principal : ».
        r"|problemes?(?: (?:actifs?|principaux|principal|du sejour|medicaux|en cours|retenus?))?"
        r"|liste des problemes|pbs?(?: principal| actifs?)?",
        free_tail=True,
    ),
    # Follow-up and administrative titles: not clinical content of the stay, so they close what precedes.
    TitlePattern(
        "other",
        r"suite|suivi|devenir|consignes?|rdv|rendez vous|orientation|projet|conduite a tenir|cat|mode de sortie"
        r"|sortie|a prevoir|avis et propositions|propositions?|destinataires?|copie a"
        # Form labels of the letter's header: who, where, when — never clinical content.
        r"|identite(?: du patient)?|patiente?|nom|prenom|age|sexe|date(?: de naissance| d entree| de sortie)?"
        r"|service|unite|medecin(?: traitant| referent)?|duree(?: de l hospitalisation| du sejour| d hospitalisation)?"
        r"|mode d (?:entree|admission)|compte rendu d hospitalisation|lettre de liaison",
    ),
)

# Titles that may end with a comma instead of a colon: "Au total, patient de 70 ans ...".
COMMA_TITLES = r"au total|en resume|en conclusion|en somme|au final"

MAX_TITLE_CHARS = 70
MAX_TITLE_WORDS = 8
MAX_TAIL_WORDS = 5

# Marks of a list item in front of a title: "- ", "• ", "# ", "1/ ", "2) ", "II. ".
BULLET = r"(?:[-–•*#>]+|\d{1,2}\s*[/).]|[IVX]{1,4}\s*[.)-])"
