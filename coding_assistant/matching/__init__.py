"""Terminology matching: code mentions in documents, with offsets and the wording that matched."""

from coding_assistant.matching.dictionary import MentionDictionary, build_dictionary
from coding_assistant.matching.matcher import Mention, find_mentions, tokenize

__all__ = ["Mention", "MentionDictionary", "build_dictionary", "find_mentions", "tokenize"]
