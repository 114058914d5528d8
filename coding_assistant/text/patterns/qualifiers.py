"""Cue lists for the qualifiers, on top of edsnlp's own (`edsnlp_cues`, from edsnlp/pipes/qualifiers/*).

Both engines read them (`qualifier_cues` for the rules engine, `edsnlp_qualifiers` for edsnlp's pipes) and
match them word for word, case and accents ignored. `ADD_*` extends edsnlp's lists, `DROP_*` removes
entries that misfire on discharge letters; each drop names the phrasing that showed why.
"""

from __future__ import annotations

# --- negation (eds.negation) ---
# Named multi-word cues, so that the reason reads "negation: 'pas de'" rather than "'pas'".
ADD_NEGATION_PRECEDING: tuple[str, ...] = (
    "pas de",
    "pas d'",
    "absence de",
    "absence d'",
    "aucun signe de",
    "aucun argument pour",
    "pas d'argument pour",
    "sans argument pour",
    "sans signe de",
    "sans élément en faveur",
    "ni de",
    "ni d'",
    # « Geste non réalisé : cholécystectomie »: the whole cue, so that the colon after it introduces what it
    # denies (edsnlp's bare « non » already reaches forward).
    "non réalisé",
    "non réalisée",
    "non réalisés",
    "non réalisées",
    "non fait",
    "non faite",
    "non effectué",
    "non effectuée",
    "non pratiqué",
    "non pratiquée",
)
ADD_NEGATION_FOLLOWING: tuple[str, ...] = (
    "éliminé",
    "éliminée",
    "éliminés",
    "éliminées",
    "écarté",
    "écartée",
    "écartés",
    "écartées",
    "exclu",
    "exclue",
    "infirmé",
    "infirmée",
    "non retenu",
    "non retenue",
    "non retenus",
    "non retenues",
    "non confirmé",
    "non confirmée",
    # The same judgment as a verb after the diagnosis (« Un AIT n'est pas retenu », « la poussée n'a pas été
    # confirmée »); not « n'est pas retrouvé(e) », said of a cause (« la cause des paresthésies n'est pas
    # retrouvée » leaves the paresthesias affirmed).
    "n'est pas retenu",
    "n'est pas retenue",
    "ne sont pas retenus",
    "ne sont pas retenues",
    "n'a pas été retenu",
    "n'a pas été retenue",
    "n'est pas confirmé",
    "n'est pas confirmée",
    "n'a pas été confirmé",
    "n'a pas été confirmée",
    "non retrouvé",
    "non retrouvée",
    "non objectivé",
    "non objectivée",
    "non visualisé",
    "non visualisée",
    "négatif",
    "négative",
    "négatifs",
    "négatives",
)
# "Appendicite non compliquée", "DT2 non insulinotraité", "pancréatite non sévère": a bare "non" after a
# diagnosis qualifies it, it does not deny it. The explicit "non retenu(e)", "non confirmé(e)" stay above.
DROP_NEGATION_FOLLOWING: tuple[str, ...] = ("non",)
# "EP à éliminer" is a hypothesis: the verb must not also negate what follows it. "Non seulement une anémie
# mais aussi …" asserts the anémie.
ADD_NEGATION_PSEUDO: tuple[str, ...] = (
    # How an examination was done, not a finding denied: « scanner sans injection a montré un calcul ».
    "sans injection",
    "non injecté",
    "non injectée",
    "sans contraste",
    "sans produit de contraste",
    "sans gadolinium",
    "à éliminer",
    "à écarter",
    "à exclure",
    "pas de modification",
    "non seulement",
)

# --- hypothesis (eds.hypothesis) ---
ADD_HYPOTHESIS_PRECEDING: tuple[str, ...] = (
    "suspicion de",
    "suspicion d'",
    "suspect de",
    "évocateur de",
    "évocateur d'",
    "évocatrice de",
    "évocatrice d'",
    "évoquant",
    "hypothèse de",
    "hypothèse d'",
    "diagnostic différentiel",
    "doute sur",
    # What a treatment is given to prevent is not there (« HBPM pour éviter une thrombose veineuse », « régime
    # riche en fer pour prévenir l'anémie », « prophylaxie de la pneumocystose »): the stay codes the prophylaxis
    # (Z29), never the condition. Secondary and primary prevention name a disease the patient has or a risk: see
    # ADD_HYPOTHESIS_PSEUDO.
    "prévenir",
    "éviter",
    "prévention de",
    "prévention des",
    "prévention du",
    "prévention d'",
    "prophylaxie de",
    "prophylaxie des",
    "prophylaxie du",
    "prophylaxie d'",
)
ADD_HYPOTHESIS_PSEUDO: tuple[str, ...] = (
    "prévention secondaire",
    "prévention primaire",
)
ADD_HYPOTHESIS_FOLLOWING: tuple[str, ...] = (
    "à éliminer",
    "à écarter",
    "à confirmer",
    "à discuter",
    "à évoquer",
    "évoqué",
    "évoquée",
    "évoqués",
    "évoquées",
    "suspecté",
    "suspectée",
    "non exclu",
    "non exclue",
    "pas exclu",
    "pas exclue",
    "douteux",
    "douteuse",
)
# "ictère conjonctival discret" (a severity), "selon protocole" / "selon l'IDE", "soit 20 UA/j",
# "Exploration : ..." (operative findings): none of them makes what follows hypothetical.
DROP_HYPOTHESIS_PRECEDING: tuple[str, ...] = (
    "discret",
    "discrets",
    "discrète",
    "discrètes",
    "selon",
    "soit",
    "exploration",
)
# Cues a DIM may choose to code at discharge ("probable pneumopathie"): see `probable_is_hypothetical`.
PROBABLE_CUE_PREFIX = "probabl"

# --- family (eds.family) ---
# Relatives who carry the family history (Z80-Z84). Spouses and children are mostly caregivers or witnesses
# in letters ("adressée par sa fille pour confusion", "maman rapporte une fièvre", "Enfant de 3 ans"), and
# "familial(e)" alone names a disease of the patient ("hypercholestérolémie familiale").
FAMILY: tuple[str, ...] = (
    "père",
    "mère",
    "frère",
    "frères",
    "soeur",
    "sœur",
    "soeurs",
    "sœurs",
    "demi-frère",
    "demi-soeur",
    "fratrie",
    "jumeau",
    "jumelle",
    "grand-père",
    "grand-mère",
    "grands-parents",
    "arrière-grand-père",
    "arrière-grand-mère",
    "oncle",
    "oncles",
    "tante",
    "tantes",
    "cousin",
    "cousine",
    "cousins",
    "cousines",
    "neveu",
    "nièce",
    "aïeul",
    "aïeux",
    "antécédent familial",
    "antécédents familiaux",
    "atcd familial",
    "atcd familiaux",
    "atcd fam",
    "atcds familiaux",
    "histoire familiale",
    "contexte familial",
    "cas familial",
    "cas familiaux",
    "dans la famille",
    "forme familiale",
)

# --- history (eds.history) ---
ADD_HISTORY: tuple[str, ...] = (
    "antécédent de",
    "antécédents de",
    "atcd de",
    "guéri",
    "guérie",
    "en rémission",
    "ancien",
    "ancienne",
    "dans l'enfance",
    "dans l' enfance",
)
# Regexes on the lower-cased text: a past year ("IDM en 2012", "cholécystectomie 1998") but not "HTA depuis
# 2015" (a current condition since then) nor a date "03/02/2025" (edsnlp reads it as "03 / 02 / 2025").
# edsnlp's engine also strips accents before matching, the rules engine does not: write words without
# accents only where the letters never carry one, or accept both ("[eé]").
HISTORY_REGEX: tuple[str, ...] = (
    r"(?<!depuis )(?<!/ )(?<!/)\b(?:19[5-9]\d|20[0-4]\d)\b(?! ?/)",
    r"\bil y a \d+ ans\b",
)
