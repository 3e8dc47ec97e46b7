"""The public verification page's own answers, without services: the form, a code typed into it, a client
that wants JSON, and the rate limit (shared with the JSON API) answered as a page a person can read."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.deps import get_session
from api.main import create_app
from api.verify import service as verify_service
from api.web.config import LANGUAGE_COOKIE

JSON = {"Accept": "application/json"}


def no_database() -> Iterator[None]:
    yield None


@pytest.fixture
def client() -> Iterator[TestClient]:
    app = create_app()  # no lifespan: no Temporal; these answers never reach the database either
    app.dependency_overrides[get_session] = no_database
    yield TestClient(app)


@pytest.fixture
def exhausted(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every client address has used up its lookups."""
    monkeypatch.setattr(verify_service, "_buckets", verify_service.TokenBuckets(rate_per_minute=1, burst=0))


def test_a_browser_gets_the_form_in_arabic_and_english(client: TestClient) -> None:
    page = client.get("/verify")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert 'dir="rtl"' in page.text and 'name="code"' in page.text and "اكتب رمز التحقق" in page.text
    assert page.headers["cache-control"] == "no-store"
    client.cookies.set(LANGUAGE_COOKIE, "en")
    assert "Type the verification code" in client.get("/verify").text


def test_a_typed_code_goes_to_its_page_in_printed_form(client: TestClient) -> None:
    sent = client.get("/verify", params={"code": " mzn abcde fghjk lmnpq "}, follow_redirects=False)
    assert sent.status_code == 303 and sent.headers["location"] == "/verify/MZN-ABCDE-FGHJK-LMNPQ"



@pytest.mark.parametrize("typed", ["ab/c?d", "MZN-ABCDE-FGHJK", "<script>alert(1)</script>"])
def test_what_cannot_be_a_code_is_refused_and_kept_in_the_form(client: TestClient, typed: str) -> None:
    refused = client.get("/verify", params={"code": typed}, follow_redirects=False)
    assert refused.status_code == 422 and "هذا ليس رمز تحقق" in refused.text
    assert 'value="' + typed.replace("<", "&lt;").replace(">", "&gt;") + '"' in refused.text  # escaped, kept
    as_json = client.get("/verify", params={"code": typed}, headers=JSON)
    assert as_json.status_code == 422 and as_json.json()["error"]["code"] == "invalid_code"


def test_an_empty_code_is_refused_in_both_languages(client: TestClient) -> None:
    refused = client.get("/verify", params={"code": "  "})
    assert refused.status_code == 422 and "اكتب رمز التحقق المطبوع على الشهادة" in refused.text
    as_json = client.get("/verify", params={"code": ""}, headers=JSON)
    assert as_json.status_code == 422
    assert as_json.json()["error"]["message"] == "type the verification code printed on the certificate"
    assert as_json.json()["error"]["message_ar"] == "اكتب رمز التحقق المطبوع على الشهادة"


def test_a_script_asking_for_json_is_sent_to_the_api(client: TestClient) -> None:
    answer = client.get("/verify", headers=JSON)
    assert answer.status_code == 422 and "/api/v1/verify/{code}" in answer.json()["error"]["message"]


def test_too_many_lookups_get_a_page_with_when_to_come_back(client: TestClient, exhausted: None) -> None:
    page = client.get("/verify/MZN-ABCDE-FGHJK-LMNPQ")
    assert page.status_code == 429 and int(page.headers["retry-after"]) >= 1
    assert "طلبات تحقق كثيرة" in page.text and 'name="code"' in page.text
    as_json = client.get("/verify/MZN-ABCDE-FGHJK-LMNPQ", headers=JSON)
    assert as_json.status_code == 429 and as_json.json()["error"]["code"] == "rate_limited"
    assert client.get("/api/v1/verify/MZN-ABCDE-FGHJK-LMNPQ").status_code == 429  # one limit for both
