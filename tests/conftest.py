from __future__ import annotations

import pytest

from coding_assistant.terminology.loader import LoadedTerminology, default_terminology


@pytest.fixture(scope="session")
def loaded() -> LoadedTerminology:
    return default_terminology()


@pytest.fixture(scope="session")
def terminology(loaded):
    return loaded.terminology


@pytest.fixture(scope="session")
def text_pipeline(terminology):
    """Terminology matching only (no classifier): what the text alone supports."""
    from coding_assistant.matching.loading import default_mention_dictionary
    from coding_assistant.pipeline import CodingPipeline

    return CodingPipeline(None, terminology, default_mention_dictionary())


@pytest.fixture(scope="session")
def index(loaded):
    return loaded.index


@pytest.fixture(scope="session")
def small_model(tmp_path_factory):
    """A small TF-IDF model trained on synthetic stays, for tests that need a real model folder (CLI, batch)."""
    from coding_assistant.classifier.features import FeatureSettings
    from coding_assistant.classifier.train import TrainSettings, export_tfidf, fit_tfidf
    from coding_assistant.synth import generate_stays

    settings = TrainSettings(
        min_count=4,
        kept_weights=100,
        n_jobs=2,
        features=FeatureSettings(word_max_features=5_000, char_max_features=2_000),
    )
    folder = tmp_path_factory.mktemp("model") / "small"
    export_tfidf(fit_tfidf(list(generate_stays(300, seed=5)), settings), folder, "small", settings)
    return folder


@pytest.fixture(scope="session")
def conclusion_candidate():
    """A factory of hand-built candidates for the role tests: one code, one affirmed mention of its own words
    (a span no other candidate shares) in a section, by default the conclusion."""
    import itertools

    from coding_assistant.pipeline.candidates import Candidate
    from coding_assistant.pipeline.evidence import QualifiedMention

    ranks = itertools.count()

    def make(code: str, score: float, dp: float = 0.0, *, section: str = "conclusion", negated: bool = False):
        rank = next(ranks)
        mention = QualifiedMention(
            doc_id="crh",
            codes=(code,),
            start=100 * rank,
            end=100 * rank + 10,
            text=code,
            section=section,
            negated=negated,
            hypothetical=False,
            family=False,
            history=False,
            cues=(),
            source="lexicon",
            rank=rank,
        )
        return Candidate(code[:3], model_score=score, dp_score=dp, score=score, mentions=[mention])

    return make
