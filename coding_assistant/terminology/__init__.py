"""The CIM-10 FR and CCAM terminologies: tables, lexicon, clinicians' wordings, search, caches."""
