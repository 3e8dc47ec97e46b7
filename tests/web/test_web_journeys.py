"""Each role's journey through the one web app, in Arabic and English, on a desktop (1366x900) and a phone
(390x844), in a real browser against the real services (issue 14, "Done when"). Every page visited is checked:
nothing wider than the window, no message id left untranslated (and no placeholder left unfilled), and on the
case pages every statement, evidence description and note on record is visible and only the actions the
procedure would accept (the API's allowed_actions, core.transitions.action_options run dry) are offered.
Screenshots of every page go to tests/artifacts/web/ (ignored); a handful are kept under docs/screens/."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from api.web.config import LANGUAGE_COOKIE
from core.clocks import TRIPOLI
from infra.demo import DEMO_PASSWORD
from tests.support import Api, wait_for
from tests.support.browser import ARTIFACTS, DESKTOP, PHONE, fits_the_width, new_context, shot

pytestmark = pytest.mark.stack

ACCUSED = ("مفتاح سالم القريتلي", "عبد السلام محمد الورشفاني")
COMPLAINANT = "نادية خليفة بن صريتي"
#: what the case files say in words: each must be visible on the case page to whoever reads it
STATEMENTS = ("أنكر المتهم ما نسب إليه وقال إنه كان في مصراتة يوم الواقعة.",
              "أفادت المشتكية بأنها شاهدت المتهم يغادر المحل ومعه الصندوق.")
EVIDENCE = "صندوق حديدي أسود عليه آثار كسر، ضبط في سيارة المتهم الأول"
REFERRAL_NOTE = "محال للتصرف مع المضبوطات وأقوال الأطراف"
ADJOURN_REASON = "لإعلان الشهود وضم تقرير الأدلة الجنائية"
HEARING_ROOM = "القاعة 2"

SETTINGS = [pytest.param(language, device, id=f"{language}-{device}")
            for language in ("ar", "en") for device in ("desktop", "phone")]
VIEWPORTS: dict[str, ViewportSize] = {"desktop": DESKTOP, "phone": PHONE}

#: in an Arabic page, Latin words of the page's own wording (not a name, number, code or date, which are isolated)
UNTRANSLATED_JS = """() => {
  const skip = "[lang='en'], bdi, .id, .case-number, time, [dir='ltr'], [dir='auto'], input, textarea, select,"
             + " script, style, code, .document-link, .hint[dir='ltr']";
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const found = [];
  while (walker.nextNode()) {
    const node = walker.currentNode, element = node.parentElement;
    if (!element || element.closest(skip) || !element.getClientRects().length) continue;
    const words = node.textContent.match(/[A-Za-z]*[a-z][A-Za-z]*/g) || [];
    if (words.some(w => w.length >= 3)) found.push(node.textContent.trim());
  }
  return found;
}"""


# ---------------------------------------------------------------------------------------------- the cases


def _ok(response: Any) -> dict[str, Any]:
    assert response.status_code in (200, 201), response.text
    return dict(response.json())


def _act(api: Api, user: str, case_id: str, action: str, **fields: Any) -> None:
    _ok(api.as_(user)("POST", f"/api/v1/cases/{case_id}/actions/{action}", json=fields))


def _open(api: Api) -> str:
    report = {"offence": "سرقة خزينة محل", "category": "misdemeanour", "place": "طرابلس، سوق الثلاثاء",
              "narrative": "كسر باب المحل ليلاً وسرقة الخزينة.",
              "occurred_at": (datetime.now(UTC) - timedelta(days=2)).isoformat(),
              "parties": [{"role": "accused", "name": ACCUSED[0]}, {"role": "accused", "name": ACCUSED[1]},
                          {"role": "complainant", "name": COMPLAINANT}]}
    return str(_ok(api.as_("officer.tripoli")("POST", "/api/v1/cases", json=report))["id"])


def _timeline(api: Api, case_id: str) -> int:
    return len(_ok(api.as_("officer.tripoli")("GET", f"/api/v1/cases/{case_id}"))["timeline"])


@pytest.fixture(scope="module")
def cases(api: Api) -> dict[str, str]:
    """Two cases through the API: one with statements, evidence and a referral note, awaiting the prosecution's
    receipt; one in court with a hearing set and adjourned within the week."""
    at_prosecution = _open(api)
    _act(api, "officer.tripoli", at_prosecution, "record_statement", party_id="p1", text=STATEMENTS[0])
    _act(api, "officer.tripoli", at_prosecution, "record_statement", party_id="p3", text=STATEMENTS[1])
    _act(api, "officer.tripoli", at_prosecution, "add_evidence", description=EVIDENCE)
    _act(api, "officer.tripoli", at_prosecution, "record_arrest", party_id="p1",
         arrested_at=(datetime.now(UTC) - timedelta(hours=1)).isoformat())
    _act(api, "chief.tripoli", at_prosecution, "refer_to_prosecution", to_agency="pros.tripoli",
         summary=REFERRAL_NOTE)

    in_court = _open(api)
    _act(api, "chief.tripoli", in_court, "refer_to_prosecution", to_agency="pros.tripoli")
    _act(api, "prosecutor.tripoli", in_court, "acknowledge_receipt")
    _act(api, "chiefpros.tripoli", in_court, "refer_to_court", to_agency="court.tripoli", charges=["السرقة"])
    _act(api, "clerk.tripoli", in_court, "acknowledge_receipt")
    # a hearing held a moment ago (a verdict may follow it), adjourned to tomorrow morning
    soon = datetime.now(TRIPOLI) + timedelta(seconds=3)
    _act(api, "clerk.tripoli", in_court, "schedule_hearing", hearing_at=soon.isoformat(), room=HEARING_ROOM)
    wait_for(lambda: datetime.now(TRIPOLI) > soon + timedelta(seconds=1), timeout=30)
    tomorrow = (datetime.now(TRIPOLI) + timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)
    _act(api, "clerk.tripoli", in_court, "adjourn_hearing", hearing_at=tomorrow.isoformat(), reason=ADJOURN_REASON)
    # the read model has them (the pages read it)
    wait_for(lambda: _timeline(api, at_prosecution) >= 6 and _timeline(api, in_court) >= 7)
    return {"at_prosecution": at_prosecution, "in_court": in_court}


# ---------------------------------------------------------------------------------------------- the browser


@pytest.fixture
def visit(browser: Browser, base_url: str) -> Iterator[Any]:
    contexts: list[BrowserContext] = []

    def open_as(username: str | None, language: str, device: str) -> Page:
        context = new_context(browser, VIEWPORTS[device])
        context.add_cookies([{"name": LANGUAGE_COOKIE, "value": language, "url": base_url}])
        contexts.append(context)
        page = context.new_page()
        if username is None:
            return page
        page.goto(f"{base_url}/web/")
        page.fill("#username", username)
        page.fill("#password", DEMO_PASSWORD)
        page.click("#kc-login")
        page.wait_for_url(f"{base_url}/**")
        return page

    yield open_as
    for context in contexts:
        context.close()


def check(page: Page, language: str, name: str) -> None:
    """What every page must be: as wide as the window at most, in its own language, with nothing left unfilled."""
    page.wait_for_load_state("networkidle")
    shot(page, name)
    assert page.locator("html").get_attribute("lang") == language
    assert fits_the_width(page), f"{name}: {page.evaluate('document.documentElement.scrollWidth')} px wide"
    text = page.locator("body").inner_text()
    assert "%(" not in text and "{{" not in text and "_(" not in text, name
    if language == "ar":
        assert page.evaluate(UNTRANSLATED_JS) == [], name


def offered(page: Page) -> set[str]:
    """The actions a case page offers: its forms, the receipt's call to action, the upload form."""
    forms = {str(i).removeprefix("action-") for i in
             page.locator("#actions details.action, #receipt-call form").evaluate_all("els => els.map(e => e.id)")}
    if page.locator("#upload-form").count():
        forms.add("attach_document")
    return forms


def accepted(api: Api, username: str, case_id: str) -> set[str]:
    return set(_ok(api.as_(username)("GET", f"/api/v1/cases/{case_id}"))["allowed_actions"])


def case_page(page: Page, base_url: str, case_id: str, api: Api, username: str, language: str, name: str) -> None:
    page.goto(f"{base_url}/web/cases/{case_id}")
    expect(page.locator("#case-number")).to_be_visible()
    check(page, language, name)
    assert offered(page) == accepted(api, username, case_id), name


# ---------------------------------------------------------------------------------------------- journeys


@pytest.mark.parametrize(("language", "device"), SETTINGS)
def test_police(visit: Any, base_url: str, api: Api, cases: dict[str, str], language: str, device: str) -> None:
    page = visit("officer.tripoli", language, device)
    expect(page.locator("#work-table")).to_be_visible()
    check(page, language, f"police-home-{language}-{device}")
    # a report sent empty: every missing field at once, each linked to its field
    page.goto(f"{base_url}/web/cases/new")
    page.click("#submit-open-case")
    summary = page.locator("#form-errors li a")
    expect(summary).to_have_count(5)
    for href in summary.evaluate_all("els => els.map(e => e.getAttribute('href'))"):
        assert page.locator(href).count() == 1, href
    expect(page.locator(".field-error")).to_have_count(5)
    check(page, language, f"police-open-errors-{language}-{device}")
    summary.first.click()
    expect(page.locator("#open-offence")).to_be_focused()
    # corrected and sent: the case page, its confirmation in view
    page.fill("#open-offence", "سرقة دراجة نارية")
    page.select_option("#open-category", "misdemeanour")
    page.fill("#open-occurred_at", (datetime.now(TRIPOLI) - timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M:%S"))
    page.fill("#open-place", "طرابلس، الظهرة")
    page.fill("#open-narrative", "سرقت دراجة المشتكي من أمام منزله.")
    # the suspect with what tells them apart from a namesake: birth date and place, mother's name
    page.select_option("#open-parties-0-role", "suspect")
    page.fill("#open-parties-0-name", "سالم علي محمد الفيتوري")
    page.locator("#open-parties-0-identity summary").click()
    page.fill("#open-parties-0-birth_date", "1990-05-01")
    page.fill("#open-parties-0-birth_place", "مصراتة")
    page.fill("#open-parties-0-mother_name", "فاطمة سالم")
    page.click("#submit-open-case")
    expect(page.locator("#done")).to_be_visible()
    assert in_view(page, "#done")
    expect(page.locator("#parties .birth-place")).to_contain_text("مصراتة")
    expect(page.locator("#parties .mother-name")).to_contain_text("فاطمة سالم")
    # an action sent without its details: refused, every missing field listed, and the summary in view
    page.locator("#action-add_party summary").click()
    page.locator("#action-add_party button[type=submit]").click()
    expect(page.locator("#action-add_party #form-errors li")).to_have_count(2)
    assert in_view(page, "#form-errors"), "the error summary is off-screen after the submit"
    check(page, language, f"police-action-errors-{language}-{device}")
    # the case as the station left it: every statement, the evidence and the referral note are on the page
    case_page(page, base_url, cases["at_prosecution"], api, "officer.tripoli", language,
              f"police-case-{language}-{device}")
    for text in (*STATEMENTS, EVIDENCE, REFERRAL_NOTE):
        expect(page.get_by_text(text, exact=True)).to_be_visible()


def in_view(page: Page, selector: str) -> bool:
    """Whether the element's top comes onto the screen once the page has settled (to the pixel: a scroll may
    leave it a fraction above); htmx settles a swapped page a moment after it is in the document."""
    try:
        page.wait_for_function("s => { const top = document.querySelector(s).getBoundingClientRect().top;"
                               " return top >= -1 && top < window.innerHeight; }", arg=selector, timeout=5_000)
    except PlaywrightTimeout:
        top = page.evaluate("s => document.querySelector(s).getBoundingClientRect().top", selector)
        raise AssertionError(f"{selector} is {top} px from the window's top") from None
    return True


@pytest.mark.parametrize(("language", "device"), SETTINGS)
def test_prosecution(visit: Any, base_url: str, api: Api, cases: dict[str, str], language: str,
                     device: str) -> None:
    page = visit("prosecutor.tripoli", language, device)
    # the next thing to do first: the file sent to the office, with its receipt at hand
    receipts = page.locator("#receipts")
    expect(receipts).to_be_visible()
    expect(receipts.locator(f"a[href='/web/cases/{cases['at_prosecution']}']")).to_be_visible()
    expect(receipts).to_contain_text(ACCUSED[0])
    check(page, language, f"prosecution-home-{language}-{device}")
    case_page(page, base_url, cases["at_prosecution"], api, "prosecutor.tripoli", language,
              f"prosecution-case-{language}-{device}")
    expect(page.locator("#receipt-call button")).to_be_visible()
    assert page.locator("#receipt-call").bounding_box()["y"] < page.locator("#actions").bounding_box()["y"]  # type: ignore[index]
    for text in (*STATEMENTS, EVIDENCE, REFERRAL_NOTE):
        expect(page.get_by_text(text, exact=True)).to_be_visible()
    expect(page.locator("#case-suspects")).to_contain_text(ACCUSED[1])


@pytest.mark.parametrize(("language", "device"), SETTINGS)
def test_court(visit: Any, base_url: str, api: Api, cases: dict[str, str], language: str, device: str) -> None:
    page = visit("judge.tripoli", language, device)
    hearings = page.locator("#hearings-table")
    expect(hearings.locator(f"a[href='/web/cases/{cases['in_court']}']")).to_be_visible()
    check(page, language, f"court-home-{language}-{device}")
    case_page(page, base_url, cases["in_court"], api, "judge.tripoli", language, f"court-case-{language}-{device}")
    expect(page.locator("#hearings .adjourned-mark")).to_have_count(1)
    expect(page.get_by_text(ADJOURN_REASON).first).to_be_visible()
    expect(page.locator("#case-next-hearing")).to_be_visible()
    # no challenge before a verdict (the procedure would refuse it)
    for challenge in ("file_appeal", "file_objection", "file_cassation", "release_person"):
        expect(page.locator(f"#action-{challenge}")).to_have_count(0)
    # the verdict form has the page's width, not the sidebar's
    page.locator("#action-record_verdict summary").click()
    sentence = page.locator("[name='verdicts-0-sentence']")
    expect(sentence).to_be_visible()
    width = sentence.bounding_box()["width"]  # type: ignore[index]
    assert width > (500 if device == "desktop" else 250), width
    check(page, language, f"court-verdict-form-{language}-{device}")
    # on paper: the case file without the screen's furniture (the actions, the navigation)
    page.emulate_media(media="print")
    expect(page.locator("#actions")).to_be_hidden()
    expect(page.locator("nav.main-nav")).to_be_hidden()
    expect(page.locator("#timeline")).to_be_visible()
    expect(page.get_by_text(ADJOURN_REASON).first).to_be_visible()
    page.emulate_media(media="screen")


def test_the_hearing_list_prints(visit: Any, base_url: str, cases: dict[str, str]) -> None:
    page = visit("judge.tripoli", "ar", "desktop")
    page.emulate_media(media="print")
    expect(page.locator("#hearings-table a[href='/web/cases/" + cases["in_court"] + "']")).to_be_visible()
    expect(page.locator("#work-filters")).to_be_hidden()
    expect(page.locator("nav.main-nav")).to_be_hidden()
    page.pdf(path=str(ARTIFACTS / "hearing-list-ar.pdf"), format="A4")


@pytest.mark.parametrize(("language", "device"), SETTINGS)
def test_supervisor(visit: Any, base_url: str, language: str, device: str) -> None:
    page = visit("supervisor.tripoli", language, device)
    assert page.url.startswith(f"{base_url}/web/supervision")
    check(page, language, f"supervisor-home-{language}-{device}")
    page.goto(f"{base_url}/web/stalled")
    check(page, language, f"supervisor-stalled-{language}-{device}")


@pytest.mark.parametrize(("language", "device"), SETTINGS)
def test_investigator(visit: Any, base_url: str, api: Api, cases: dict[str, str], language: str,
                      device: str) -> None:
    page = visit("investigator", language, device)
    # the CID holds no file: the investigator's home is the search, saying what it reaches
    expect(page).to_have_url(re.compile(rf"{re.escape(base_url)}/web/search"))
    expect(page.locator("#search-scope")).to_be_visible()
    expect(page.locator("#search-people")).to_be_visible()
    check(page, language, f"investigator-home-{language}-{device}")
    hit = page.locator(f".results li:has(a[href='/web/cases/{cases['at_prosecution']}'])")

    def found() -> bool:
        page.goto(f"{base_url}/web/search?q={ACCUSED[0]}")
        return hit.count() > 0

    wait_for(found, timeout=30, interval=1)
    expect(hit.locator(".hit-extras")).to_contain_text(ACCUSED[1])  # every accused, not only the one matched
    check(page, language, f"investigator-search-{language}-{device}")
    case_page(page, base_url, cases["at_prosecution"], api, "investigator", language,
              f"investigator-case-{language}-{device}")
    for text in (*STATEMENTS, EVIDENCE, REFERRAL_NOTE):
        expect(page.get_by_text(text, exact=True)).to_be_visible()


@pytest.mark.parametrize(("language", "device"), SETTINGS)
def test_records_officer(visit: Any, base_url: str, language: str, device: str) -> None:
    page = visit("records", language, device)
    assert page.url.startswith(f"{base_url}/web/certificates/reviews")
    expect(page.locator("nav a[href='/web/certificates/reviews']")).to_be_visible()
    check(page, language, f"records-home-{language}-{device}")


@pytest.mark.parametrize(("language", "device"), SETTINGS)
def test_citizen(visit: Any, base_url: str, language: str, device: str) -> None:
    page = visit("citizen1", language, device)
    assert page.url.startswith(f"{base_url}/web/certificates")
    expect(page.locator("nav a[href='/web/certificates']")).to_be_visible()
    expect(page.locator("nav a[href='/web/search']")).to_have_count(0)
    expect(page.locator("form[action='/web/logout']")).to_be_visible()
    expect(page.locator("a.language-switch")).to_be_visible()
    check(page, language, f"citizen-home-{language}-{device}")


@pytest.mark.parametrize(("language", "device"), SETTINGS)
def test_public_verification(visit: Any, base_url: str, language: str, device: str) -> None:
    page = visit(None, language, device)
    page.goto(f"{base_url}/verify")
    expect(page.locator("form")).to_be_visible()
    check(page, language, f"verify-{language}-{device}")


def test_the_header_names_each_users_own_institution(visit: Any) -> None:
    for username, institution in (("officer.tripoli", "وزارة الداخلية"), ("prosecutor.tripoli", "النيابة العامة"),
                                  ("judge.tripoli", "السلطة القضائية")):
        page = visit(username, "ar", "desktop")
        expect(page.locator("#institution")).to_have_text(f"دولة ليبيا — {institution}")


def test_a_receipt_acknowledged_from_the_home_page(visit: Any, base_url: str, api: Api,
                                                   cases: dict[str, str]) -> None:
    """The call to action does what it says: the receipt is on record and the page says so, nothing else moved."""
    page = visit("prosecutor.tripoli", "ar", "desktop")
    card = page.locator("#receipts li").filter(has=page.locator(f"a[href='/web/cases/{cases['at_prosecution']}']"))
    card.locator("button[type=submit]").click()
    expect(page.locator("#done")).to_be_visible()
    case = _ok(api.as_("prosecutor.tripoli")("GET", f"/api/v1/cases/{cases['at_prosecution']}"))
    assert case["timeline"][-1]["name"] == "acknowledge_receipt" and case["pending_handoff"] is None
    expect(page.locator(f"#receipts a[href='/web/cases/{cases['at_prosecution']}']")).to_have_count(0)
    assert re.search(r"/web/\?", page.url)
