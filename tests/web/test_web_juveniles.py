"""A juvenile accused in the browser: flagged on the case page in Arabic and English, and the referral form offers
only the juvenile court, which takes the case."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from playwright.sync_api import Browser, expect

from tests.support import Api
from tests.support.browser import login, shot

pytestmark = pytest.mark.stack


def _years_ago(years: int) -> str:
    today = date.today()
    return today.replace(year=today.year - years).isoformat()


def test_a_juvenile_accused_is_flagged_and_referred_to_the_juvenile_court(browser: Browser, base_url: str,
                                                                         api: Api) -> None:
    created = api.as_("officer.tripoli")("POST", "/api/v1/cases", json={
        "offence": "سرقة هاتف", "category": "misdemeanour", "occurred_at": datetime.now(UTC).isoformat(),
        "place": "طرابلس", "narrative": "سرقة هاتف من حقيبة.",
        "parties": [{"role": "accused", "name": "يوسف علي محمد الككلي", "birth_date": _years_ago(15)},
                    {"role": "complainant", "name": "منى سالم الزوي", "birth_date": _years_ago(40)}]})
    assert created.status_code == 201, created.text
    case_id = created.json()["id"]
    for user, action in (("chief.tripoli", "refer_to_prosecution"), ("prosecutor.tripoli", "acknowledge_receipt")):
        body = {"to_agency": "pros.tripoli"} if action == "refer_to_prosecution" else {}
        response = api.as_(user)("POST", f"/api/v1/cases/{case_id}/actions/{action}", json=body)
        assert response.status_code == 200, response.text

    context, page = login(browser, base_url, "chiefpros.tripoli")
    page.goto(f"{base_url}/web/cases/{case_id}")
    expect(page.locator("#juvenile-p1")).to_have_text("حدث: دون 18 سنة وقت الجريمة")
    expect(page.locator("#juvenile-p2")).to_have_count(0)  # an adult is not flagged
    form = page.locator("#action-refer_to_court")
    form.locator("summary").click()
    options = form.locator("select[name='to_agency'] option")
    values = [v for v in options.evaluate_all("(os) => os.map((o) => o.value)") if v]
    assert values == ["court.tripoli.juvenile"], values  # only the court that would accept it is offered
    shot(page, "case-juvenile-ar")
    form.locator("select[name='to_agency']").select_option("court.tripoli.juvenile")
    form.locator("[name='charges']").fill("السرقة (المادة 444 عقوبات)")
    form.locator("button[type=submit]").click()
    expect(page.locator("#done")).to_be_visible()
    expect(page.locator("#case-stage")).to_contain_text("المحاكمة")

    page.click("a.language-switch")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#juvenile-p1")).to_have_text("Juvenile: under 18 at the offence")
    shot(page, "case-juvenile-en")
    context.close()
    case = api.as_("chiefpros.tripoli")("GET", f"/api/v1/cases/{case_id}").json()
    assert case["pending_handoff"]["to_agency"] == "court.tripoli.juvenile"
