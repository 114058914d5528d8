"""Specificity: from a category to the most specific codable CIM-10 FR code the text justifies."""

from coding_assistant.rules.specificity.defaults import default_codable
from coding_assistant.rules.specificity.model import Refinement
from coding_assistant.rules.specificity.refine import REFINERS, refine_code
from coding_assistant.rules.specificity.words import insulin_treated_from_text

__all__ = ["REFINERS", "Refinement", "default_codable", "insulin_treated_from_text", "refine_code"]
