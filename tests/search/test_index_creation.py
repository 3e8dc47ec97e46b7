"""Creating a new physical index survives the client's own retry: on a busy cluster the first attempt times
out, the client sends it again to another node, and that node answers that the index (made by the first
attempt, its name unique to this call) already exists. Any other refusal still stops the caller."""

from __future__ import annotations

from typing import Any

import pytest
from opensearchpy import RequestError

from search.indices import cases_alias, create_index


class _Indices:
    def __init__(self, error: RequestError | None) -> None:
        self.error = error
        self.created: list[str] = []

    def create(self, index: str, body: dict[str, Any]) -> None:
        self.created.append(index)
        if self.error is not None:
            raise self.error


class _Client:
    def __init__(self, error: RequestError | None) -> None:
        self.indices = _Indices(error)


def test_an_index_made_by_the_first_attempt_of_a_retried_create_is_used() -> None:
    client = _Client(RequestError(400, "resource_already_exists_exception", {}))
    name = create_index(client)  # type: ignore[arg-type]
    assert name == client.indices.created[0] and name.startswith(cases_alias())


def test_any_other_refusal_to_create_the_index_is_raised() -> None:
    client = _Client(RequestError(400, "illegal_argument_exception", {}))
    with pytest.raises(RequestError):
        create_index(client)  # type: ignore[arg-type]
