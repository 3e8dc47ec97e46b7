"""People in a real browser, against the real services: an investigator types a name in Latin letters and finds
the person filed in Arabic, opens the person record, and decides that another record is the same person (a
reason is required, the decision is listed and audited with `via: web`); a police officer reads the record
without the forms to decide. Screenshots go to tests/artifacts/web/."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import select

from store.audit import AuditRecord
from store.database import session_scope
from tests.support import Api, wait_for
from tests.support.browser import login, shot

pytestmark = pytest.mark.stack


def _open(api: Api, party: dict[str, object]) -> str:
    report = {"offence": "سرقة سيارة", "category": "misdemeanour", "place": "مصراتة",
              "occurred_at": (datetime.now(UTC) - timedelta(days=2)).isoformat(),
              "narrative": "أفاد المشتكي بسرقة سيارته من أمام منزله.", "parties": [party]}
    response = api.as_("officer.tripoli")("POST", "/api/v1/cases", json=report)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _record_of(api: Api, **params: str) -> int:
    def found() -> int | None:
        items = api.as_("investigator")("GET", "/api/v1/people/search", params=params).json()["items"]
        return next((int(i["person_id"]) for i in items if i["kind"] == "identity"), None)

    return int(wait_for(found))


def test_an_investigator_finds_a_person_across_scripts_and_merges_two_records(
        browser: Browser, base_url: str, api: Api) -> None:
    tag = uuid.uuid4().hex[:6]
    national_id = f"1{int(tag, 16) % 10**11:011d}"
    family = f"الترهوني {tag}"  # the tag a name part of its own, so that this run's person is told apart
    arabic = _open(api, {"role": "accused", "name": f"مصطفى إبراهيم {family}", "national_id": national_id})
    latin = _open(api, {"role": "accused", "name": f"Mustafa Ibrahim Altarhouni {tag}", "passport_number": f"LY{tag}",
                        "nationality": "LBY"})
    one = _record_of(api, national_id=national_id)
    two = _record_of(api, passport_number=f"LY{tag}")

    context, page = login(browser, base_url, "investigator")
    page.click("nav.main-nav >> text=الأشخاص")
    page.fill("#name", f"Mustafa Ibrahim Altarhouni {tag}")
    page.click("form[role=search] button[type=submit]")
    # the name typed in Latin letters: the Latin file and the Arabic one, with its national ID, are the first two
    expect(page.locator("#people-count")).to_be_visible()
    results = page.locator("#people-results > li")
    top = results.nth(0).inner_text() + results.nth(1).inner_text()
    assert f"مصطفى إبراهيم {family}" in top and national_id in top and f"LY{tag}".upper() in top, top
    shot(page, "people-search-latin-ar")

    page.goto(f"{base_url}/web/people/{one}")
    expect(page.locator("#person-parties")).to_contain_text(f"مصطفى إبراهيم {family}")
    # no reason: refused beside the form, nothing merged
    page.click("summary:has-text('سجل آخر لنفس هذا الشخص')")
    page.fill("#merge-other", str(two))
    page.click("form[action$='/merge'] button[type=submit]")
    expect(page.locator("#form-errors")).to_be_visible()
    expect(page.locator("#person-decisions")).to_have_count(0)
    page.fill("#merge-reason", "جواز سفره الليبي يطابق رقمه الوطني في سجل الجوازات")
    page.click("form[action$='/merge'] button[type=submit]")
    expect(page.locator("#decision-done")).to_be_visible()
    parties = page.locator("#person-parties")
    expect(parties).to_contain_text(f"Mustafa Ibrahim Altarhouni {tag}")
    # the two spellings are one name: no warning that the record may hold two people
    expect(page.locator("#names-differ")).to_have_count(0)
    expect(page.locator("#person-decisions")).to_contain_text("جواز سفره الليبي")
    shot(page, "person-record-merged-ar")
    context.close()

    with session_scope() as session:
        audited = [r for r in session.scalars(select(AuditRecord).where(AuditRecord.action == "person.merge"))
                   if r.detail.get("person_id") == one and r.detail.get("via") == "web"]
    assert [(r.username, r.outcome.split(":")[0]) for r in audited] == [("investigator", "refused"),
                                                                        ("investigator", "ok")]

    # a police officer of the filing station reads the record, and has nothing to decide there
    context, page = login(browser, base_url, "officer.tripoli")
    page.goto(f"{base_url}/web/people/{one}")
    expect(page.locator("#person-parties")).to_contain_text(f"مصطفى إبراهيم {family}")
    expect(page.locator("#decide-title")).to_have_count(0)
    assert {arabic, latin} <= {link.split("/")[-1] for link in page.locator("#person-parties a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))")}
    context.close()
