"""The Arabic analysis Mizan's search relies on, against the running OpenSearch.

Guards the hand-assembled `analysis-common` module (see infra/opensearch.py): without it the
`arabic` analyzer and `arabic_normalization` filter do not exist.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from opensearchpy import OpenSearch

from config.settings import get_settings

pytestmark = pytest.mark.stack


@pytest.fixture(scope="module")
def client() -> Iterator[OpenSearch]:
    # The suite's conftest guarantees the service runs; until its `opensearch_url` fixture
    # exists, read the same URL from settings.
    os_client = OpenSearch(hosts=[get_settings().opensearch_url], timeout=30)
    yield os_client
    os_client.close()


def _tokens(client: OpenSearch, body: dict[str, object]) -> list[str]:
    response = client.indices.analyze(body=body)
    return [token["token"] for token in response["tokens"]]


def test_arabic_analyzer_stems(client: OpenSearch) -> None:
    # "the court": the light stemmer drops the article ال and the feminine ending ة
    assert _tokens(client, {"analyzer": "arabic", "text": "المحكمة"}) == ["محكم"]


def test_arabic_normalization_folds_hamza(client: OpenSearch) -> None:
    # Names are typed with and without hamza on the alef; both must find the same person.
    body = {"tokenizer": "standard", "filter": ["arabic_normalization"]}
    with_hamza = _tokens(client, {**body, "text": "أحمد"})
    without_hamza = _tokens(client, {**body, "text": "احمد"})
    assert with_hamza == without_hamza == ["احمد"]
