"""The agencies' web in a real browser (Debian's Chromium, headless) against the real services:
Keycloak's own login page, the case walked from report to verdict through the forms, a refusal with
its reason, a 403 page, the English switch, an expired session that keeps the form, and logout.
Screenshots of every page, Arabic (RTL) and English, go to tests/artifacts/web/."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, FilePayload, Page, expect

from core.clocks import TRIPOLI
from tests.support import Api, wait_for
from tests.support.browser import TABLET, login, shot

pytestmark = pytest.mark.stack

ACCUSED = "أحمد عبد الله المبروك"
LOCAL = "%Y-%m-%dT%H:%M:%S"


def local(instant: datetime) -> str:
    return instant.astimezone(TRIPOLI).strftime(LOCAL)


def act(page: Page, action: str, fill: dict[str, str] | None = None, select: dict[str, str] | None = None) -> None:
    """Open an action's form on the case page, fill it, send it (a receipt: the page's call to action)."""
    if action == "acknowledge_receipt":
        page.locator("#receipt-call button[type=submit]").click()
        return
    form = page.locator(f"#action-{action}")
    form.locator("summary").click()
    for name, value in (fill or {}).items():
        form.locator(f"[name='{name}']").fill(value)
    for name, value in (select or {}).items():
        form.locator(f"select[name='{name}']").select_option(value)
    form.locator("button[type=submit]").click()


def done(page: Page) -> None:
    expect(page.locator("#done")).to_be_visible()


@pytest.fixture(scope="module")
def walked_case(browser: Browser, base_url: str) -> dict[str, str]:
    """The whole journey through the forms; later tests look at the case it leaves behind."""
    # whole seconds, never :00 (a datetime-local input drops zero seconds, and the kept value is compared below)
    occurred = (datetime.now(TRIPOLI) - timedelta(days=1)).replace(second=30, microsecond=0)

    # officer.tripoli opens the case with an Arabic-named accused
    context, page = login(browser, base_url, "officer.tripoli")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator(".who-detail")).to_contain_text("مركز شرطة طرابلس المركز")
    shot(page, "work-ar")
    page.click("nav >> text=فتح محضر")
    expect(page.locator("h1")).to_have_text("فتح محضر")
    shot(page, "open-case-ar")

    # nothing filled in: inline messages in Arabic, nothing opened
    page.click("#submit-open-case")
    expect(page.locator("#form-errors")).to_contain_text("هذا الحقل مطلوب")
    expect(page.locator(".field-error").first).to_be_visible()
    shot(page, "open-case-errors-ar")

    page.fill("#open-offence", "سرقة هاتف محمول")
    page.select_option("#open-category", "misdemeanour")
    page.fill("#open-occurred_at", local(occurred))
    page.fill("#open-place", "طرابلس، شارع عمر المختار")
    page.fill("#open-narrative", "أفاد المشتكي بسرقة هاتفه المحمول من سيارته المركونة أمام المصرف.")
    page.select_option("#open-parties-0-role", "accused")
    page.fill("#open-parties-0-name", ACCUSED)
    page.fill("#open-parties-0-national_id", "1199000111")  # two digits short
    page.select_option("#open-parties-1-role", "complainant")
    page.fill("#open-parties-1-name", "سالم خليفة الورفلي")
    page.click("#submit-open-case")
    # the service's refusal, beside the field, and everything typed is still there
    expect(page.locator("#open-parties-0-national_id-error")).to_have_text("الرقم الوطني يتكون من 12 رقماً")
    expect(page.locator("#open-parties-0-name")).to_have_value(ACCUSED)
    expect(page.locator("#open-narrative")).to_have_value(
        "أفاد المشتكي بسرقة هاتفه المحمول من سيارته المركونة أمام المصرف.")
    page.fill("#open-parties-0-national_id", "119900011111")
    page.click("#submit-open-case")
    done(page)
    expect(page.locator("#case-stage")).to_contain_text("جمع الاستدلالات")
    expect(page.locator("#parties")).to_contain_text(ACCUSED)
    number = page.locator("#case-number").inner_text()
    # the number people say (the station's short code, serial, year); the machine's id stays in the address
    assert re.fullmatch(r"ش\.ط\.م \d+/\d{4}", number), number
    case_url = page.url.split("?")[0]
    # only what an officer may do now: no referral (the station chief's)
    expect(page.locator("#action-record_arrest")).to_be_visible()
    expect(page.locator("#action-refer_to_prosecution")).to_have_count(0)

    # a refused action shows the workflow's reason and keeps what was typed
    too_early = local(occurred - timedelta(hours=3))
    act(page, "record_arrest", fill={"arrested_at": too_early}, select={"party_id": "p1"})
    expect(page.locator("#action-record_arrest .alert.error")).to_contain_text("لا يمكن أن يسبق القبض تاريخ الواقعة")
    expect(page.locator("#action-record_arrest [name=arrested_at]")).to_have_value(too_early)
    shot(page, "case-refused-ar")
    page.locator("#action-record_arrest [name=arrested_at]").fill(local(datetime.now(TRIPOLI) - timedelta(minutes=5)))
    page.locator("#action-record_arrest button[type=submit]").click()
    done(page)
    expect(page.locator(".clocks")).to_contain_text("الحجز لدى الشرطة")
    shot(page, "case-ar")
    context.close()

    # chief.tripoli refers it to the prosecution
    context, page = login(browser, base_url, "chief.tripoli")
    page.goto(case_url)
    act(page, "refer_to_prosecution", select={"to_agency": "pros.tripoli"}, fill={"summary": "محال للتصرف"})
    done(page)
    expect(page.locator("#case-stage")).to_contain_text("النيابة")
    context.close()

    # prosecutor.tripoli sees the hand-off waiting on My work (on a tablet), and acknowledges it
    context, page = login(browser, base_url, "prosecutor.tripoli", TABLET)
    expect(page.locator("#receipts-title + ul")).to_contain_text(number)
    assert int(page.locator("#count-receipts").inner_text()) >= 1
    shot(page, "work-prosecutor-tablet-ar")
    page.goto(case_url)
    shot(page, "case-tablet-ar")
    act(page, "acknowledge_receipt")
    done(page)
    # the person arrested came with the file (issue 13): the prosecutor releases them, on record
    act(page, "release_person", select={"party_id": "p1"}, fill={"reason": "إخلاء سبيل بضمان محل الإقامة"})
    done(page)
    context.close()

    # chiefpros.tripoli refers it to court with the charges
    context, page = login(browser, base_url, "chiefpros.tripoli")
    page.goto(case_url)
    act(page, "refer_to_court", select={"to_agency": "court.tripoli"},
        fill={"charges": "السرقة (المادة 444 عقوبات)"})
    done(page)
    expect(page.locator("#case-stage")).to_contain_text("المحاكمة")
    context.close()

    # clerk.tripoli acknowledges and schedules a hearing a few seconds ahead
    context, page = login(browser, base_url, "clerk.tripoli")
    page.goto(case_url)
    act(page, "acknowledge_receipt")
    done(page)
    hearing_at = datetime.now(TRIPOLI) + timedelta(seconds=4)
    act(page, "schedule_hearing", fill={"hearing_at": local(hearing_at), "room": "القاعة 3"})
    done(page)
    context.close()

    # judge.tripoli records the verdict once the hearing has taken place
    context, page = login(browser, base_url, "judge.tripoli")
    wait_for(lambda: datetime.now(TRIPOLI) > hearing_at + timedelta(seconds=1), timeout=30)
    page.goto(case_url)
    form = page.locator("#action-record_verdict")
    form.locator("summary").click()
    form.locator("select[name='verdicts-0-result']").select_option("convicted")
    form.locator("[name='verdicts-0-sentence']").fill("الحبس ستة أشهر")
    shot(page, "case-verdict-form-ar")
    form.locator("button[type=submit]").click()
    done(page)
    expect(page.locator("#court-title + ul")).to_contain_text("الحبس ستة أشهر")
    expect(page.locator(".clocks")).to_contain_text("ميعاد الاستئناف")
    expect(page.locator("#timeline")).to_contain_text("تسجيل الحكم")
    context.close()
    return {"url": case_url, "number": number}


def test_a_case_walks_through_the_forms_from_report_to_verdict(walked_case: dict[str, str]) -> None:
    assert walked_case["number"]


def test_another_regions_officer_learns_nothing_of_the_case(browser: Browser, base_url: str,
                                                            walked_case: dict[str, str]) -> None:
    """The same page as for a case that does not exist: not even whether this one does."""
    context, page = login(browser, base_url, "officer.benghazi")
    response = page.goto(walked_case["url"])
    assert response is not None and response.status == 404
    expect(page.locator("main")).to_contain_text("القضية غير موجودة")
    expect(page.locator("main")).not_to_contain_text(ACCUSED)
    shot(page, "not-found-ar")
    page.click("a.language-switch")
    expect(page.locator("main")).to_contain_text("no such case")
    shot(page, "not-found-en")
    context.close()


def test_the_english_switch_turns_every_page_left_to_right(browser: Browser, base_url: str,
                                                          walked_case: dict[str, str]) -> None:
    context, page = login(browser, base_url, "officer.tripoli")
    page.click("a.language-switch")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.locator("h1")).to_have_text("My work")
    expect(page.locator("#cases-title")).to_have_text("Cases held by your agency")
    shot(page, "work-en")
    page.goto(walked_case["url"])
    # the walked case's 5-second appeal window may have lapsed by now: trial, or final, in English either way
    expect(page.locator("#case-stage")).to_have_text(re.compile(r"^\s*(Trial|Final judgment)\b"))
    expect(page.locator("#timeline")).to_contain_text("Record the verdict")
    shot(page, "case-en")
    page.goto(f"{base_url}/web/cases/new")
    page.click("#submit-open-case")
    expect(page.locator("#form-errors")).to_contain_text("is required")
    shot(page, "open-case-errors-en")
    page.goto(f"{base_url}/web/search?q=" + ACCUSED)
    expect(page.locator("h1")).to_have_text("Search")
    shot(page, "search-en")
    # and back: the cookie holds the choice
    page.click("a.language-switch")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    context.close()


def test_search_finds_the_case_by_the_accused_name(browser: Browser, base_url: str,
                                                   walked_case: dict[str, str]) -> None:
    context, page = login(browser, base_url, "chiefpros.tripoli")

    def found() -> bool:
        page.goto(f"{base_url}/web/search?q=" + "احمد عبدالله المبروك")
        exactly = re.compile(f"^{re.escape(walked_case['number'])}$")
        return page.locator("a.case-number").filter(has_text=exactly).count() > 0

    wait_for(found, timeout=30, interval=1)
    shot(page, "search-ar")
    context.close()


def test_supervisors_see_stalled_cases_others_do_not(browser: Browser, base_url: str) -> None:
    context, page = login(browser, base_url, "supervisor.tripoli")
    page.click("nav >> text=القضايا المتعثرة")
    expect(page.locator("h1")).to_have_text("القضايا المتعثرة")
    shot(page, "stalled-ar")
    page.click("a.language-switch")
    expect(page.locator("h1")).to_have_text("Stalled cases")
    shot(page, "stalled-en")
    context.close()
    context, page = login(browser, base_url, "officer.tripoli")
    expect(page.locator("nav.main-nav")).not_to_contain_text("القضايا المتعثرة")
    response = page.goto(f"{base_url}/web/stalled")
    assert response is not None and response.status == 403
    context.close()


def test_an_expired_session_keeps_the_form_for_after_login(browser: Browser, base_url: str) -> None:
    context, page = login(browser, base_url, "officer.tripoli")
    page.goto(f"{base_url}/web/cases/new")
    page.fill("#open-offence", "إتلاف ممتلكات عامة")
    page.fill("#open-parties-0-name", "خليفة مفتاح الزوي")
    # the web session ends (idle timeout, restart): only its cookie is dropped here, Keycloak's stays
    context.clear_cookies(name="mizan_session")
    page.click("#submit-open-case")
    expect(page.locator("h1")).to_have_text("انتهت جلستك")
    expect(page.locator("main")).to_contain_text("ما أدخلته محفوظ")
    shot(page, "session-expired-ar")
    page.click("#login-again")
    page.wait_for_url(f"{base_url}/web/cases/new")
    expect(page.locator("#restored")).to_be_visible()
    expect(page.locator("#open-offence")).to_have_value("إتلاف ممتلكات عامة")
    expect(page.locator("#open-parties-0-name")).to_have_value("خليفة مفتاح الزوي")
    context.close()


def test_forms_without_the_csrf_token_are_refused(browser: Browser, base_url: str) -> None:
    context, _ = login(browser, base_url, "officer.tripoli")
    response = context.request.post(f"{base_url}/web/cases/new", form={"offence": "x"}, max_redirects=0)
    assert response.status == 403
    assert "انتهت صلاحية النموذج" in response.text()
    cookie = next(c for c in context.cookies() if c["name"] == "mizan_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    context.close()


def test_logout_ends_the_keycloak_session_too(browser: Browser, base_url: str) -> None:
    context, page = login(browser, base_url, "officer.tripoli")
    page.click("form[action='/web/logout'] button")
    page.wait_for_url(f"{base_url}/web/signed-out")
    expect(page.locator("h1")).to_have_text("تم تسجيل خروجك")
    shot(page, "signed-out-ar")
    page.goto(f"{base_url}/web/")
    expect(page.locator("#username")).to_be_visible()  # Keycloak asks again: its session ended as well
    context.close()


def _police_case(api: Api) -> str:
    report = {
        "offence": "سرقة دراجة نارية", "category": "misdemeanour",
        "occurred_at": (datetime.now(TRIPOLI) - timedelta(days=1)).isoformat(),
        "place": "طرابلس، سوق الجمعة", "narrative": "أبلغ المشتكي عن سرقة دراجته النارية من أمام منزله.",
        "parties": [{"role": "accused", "name": ACCUSED, "national_id": "119900044444"}],
    }
    response = api.as_("officer.tripoli")("POST", "/api/v1/cases", json=report)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def test_an_officer_uploads_a_document_another_agency_cannot_download_it(browser: Browser, base_url: str,
                                                                         api: Api) -> None:
    case_id = _police_case(api)
    pdf = f"%PDF-1.4\n% mizan web test {uuid.uuid4().hex}\n%%EOF\n".encode()  # new bytes each run
    context, page = login(browser, base_url, "officer.tripoli")
    page.goto(f"{base_url}/web/cases/{case_id}")
    expect(page.locator("#no-documents")).to_be_visible()
    # the upload form is the action's form: no second, typed-reference form beside it
    expect(page.locator("#action-attach_document")).to_have_count(0)

    # a refused upload: the reason in Arabic, the title kept
    page.fill("#upload-title", "محضر الضبط")
    page.set_input_files("#upload-file", files=FilePayload(name="ملاحظات.txt", mimeType="text/plain",
                                                           buffer="ليس مستنداً".encode()))
    page.click("#upload-submit")
    expect(page.locator("#upload-form .alert.error")).to_contain_text("يجب أن يكون المستند بصيغة PDF")
    expect(page.locator("#upload-file-error")).to_be_visible()
    expect(page.locator("#upload-title")).to_have_value("محضر الضبط")
    shot(page, "case-upload-refused-ar")

    page.set_input_files("#upload-file", files=FilePayload(name="محضر.pdf", mimeType="application/pdf", buffer=pdf))
    page.click("#upload-submit")
    done(page)
    expect(page.locator("#documents")).to_contain_text("محضر الضبط")
    expect(page.locator("#timeline")).to_contain_text("إرفاق مستند")
    shot(page, "case-documents-ar")
    with page.expect_download() as download:
        page.click("#documents a.document-link")
    assert Path(download.value.path()).read_bytes() == pdf
    link = page.locator("#documents a.document-link").get_attribute("href")
    assert link is not None
    context.close()

    context, page = login(browser, base_url, "officer.benghazi")
    response = page.goto(f"{base_url}{link}")
    assert response is not None and response.status == 404
    expect(page.locator("main")).to_contain_text("القضية غير موجودة")
    context.close()


def test_a_web_session_is_served_by_another_api_process(browser: Browser, base_url: str) -> None:
    """The session lives in the database: a second app (a restarted or another API process) knows the cookie."""
    from fastapi.testclient import TestClient

    from api.main import create_app

    context, _ = login(browser, base_url, "officer.tripoli")
    cookie = next(c for c in context.cookies() if c["name"] == "mizan_session")
    other_process = TestClient(create_app(), base_url=base_url)  # no lifespan: it shares only the database
    other_process.cookies.set("mizan_session", cookie["value"])
    response = other_process.get("/web/", follow_redirects=False)
    assert response.status_code == 200, response.headers.get("location")
    assert "مركز شرطة طرابلس المركز" in response.text
    context.close()
