from pathlib import Path

import pytest

from coding_assistant.cli.stay_sources import read_coded_stays
from coding_assistant.errors import CodingAssistantError

DATA = Path(__file__).parents[1] / "data"


def test_rss_joined_with_documents_gives_coded_stays_with_texts():
    stays = read_coded_stays(DATA / "rss" / "rss_mixed.txt", DATA / "rss" / "documents")
    assert stays
    assert all(s.documents and s.codes and s.codes.dp for s in stays)


def test_rss_without_documents_is_refused():
    with pytest.raises(CodingAssistantError, match="needs --documents"):
        read_coded_stays(DATA / "rss" / "rss_mixed.txt")


def test_jsonl_folder_and_empty_folder(tmp_path):
    assert len(read_coded_stays(DATA / "dev")) == 104
    with pytest.raises(CodingAssistantError, match=r"no \.jsonl file"):
        read_coded_stays(tmp_path)
