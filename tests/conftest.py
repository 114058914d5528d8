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
def index(loaded):
    return loaded.index
