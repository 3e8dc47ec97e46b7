"""A records officer keeps the criminal record in the browser: looks up a national ID, records an amnesty's
removal with its reference (every missing field reported at once first), in Arabic and English; nobody else may."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Browser, expect

from tests.support import Api, wait_for
from tests.support.browser import fits_the_width, login, shot
from tests.support.certificates import CITIZEN2_FULL_NAME, CITIZEN2_ID, audited_record, convict, records_of

pytestmark = pytest.mark.stack


def test_a_records_officer_removes_an_entry_covered_by_an_amnesty(browser: Browser, base_url: str, api: Api) -> None:
    case_id = convict(api, CITIZEN2_ID, name=CITIZEN2_FULL_NAME)
    record = wait_for(lambda: [r for r in records_of(api, CITIZEN2_ID) if r["case_id"] == case_id], timeout=40)[0]
    entry_id = record["record_id"]

    context, page = login(browser, base_url, "records")
    page.click("nav.main-nav >> text=السجل الجنائي")
    expect(page.locator("h1")).to_have_text("السجل الجنائي")
    page.fill("#lookup-national-id", "12345")
    page.click("#lookup-submit")
    expect(page.locator("#lookup-error")).to_be_visible()
    page.fill("#lookup-national-id", CITIZEN2_ID)
    page.click("#lookup-submit")
    card = page.locator(f"#record-{entry_id}")
    expect(card).to_contain_text(record["case_number"])

    card.locator(f"#removal-{entry_id} summary").click()
    card.locator(f"#removal-submit-{entry_id}").click()  # nothing filled in: every field at fault, at once
    summary = page.locator(f"#record-{entry_id} #form-errors")
    for message in ("اختر السبب", "اكتب المرجع", "اكتب المحكمة", "أدخل تاريخ القرار"):
        expect(summary).to_contain_text(message)
    expect(page.locator(f"#reference-{entry_id}")).to_have_attribute("aria-invalid", "true")
    shot(page, "records-removal-errors-ar")
    assert next(r for r in records_of(api, CITIZEN2_ID) if r["record_id"] == entry_id)["removed"] is None

    card = page.locator(f"#record-{entry_id}")
    card.locator(f"#ground-{entry_id}").select_option("amnesty")
    card.locator(f"#reference-{entry_id}").fill("قانون العفو العام رقم 6 لسنة 2026")
    card.locator(f"#authority-{entry_id}").fill("مجلس النواب")
    card.locator(f"#decided-on-{entry_id}").fill(date.today().isoformat())
    card.locator(f"#removal-submit-{entry_id}").click()
    expect(page.locator("#done")).to_contain_text("رُفع القيد من السجل مع سببه")
    expect(page.locator(f"#record-{entry_id}-status")).to_contain_text("رُفع من السجل: عفو شامل")
    expect(page.locator(f"#removal-{entry_id}")).to_have_count(0)  # removed once: not offered again
    assert fits_the_width(page)
    shot(page, "records-removed-ar")

    page.click("a.language-switch")
    expect(page.locator(f"#record-{entry_id}-status")).to_contain_text("Removed from the record: General amnesty")
    shot(page, "records-removed-en")
    context.close()

    assert next(r for r in records_of(api, CITIZEN2_ID) if r["record_id"] == entry_id)["removed"] == "amnesty"
    assert audited_record("criminal_record.remove", entry_id) == ["records"]

    context, page = login(browser, base_url, "officer.tripoli")
    expect(page.locator("nav.main-nav")).not_to_contain_text("السجل الجنائي")
    response = page.goto(f"{base_url}/web/records?national_id={CITIZEN2_ID}")
    assert response is not None and response.status == 403
    expect(page.locator("main")).not_to_contain_text(record["case_number"])
    context.close()
