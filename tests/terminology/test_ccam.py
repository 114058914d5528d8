import pytest

from coding_assistant.errors import CodeValidationError
from coding_assistant.terminology.ccam import normalise_ccam
from coding_assistant.terminology.loader import load_ccam_index


@pytest.fixture(scope="module")
def ccam():
    return load_ccam_index()


def test_acts_have_labels_pairs_and_sex(ccam):
    acts, _ = ccam
    assert len(acts) > 8000
    act = acts["AAFA001"]
    assert "cervelet" in act.label
    assert act.allows("1", "0") and not act.allows("9", "9")
    female_only = [a for a in acts.values() if a.sex == "F"]
    assert female_only and not female_only[0].allowed_for_sex("M")


def test_ccam_search_by_words_and_code(ccam):
    _, index = ccam
    assert index.search("AAFA001")[0].code == "AAFA001"
    assert all(r.code.startswith("AAFA") for r in index.search("aafa", 5))
    found = index.search("exérèse tumeur cervelet craniotomie", 5)
    assert "AAFA001" in [r.code for r in found]


def test_ccam_code_validation():
    assert normalise_ccam(" jafa019 ") == "JAFA019"
    with pytest.raises(CodeValidationError, match="4 letters and 3 digits"):
        normalise_ccam("JAF019")
