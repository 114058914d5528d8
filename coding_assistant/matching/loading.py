"""The matcher's dictionary, loaded once per process through the terminology's compact cache.

It lives here, above the terminology, because building it needs both the terminology (labels, lexicon,
clinicians' wordings) and the matcher's own wording stems: the terminology stays a leaf that knows nothing of
matching.
"""

from __future__ import annotations

from functools import lru_cache

from coding_assistant import __version__
from coding_assistant.config import Settings, get_settings
from coding_assistant.matching.dictionary import MentionDictionary, build_dictionary
from coding_assistant.terminology.loader import (
    CACHE_FORMAT,
    LoadedTerminology,
    cache_path,
    content_digest,
    default_terminology,
    load,
    read_cache,
    read_input_bytes,
    source_bytes,
    wordings_bytes,
    write_cache,
)
from coding_assistant.terminology.wordings import read_all


def load_mention_dictionary(
    settings: Settings | None = None, use_cache: bool = True, loaded: LoadedTerminology | None = None
) -> MentionDictionary:
    """The matcher's dictionary (labels and lexicon as stem sequences), cached like the terminology."""
    settings = settings or get_settings()
    key = content_digest(
        f"{CACHE_FORMAT}|{__version__}|{settings.terminology_source}|{settings.terminology_year}".encode(),
        source_bytes(settings),
        read_input_bytes(settings.lexicon_path),
        wordings_bytes(settings),
    )
    path = cache_path(settings, "mentions", key)
    if use_cache:
        cached = read_cache(path)
        if isinstance(cached, MentionDictionary):
            return cached
    loaded = loaded or load(settings, use_cache)
    wordings = read_all(settings.wordings_files(), loaded.terminology)
    dictionary = build_dictionary(loaded.terminology, loaded.lexicon, wordings)
    if use_cache:
        write_cache(path, dictionary)
    return dictionary


@lru_cache(maxsize=1)
def default_mention_dictionary() -> MentionDictionary:
    return load_mention_dictionary(get_settings(), loaded=default_terminology())
