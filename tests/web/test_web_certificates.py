"""The criminal-status certificate in a real browser, against the real services, as each person meets it:
a citizen requests one and downloads it (on a desktop and on a phone); a records officer reviews a
request that found a conviction, issues it or rejects it; an auditor reads; anyone verifies a code by
typing it, in Arabic and in English. Screenshots go to tests/artifacts/web/."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from core.clocks import TRIPOLI
from core.records import last_valid_day
from store.audit import AuditRecord
from store.database import session_scope
from tests.support import Api, wait_for
from tests.support.browser import PHONE, fits_the_width, login, new_context, shot
from tests.support.certificates import (
    CITIZEN1_ID,
    CITIZEN1_NAME,
    convict,
    holder_name,
    pdf_text,
    records_of,
    rehabilitate_everything,
    request_certificate,
)

pytestmark = pytest.mark.stack

PURPOSE = "تقديم على وظيفة في مصرف ليبيا المركزي"


def web_audit(action: str, certificate_id: str) -> list[AuditRecord]:
    """The audit records the web wrote for this certificate and action."""
    with session_scope() as session:
        return [r for r in session.scalars(select(AuditRecord).where(AuditRecord.action == action))
                if r.detail.get("certificate_id") == certificate_id and r.detail.get("via") == "web"]


def certificate_id_of(page: Page) -> str:
    return page.url.split("?")[0].rstrip("/").rsplit("/", 1)[-1]


def today_in_tripoli() -> str:
    return datetime.now(TRIPOLI).strftime("%d/%m/%Y")


@pytest.fixture(scope="module")
def citizen1_clean(api: Api) -> Iterator[None]:
    """citizen1 starts with a clean record (earlier runs' convictions rehabilitated) and leaves with one."""
    rehabilitate_everything(api, CITIZEN1_ID)
    yield
    rehabilitate_everything(api, CITIZEN1_ID)


@pytest.fixture(scope="module")
def issued(browser: Browser, base_url: str, api: Api, citizen1_clean: None,
           tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """citizen1 asks for a certificate through the form and downloads it; later tests verify its code."""
    context, page = login(browser, base_url, "citizen1")
    # a citizen lands on their certificates, with nothing of the agencies' web around them
    assert page.url == f"{base_url}/web/certificates"
    expect(page.locator("h1")).to_have_text("شهادة الحالة الجنائية")
    nav = page.locator("nav.main-nav")
    expect(nav).to_contain_text("شهاداتي")
    for staff_only in ("عملي", "بحث", "فتح محضر", "قائمة مراجعة الشهادات"):
        expect(nav).not_to_contain_text(staff_only)
    expect(page.locator(".who-detail")).to_have_text("مواطن")
    cards_before = page.locator("#my-certificates > li").count()
    shot(page, "certificates-citizen-ar")

    # no purpose: refused in Arabic beside the field, nothing requested
    page.click("#request-submit")
    expect(page.locator("#form-errors")).to_contain_text("اكتب الغرض من الشهادة")
    expect(page.locator("#purpose-error")).to_be_visible()
    expect(page.locator("#purpose")).to_have_attribute("aria-invalid", "true")
    assert page.locator("#my-certificates > li").count() == cards_before
    shot(page, "certificates-citizen-error-ar")

    page.fill("#purpose", PURPOSE)
    page.check("#english")
    page.click("#request-submit")
    expect(page.locator("#done")).to_contain_text("صدرت شهادتك")
    certificate_id = certificate_id_of(page)
    expect(page.locator("#certificate-status")).to_have_text("صدرت")
    expect(page.locator("#certificate-result")).to_have_text("لا توجد سوابق")
    expect(page.locator("#issued-on")).to_have_text(today_in_tripoli())
    expires_at = api.as_("citizen1")("GET", f"/api/v1/certificates/{certificate_id}").json()["expires_at"]
    # the last day it is valid, in Tripoli: the day before the one at whose start it expires
    expect(page.locator("#valid-until")).to_have_text(
        last_valid_day(datetime.fromisoformat(expires_at)).strftime("%d/%m/%Y"))
    code = page.locator("#verification-code").inner_text()
    assert code.startswith("MZN-")
    shot(page, "certificate-issued-ar")

    with page.expect_download() as download:
        page.click("#download")
    pdf = Path(download.value.path()).read_bytes()
    text = pdf_text(pdf, tmp_path_factory.mktemp("pdf"))
    holder = holder_name(CITIZEN1_ID, CITIZEN1_NAME)  # the name the case files give, not the login's
    assert holder in text and code in text and "Criminal Status Certificate" in text  # the English copy
    assert web_audit("certificate.request", certificate_id) and web_audit("certificate.download", certificate_id)
    assert web_audit("certificate.read", certificate_id)

    # the list shows it, with its last valid day; the same page in English
    page.click("text=العودة إلى شهاداتي")
    expect(page.locator(f"#certificate-{certificate_id}")).to_contain_text("صدرت")
    expect(page.locator(f"#certificate-{certificate_id}")).to_contain_text(PURPOSE)
    page.goto(f"{base_url}/web/certificates/{certificate_id}")
    page.click("a.language-switch")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.locator("#certificate-status")).to_have_text("Issued")
    expect(page.locator("#certificate-result")).to_have_text("No criminal record")
    expect(page.locator("main")).to_contain_text("Valid until the end of")
    shot(page, "certificate-issued-en")
    context.close()
    return {"id": certificate_id, "code": code}


def test_a_citizen_requests_a_certificate_and_downloads_it(issued: dict[str, str]) -> None:
    assert issued["code"]


def test_a_citizen_is_kept_out_of_the_case_files(browser: Browser, base_url: str, citizen1_clean: None) -> None:
    context, page = login(browser, base_url, "citizen1")
    response = page.goto(f"{base_url}/web/search?q=المبروك")
    assert response is not None and response.status == 403
    expect(page.locator("main")).to_contain_text("لا يسمح دورك بالبحث")
    page.click("text=العودة إلى صفحتي الرئيسية")
    page.wait_for_url(f"{base_url}/web/certificates")
    page.goto(f"{base_url}/web/")  # the agencies' start page sends a citizen to theirs
    assert page.url == f"{base_url}/web/certificates"
    response = page.goto(f"{base_url}/web/certificates/reviews")
    assert response is not None and response.status == 403
    context.close()


def test_another_citizen_cannot_open_the_certificate(browser: Browser, base_url: str, issued: dict[str, str]) -> None:
    context, page = login(browser, base_url, "citizen2")
    for path in (f"/web/certificates/{issued['id']}", f"/web/certificates/{issued['id']}/pdf"):
        response = page.goto(f"{base_url}{path}")
        assert response is not None and response.status == 403, path
        expect(page.locator("main")).to_contain_text("هذه الشهادة ليست لك")
        expect(page.locator("main")).not_to_contain_text(holder_name(CITIZEN1_ID, CITIZEN1_NAME))
    context.close()


def test_a_citizen_on_a_phone(browser: Browser, base_url: str, issued: dict[str, str]) -> None:
    context, page = login(browser, base_url, "citizen1", PHONE)
    expect(page.locator("#request-form")).to_be_visible()
    expect(page.locator(f"#certificate-{issued['id']}")).to_be_visible()
    assert fits_the_width(page)
    shot(page, "certificates-citizen-phone-ar")
    page.click(f"#certificate-{issued['id']} a.card-title")
    expect(page.locator("#download")).to_be_visible()
    assert fits_the_width(page)
    shot(page, "certificate-issued-phone-ar")
    context.close()


def test_anyone_verifies_a_code_by_typing_it_in_arabic_and_english(browser: Browser, base_url: str,
                                                                    issued: dict[str, str]) -> None:
    context = new_context(browser)  # nobody logged in
    page = context.new_page()
    page.goto(f"{base_url}/verify")
    expect(page.locator("h1")).to_have_text("التحقق من شهادة الحالة الجنائية")
    expect(page.locator("nav.main-nav")).to_have_count(0)
    shot(page, "verify-form-ar")

    # typed from the paper: lower case, spaces for dashes
    page.fill("#code", issued["code"].lower().replace("-", " "))
    page.click("#verify-submit")
    page.wait_for_url(f"{base_url}/verify/{issued['code']}")
    verdict = page.locator("#verdict")
    expect(verdict).to_contain_text("هذه الشهادة صالحة")
    expect(page.locator("#verified-holder")).to_have_text(holder_name(CITIZEN1_ID, CITIZEN1_NAME))
    expect(page.locator("#verified-issued")).to_have_text(today_in_tripoli())
    # the national ID printed on the paper: a printout with another holder's ID is caught
    expect(page.locator("#verified-national-id")).to_have_text(CITIZEN1_ID)
    shot(page, "verify-valid-ar")

    page.fill("#code", "MZN-AAAAA-BBBBB-CCCCC")
    page.click("#verify-submit")
    expect(page.locator("#not-found")).to_contain_text("لا توجد شهادة بهذا الرمز")
    expect(page.locator("#code")).to_have_value("MZN-AAAAA-BBBBB-CCCCC")
    shot(page, "verify-not-found-ar")

    page.click("a.language-switch")  # the same page, in English
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#not-found")).to_contain_text("No certificate has this verification code.")
    page.fill("#code", "")
    page.click("#verify-submit")
    expect(page.locator("#verify-error")).to_contain_text("type the verification code")
    page.fill("#code", issued["code"])
    page.click("#verify-submit")
    expect(page.locator("#verdict")).to_contain_text("This certificate is valid.")
    expect(page.locator("#verified-holder")).to_have_text(holder_name(CITIZEN1_ID, CITIZEN1_NAME))
    expect(page.locator("#verified-national-id")).to_have_text(CITIZEN1_ID)
    shot(page, "verify-valid-en")
    context.close()

    with session_scope() as session:
        outcomes = {r.outcome for r in session.scalars(select(AuditRecord).where(
            AuditRecord.action == "certificate.verify")) if r.detail.get("code") == issued["code"]}
    assert "valid" in outcomes


# ------------------------------------------------------------------------------------- a records officer's review


@pytest.fixture(scope="module")
def convicted(api: Api, issued: dict[str, str]) -> str:
    """citizen1 now has a final conviction (after their clean certificate was issued): its case number."""
    case_id = convict(api, CITIZEN1_ID)
    wait_for(lambda: [r for r in records_of(api, CITIZEN1_ID) if r["case_id"] == case_id], timeout=30)
    number: str = api.as_("judge.tripoli")("GET", f"/api/v1/cases/{case_id}").json()["number"]
    return number


def test_a_records_officer_issues_a_certificate_listing_the_conviction(browser: Browser, base_url: str, api: Api,
                                                                      convicted: str) -> None:
    context, page = login(browser, base_url, "citizen1")
    page.fill("#purpose", "استخراج رخصة قيادة")
    page.click("#request-submit")
    expect(page.locator("#done")).to_contain_text("أُحيل طلبك إلى إدارة السجل الجنائي")
    expect(page.locator("#certificate-status")).to_have_text("قيد المراجعة")
    expect(page.locator("#download")).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text(convicted)  # the officer's worksheet is not the citizen's
    certificate_id = certificate_id_of(page)
    shot(page, "certificate-in-review-ar")
    page.goto(f"{base_url}/web/certificates/{certificate_id}")  # coming back later: still waiting, and why
    expect(page.locator("#waiting")).to_be_visible()
    context.close()

    context, page = login(browser, base_url, "records")
    assert page.url == f"{base_url}/web/certificates/reviews"  # a records officer lands on the queue
    nav = page.locator("nav.main-nav")
    expect(nav).to_contain_text("قائمة مراجعة الشهادات")
    expect(nav).not_to_contain_text("عملي")
    expect(nav).not_to_contain_text("شهاداتي")
    row = page.locator(f"#review-{certificate_id}")
    expect(row).to_contain_text(holder_name(CITIZEN1_ID, CITIZEN1_NAME))
    shot(page, "review-queue-ar")
    row.locator("a").click()
    expect(page.locator("#entries")).to_contain_text(convicted)
    box = page.locator("#entries tr", has_text=convicted).locator("input[name=record_ids]")
    expect(box).to_be_checked()  # a conviction of this national ID is listed unless unticked
    shot(page, "review-ar")

    page.click("#issue-submit")
    expect(page.locator("#done")).to_contain_text("صدرت الشهادة")
    expect(page.locator("#certificate-status")).to_have_text("صدرت")
    expect(page.locator("#certificate-result")).to_have_text("توجد سوابق")
    expect(page.locator("#listed")).to_contain_text(convicted)
    expect(page.locator("#issue-form")).to_have_count(0)  # decided once
    shot(page, "review-issued-ar")
    decisions = web_audit("certificate.decide", certificate_id)
    assert [(d.outcome, d.detail["kind"]) for d in decisions] == [("ok", "issue")]
    context.close()

    mine = api.as_("citizen1")("GET", f"/api/v1/certificates/{certificate_id}").json()
    assert mine["status"] == "issued" and [e["case_number"] for e in mine["listed"]] == [convicted]


def test_a_records_officer_rejects_with_a_reason_kept_across_an_expired_session(
        browser: Browser, base_url: str, api: Api, convicted: str) -> None:
    certificate = request_certificate(api, "citizen1", purpose="سفر")
    assert certificate["status"] == "in_review"
    context, page = login(browser, base_url, "records")
    page.goto(f"{base_url}/web/certificates/{certificate['id']}")

    # no reason: refused beside the field, and the request is still waiting
    page.click("#reject-submit")
    expect(page.locator("#form-errors")).to_contain_text("اكتب سبب الرفض")
    expect(page.locator("#reason-error")).to_be_visible()
    shot(page, "review-reject-error-ar")
    assert api.as_("citizen1")("GET", f"/api/v1/certificates/{certificate['id']}").json()["status"] == "in_review"

    # the session ends while the officer writes: the reason is kept for after the login
    page.click("a.language-switch")
    reason = "Please come to the Criminal Records Department in person to complete your file."
    page.fill("#reason", reason)
    context.clear_cookies(name="mizan_session")
    page.click("#reject-submit")
    expect(page.locator("h1")).to_have_text("Your session has ended")
    page.click("#login-again")
    page.wait_for_url(f"{base_url}/web/certificates/{certificate['id']}")
    expect(page.locator("#restored")).to_be_visible()
    expect(page.locator("#reason")).to_have_value(reason)
    page.click("#reject-submit")
    expect(page.locator("#done")).to_contain_text("The request has been rejected")
    expect(page.locator("#certificate-status")).to_have_text("Rejected")
    shot(page, "review-rejected-en")
    context.close()

    context, page = login(browser, base_url, "citizen1")
    page.goto(f"{base_url}/web/certificates/{certificate['id']}")
    expect(page.locator("#certificate-status")).to_have_text("رُفض الطلب")
    expect(page.locator("#rejection-reason")).to_have_text(reason)
    shot(page, "certificate-rejected-ar")
    context.close()


def test_an_auditor_reads_the_queue_and_cannot_decide(browser: Browser, base_url: str, api: Api,
                                                      convicted: str) -> None:
    certificate: dict[str, Any] = request_certificate(api, "citizen1", purpose="تأشيرة")
    assert certificate["status"] == "in_review"
    context, page = login(browser, base_url, "auditor")
    page.click("nav.main-nav >> text=قائمة مراجعة الشهادات")
    expect(page.locator("#read-only")).to_be_visible()
    page.locator(f"#review-{certificate['id']} a").click()
    expect(page.locator("#entries")).to_contain_text(convicted)
    expect(page.locator("#issue-form")).to_have_count(0)
    expect(page.locator("#reject-form")).to_have_count(0)
    shot(page, "review-auditor-ar")
    # a hand-made form with this session's own token is refused by the service all the same
    csrf = page.locator("form[action='/web/logout'] input[name=csrf_token]").get_attribute("value")
    assert csrf
    response = context.request.post(f"{base_url}/web/certificates/{certificate['id']}/issue",
                                     form={"csrf_token": csrf}, max_redirects=0)
    assert response.status == 403 and "موظف السجل الجنائي" in response.text()
    assert api.as_("records")("GET", f"/api/v1/certificates/{certificate['id']}").json()["status"] == "in_review"
    refused = web_audit("certificate.decide", certificate["id"])
    assert [r.outcome for r in refused] == ["refused:forbidden_role"]
    context.close()
    # leave nothing waiting for the next run's queue
    assert api.as_("records")("POST", f"/api/v1/certificates/{certificate['id']}/reject",
                              json={"reason": "طلب اختبار"}).status_code == 200


def test_a_finding_left_off_needs_its_ground_and_a_second_officers_approval(browser: Browser, base_url: str,
                                                                           api: Api, convicted: str) -> None:
    certificate = request_certificate(api, "citizen1", purpose="عقد عمل")
    assert certificate["status"] == "in_review"
    path = f"{base_url}/web/certificates/{certificate['id']}"

    context, page = login(browser, base_url, "records")
    page.goto(path)
    row = page.locator("#entries tr", has_text=convicted)
    row.locator("input[name=record_ids]").uncheck()
    page.click("#issue-submit")  # unticked with no ground: refused, the row marked, nothing decided
    expect(page.locator("#form-errors")).to_contain_text("لا تُستبعد سابقة من سجل صاحب الشهادة إلا مع بيان السبب")
    ground_box = page.locator("#entries tr", has_text=convicted).locator("input[name^=omission-]")
    expect(ground_box).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#entries tr", has_text=convicted).locator("input[name=record_ids]")).not_to_be_checked()
    shot(page, "review-omission-error-ar")
    assert api.as_("records")("GET", f"/api/v1/certificates/{certificate['id']}").json()["status"] == "in_review"

    ground = "الحكم منقوض بحكم المحكمة العليا رقم 412/71"
    ground_box.fill(ground)
    page.click("#issue-submit")
    expect(page.locator("#done")).to_contain_text("أُرسل إلى موظف سجل ثانٍ")
    expect(page.locator("#certificate-status")).to_have_text("بانتظار موافقة موظف ثانٍ")
    expect(page.locator("#omissions")).to_contain_text(ground)
    expect(page.locator("#approve-form")).to_have_count(0)  # not offered to the officer who left it off
    expect(page.locator("#awaiting-second")).to_be_visible()
    shot(page, "review-awaiting-approval-ar")
    context.close()

    context, page = login(browser, base_url, "records2")
    page.click("a.language-switch")
    page.goto(path)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#certificate-status")).to_have_text("Awaiting a second officer's approval")
    expect(page.locator("#omissions")).to_contain_text(ground)
    expect(page.locator("#proposed-by")).to_have_text("records")
    page.click("#decline-submit")  # no reason: refused beside the field
    expect(page.locator("#form-errors")).to_contain_text("a decline needs a reason")
    expect(page.locator("#certificate-status")).to_have_text("Awaiting a second officer's approval")
    shot(page, "review-approval-en")
    page.click("#approve-submit")
    expect(page.locator("#done")).to_contain_text("You approved it")
    expect(page.locator("#certificate-status")).to_have_text("Issued")
    expect(page.locator("#certificate-result")).to_have_text("No criminal record")
    expect(page.locator("#approved-by")).to_have_text("records2")
    expect(page.locator("#approve-form")).to_have_count(0)
    shot(page, "review-approved-en")
    context.close()

    assert [r.username for r in web_audit("certificate.approval", certificate["id"])] == ["records2", "records2"]
    assert [r.detail["omissions"] for r in web_audit("certificate.decide", certificate["id"])][-1] != {}
    mine = api.as_("citizen1")("GET", f"/api/v1/certificates/{certificate['id']}").json()
    assert mine["status"] == "issued" and mine["listed"] == []
