"""Synthetic corpus of French hospital stays with gold PMSI codes, for training and testing the coders.

from coding_assistant.synth import generate_stays
stays = list(generate_stays(100, seed=42))
"""

from coding_assistant.synth.generator import SyntheticStay, generate_stays, generate_synthetic

__all__ = ["SyntheticStay", "generate_stays", "generate_synthetic"]
