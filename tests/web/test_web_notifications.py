"""The inbox in a real browser: a hand-off to the prosecution puts a badge on the bell of its prosecutors at
once; the inbox lists it in Arabic and English; opening it goes to the case and marks it read; the
preferences page keeps an email turned off. Screenshots go to tests/artifacts/web/ and, for the README, to
docs/screenshots/ when asked (MIZAN_DOCS_SCREENSHOTS=1)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Browser, expect

from core.agencies import AgencyTree
from core.case_numbers import readable_number
from infra.demo import AGENCIES
from tests.support import Api
from tests.support.browser import docs_shot, login, shot

pytestmark = pytest.mark.stack



def _handed_to_the_prosecution(api: Api) -> tuple[str, str]:
    opened = api.as_("officer.tripoli")("POST", "/api/v1/cases", json={
        "offence": "سرقة", "category": "misdemeanour", "place": "طرابلس", "narrative": "إشعار في المتصفح",
        "occurred_at": (datetime.now(UTC) - timedelta(hours=3)).isoformat(), "parties": []})
    assert opened.status_code == 201, opened.text
    case = opened.json()
    referred = api.as_("chief.tripoli")("POST", f"/api/v1/cases/{case['id']}/actions/refer_to_prosecution",
                                        json={"to_agency": "pros.tripoli"})
    assert referred.status_code == 200, referred.text
    return case["id"], case["number"]


def test_a_hand_off_rings_the_bell_and_opening_it_marks_it_read(browser: Browser, base_url: str, api: Api) -> None:
    case_id, number = _handed_to_the_prosecution(api)
    said = readable_number(number, AgencyTree(AGENCIES))  # the inbox names the case as people say its number
    context, page = login(browser, base_url, "prosecutor.tripoli")
    badge = page.locator("#unread-badge")
    expect(badge).to_be_visible()
    unread_before = int(badge.inner_text().split()[0])
    page.click("#inbox-link")
    expect(page.locator("h1")).to_have_text("الإشعارات")
    # the hand-off itself (on the test profile's 4-second clock, its lateness may be listed above it already)
    card = page.locator("#inbox li.notification.unread", has_text=said).filter(has_text="أحال").first
    expect(card).to_be_visible()
    docs_shot(page, "inbox-ar")

    card.locator("button[name=open]").click()
    page.wait_for_url(f"{base_url}/web/cases/{case_id}**")
    expect(page.locator("h1")).to_contain_text(said)
    after = page.locator("#unread-badge")
    if unread_before == 1:
        expect(after).to_have_count(0)
    else:
        expect(after).to_contain_text(str(unread_before - 1))

    page.goto(f"{base_url}/web/notifications")
    page.click("a.language-switch")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.locator("h1")).to_have_text("Notifications")
    read_card = page.locator("#inbox li.notification", has_text=said).filter(has_text="handed over by").first
    expect(read_card).not_to_have_class(re.compile(r"\bunread\b"))
    docs_shot(page, "inbox-en")
    context.close()


def test_an_email_turned_off_stays_off(browser: Browser, base_url: str) -> None:
    context, page = login(browser, base_url, "chiefpros.tripoli")
    page.goto(f"{base_url}/web/notifications/preferences")
    expect(page.locator("h1")).to_have_text("تفضيلات البريد الإلكتروني")
    page.uncheck("#email_hearing_tomorrow")
    page.click("#save-preferences")
    expect(page.locator("#saved")).to_be_visible()
    expect(page.locator("#email_hearing_tomorrow")).not_to_be_checked()
    expect(page.locator("#email_handoff_arrived")).to_be_checked()
    shot(page, "notification-preferences-ar")
    page.check("#email_hearing_tomorrow")  # as it was, for the other tests
    page.click("#save-preferences")
    expect(page.locator("#email_hearing_tomorrow")).to_be_checked()
    context.close()
