"""The supervision pages in Chromium, in Arabic (right to left) and English: a supervisor lands on the dashboard
of their scope, its charts are drawn (Chart.js, within the Content-Security-Policy) beside their tables, a
number leads to the list of exactly that many cases, the stalled list filters, pages and sends a reminder to a
case's holders; a police officer is refused. Screenshots of the dashboard go to docs/screenshots/ when asked
(MIZAN_DOCS_SCREENSHOTS=1)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from config.settings import Settings
from core.case import CaseState
from tests.support.browser import docs_shot, login, shot
from tests.support.supervision import seed_read_model

pytestmark = pytest.mark.stack



@pytest.fixture(scope="module")
def seeded(settings: Settings) -> list[CaseState]:
    return seed_read_model(settings.db_url, 151, 60, datetime.now(UTC))


def _count(page: Page, selector: str) -> int:
    return int(page.locator(selector).inner_text().strip())


def _charts_drawn(page: Page) -> None:
    """Every chart has been drawn by the page's own script with Chart.js, or hidden for a table without rows."""
    assert page.locator("div.chart canvas").count() >= 6
    page.wait_for_function("() => [...document.querySelectorAll('div.chart')]"
                           ".every(c => c.dataset.drawn === 'true' || c.hidden)", timeout=15_000)
    assert page.locator("div.chart[data-drawn=true]").count() >= 5


def test_the_dashboard_in_both_languages_and_its_numbers_lead_to_their_lists(
        browser: Browser, base_url: str, seeded: list[CaseState]) -> None:
    context, page = login(browser, base_url, "supervisor.tripoli")
    assert page.url.startswith(f"{base_url}/web/supervision")  # a supervisor's home is the dashboard
    expect(page.locator("h1")).to_have_text("الإشراف")
    assert page.locator("html").get_attribute("dir") == "rtl"
    _charts_drawn(page)
    stalled = _count(page, "#count-stalled")
    assert stalled > 0
    # every figure table's numbers are links to their list
    links = page.locator("table.figures td[data-value] a")
    assert links.count() > 20
    shot(page, "supervision-ar")

    page.click("#count-stalled")
    page.wait_for_url(re.compile(r".*/web/stalled.*"))
    expect(page.locator("h1")).to_have_text("القضايا المتعثرة")
    assert _count(page, "#stalled-total") == stalled
    shot(page, "stalled-list-ar")

    page.goto(f"{base_url}/web/supervision")
    page.click("a.language-switch")
    expect(page.locator("h1")).to_have_text("Supervision")
    assert page.locator("html").get_attribute("dir") == "ltr"
    _charts_drawn(page)
    shot(page, "supervision-en")
    # a number of the pendency table leads to a case list of that size, with its CSV
    cell = page.locator("#t-pendency tfoot td[data-value] a")
    total = int(cell.inner_text())
    cell.click()
    page.wait_for_url(re.compile(r".*/web/supervision/cases.*"))
    assert _count(page, "#cases-total") == total
    # each case of the list says whom it is against
    rows = page.locator("#cases-table tbody tr")
    assert rows.count() > 0 and page.locator("#cases-table tbody tr .hit-extras").count() == rows.count()
    expect(rows.first.locator(".hit-extras")).to_contain_text("Accused")
    with page.expect_download() as download:
        page.click("#cases-csv")
    lines = Path(download.value.path()).read_text(encoding="utf-8-sig").strip().splitlines()
    assert len(lines) - 1 == total
    context.close()

    # the national supervisor's dashboard, the whole country: the screenshots in docs/screenshots
    context, page = login(browser, base_url, "supervisor")
    expect(page.locator("h1")).to_have_text("الإشراف")
    _charts_drawn(page)
    docs_shot(page, "supervision-dashboard-ar")
    page.click("a.language-switch")
    expect(page.locator("h1")).to_have_text("Supervision")
    _charts_drawn(page)
    docs_shot(page, "supervision-dashboard-en")
    context.close()

    context, page = login(browser, base_url, "officer.tripoli")
    expect(page.locator("nav.main-nav")).not_to_contain_text("الإشراف")
    response = page.goto(f"{base_url}/web/supervision")
    assert response is not None and response.status == 403
    context.close()


def test_the_stalled_list_filters_pages_and_sends_a_reminder(browser: Browser, base_url: str,
                                                             seeded: list[CaseState]) -> None:
    the_129 = seeded[-1]
    context, page = login(browser, base_url, "supervisor.tripoli")
    page.goto(f"{base_url}/web/stalled")
    everything = _count(page, "#stalled-total")
    page.select_option("#filter-reason", "stage_sla")
    page.select_option("#filter-age", "91-180")
    page.click("#filter-submit")
    page.wait_for_url(re.compile(r".*reason=stage_sla.*"))
    assert _count(page, "#stalled-total") < everything
    row = page.locator(f"#row-{the_129.case_id}")
    expect(row).to_be_visible()
    expect(row.locator(".not-on-record").first).to_be_visible()
    expect(row).to_contain_text("129")
    # whom the case is against, under its number (the same line as the search's and the officer's lists)
    accused = [p.name for p in the_129.accused()]
    assert accused
    for name in accused:
        expect(row.locator(".hit-extras")).to_contain_text(name)
    shot(page, "stalled-filtered-ar")

    row.locator(f"#reminder-{the_129.case_id} summary").click()
    row.locator(f"#reminder-note-{the_129.case_id}").fill("القضية متوقفة منذ 129 يوماً: يرجى الإحالة اليوم")
    row.locator(f"#reminder-{the_129.case_id} button[type=submit]").click()
    page.wait_for_url(re.compile(r".*done=reminder.*"))
    expect(page.locator("#done")).to_contain_text("أُرسل التذكير")
    assert "reason=stage_sla" in page.url  # back on the same filtered list
    shot(page, "stalled-reminder-ar")

    page.goto(f"{base_url}/web/stalled?page=2")
    expect(page.locator("nav.pager .current")).to_be_visible()
    context.close()
