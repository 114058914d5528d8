"""Data for the text stages, kept apart from their logic (EDS-NLP habit).

- `sections`: section title patterns, matched on the normalised title.
- `qualifiers`: cue lists added to (or removed from) edsnlp's qualifier pipes.
- `measurements`: regex pieces, plausible ranges, unit conversions and which value decides a code.

Editing a list here changes behaviour without touching code; the tests name the phrasings that must hold.
"""
