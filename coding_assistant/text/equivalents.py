"""Words that clinicians and the CIM-10 FR labels use for the same thing, read as one by the matcher and search.

A letter says « dénutrition sévère », the ATIH label « malnutrition protéino-énergétique grave » (E43) and
the clinicians' wordings « dénutrition grave »; « cardiomyopathie » where the label has « myocardiopathie »
(I25.5, I42); « cirrhose éthylique » where it has « alcoolique » (K70.3). Adding every combination of such
words to the lexicon would never end: instead each word of a pair is read as the same stem, on both sides
of the match (the dictionary's wordings and the letter's tokens), so every wording that holds one form
also matches the other. Only words that mean the same wherever they occur belong here: a pair true in
one phrase and wrong in another (« déficit » is a deficiency in « déficit en vitamine B12 » but not in
« déficit moteur ») is a lexicon entry instead.
"""

from __future__ import annotations

from coding_assistant.text.normalize import stem, strip_accents

# clinicians' word → the word of the labels it stands for (singular forms; plurals stem alike).
_SAME_AS: dict[str, str] = {
    # Severity: the CIM-10 FR labels say « grave » (E43 malnutrition grave, O14.1 prééclampsie grave,
    # R57 choc …), letters « sévère ».
    "sévère": "grave",
    # Nutrition: « dénutrition » is the clinical word (HAS 2019 criteria), « malnutrition » the labels' (E40-E46).
    "dénutrition": "malnutrition",
    # Heart muscle: both orders of the compound are in use; the labels write « myocardiopathie » (I25.5, I42).
    "cardiomyopathie": "myocardiopathie",
    # Alcohol: « éthylique » is the clinical adjective (cirrhose, sevrage, hépatopathie), « alcoolique » the
    # labels' (K70, F10).
    "éthylique": "alcoolique",
    # « Septicémie » is the older word for what the CIM-10 FR labels since 2015 call « sepsis » (A40-A41).
    "septicémie": "sepsis",
    # Stones: « lithiase » in letters, « calcul » in the labels (N20-N21, K80).
    "lithiase": "calcul",
    # Spelling: the labels write « anévrisme », letters often « anévrysme » (I71, I72).
    "anévrysme": "anévrisme",
    # The atrium: « atrial » is today's clinical adjective (« flutter atrial typique », « tachycardie atriale »),
    # « auriculaire » the labels' (I48.3 « flutter auriculaire typique », Q21.1 « communication interauriculaire »).
    "atrial": "auriculaire",
    "interatrial": "interauriculaire",
    # The genus of C. difficile was renamed in 2016: letters and labels write either name.
    "clostridioides": "clostridium",
}


def _normalised(word: str) -> str:
    return strip_accents(word).lower()


CANONICAL_STEMS: dict[str, str] = {stem(_normalised(word)): stem(_normalised(same)) for word, same in _SAME_AS.items()}
# The search rewrites a query's word rather than its stem, so that typing a word's beginning still finds it.
_LABEL_WORDS: dict[str, str] = {stem(_normalised(word)): _normalised(same) for word, same in _SAME_AS.items()}


def canonical(word_stem: str) -> str:
    """The stem the matcher reads for `word_stem`: its label word's stem when it has one, else itself."""
    return CANONICAL_STEMS.get(word_stem, word_stem)


def label_word(normalised_word: str) -> str | None:
    """The labels' word for a normalised word of a query (« severes » → « grave »), None without one."""
    return _LABEL_WORDS.get(stem(normalised_word))
