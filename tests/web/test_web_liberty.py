"""What the case page shows of a person's liberty (issue 13), in a real browser against the real services: a person
whose detention expired without extension marked "release due", and the sentences as data, the convict's prison,
and a death sentence awaiting the Supreme Court's confirmation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Browser, expect

from core.clocks import TRIPOLI
from tests.api.test_custody import _actor, _open, _read
from tests.api.test_law import Case
from tests.api.test_prison import _final_with_two_convicts
from tests.support import Api, wait_for
from tests.support.browser import login, shot

pytestmark = pytest.mark.stack


def test_a_release_due_is_shown_on_the_case(browser: Browser, base_url: str, api: Api) -> None:
    case_id = _open(api, [{"role": "suspect", "name": "خالد مفتاح"}])
    act = _actor(api, case_id)
    assert act("officer.tripoli", "record_arrest",
               {"party_id": "p1", "arrested_at": datetime.now(UTC).isoformat()}).status_code == 200
    assert act("chief.tripoli", "refer_to_prosecution", {"to_agency": "pros.tripoli"}).status_code == 200
    assert act("prosecutor.tripoli", "acknowledge_receipt", {}).status_code == 200
    wait_for(lambda: _read(api, case_id)["parties"][0]["custody"] == "release_due", timeout=60)
    context, page = login(browser, base_url, "prosecutor.tripoli")
    page.goto(f"{base_url}/web/cases/{case_id}")
    expect(page.locator("#party-p1 .badge.danger")).to_contain_text("انتهت مدة الحبس — يجب الإفراج")
    shot(page, "case-release-due-ar")
    context.close()
    # released, on record: the case no longer escalates (its notices would reach other tests' inboxes)
    assert act("prosecutor.tripoli", "release_person", {"party_id": "p1", "reason": "انتهاء المدة"}).status_code == 200


def test_the_sentences_and_the_prison_are_shown_on_the_case(browser: Browser, base_url: str, api: Api) -> None:
    case = _final_with_two_convicts(api)
    case.act("prosecutor.tripoli", "commit_to_prison", party_id="p1", to_agency="prison.aljdaida")
    case.act("warden", "admit_to_prison", party_id="p1")
    context, page = login(browser, base_url, "warden")
    page.goto(f"{base_url}/web/cases/{case.id}")
    expect(page.locator("#party-p1")).to_contain_text("نزيل مؤسسة الإصلاح")
    expect(page.locator("#party-p1")).to_contain_text("مؤسسة الإصلاح والتأهيل الجديدة")
    expect(page.locator("#sentence-p1")).to_contain_text("الحبس أو السجن")
    # the expected release date, once admitted, as every day on the page is written (not ISO)
    expect(page.locator("#sentence-p1 .expected-release time")).to_have_count(1)
    assert "-" not in page.locator("#sentence-p1 .expected-release").inner_text()
    shot(page, "case-prisoner-ar")
    context.close()


def test_a_death_sentence_awaiting_confirmation_is_marked(browser: Browser, base_url: str, api: Api) -> None:
    case = Case(api).to_trial()
    held = datetime.now(UTC)
    case.act("clerk.tripoli", "schedule_hearing", hearing_at=held.isoformat())
    case.act("judge.tripoli", "record_verdict", pronounced_at=held.isoformat(), verdicts=[
        {"party_id": "p1", "result": "convicted", "sentence": "الإعدام", "in_absentia": False,
         "penalty": {"kind": "death"}}])
    context, page = login(browser, base_url, "judge.tripoli")
    page.goto(f"{base_url}/web/cases/{case.id}")
    expect(page.locator("#sentence-p1 .badge.warn")).to_contain_text("في انتظار إقرار المحكمة العليا")
    context.close()


def test_the_judge_enters_the_sentence_as_data_in_the_verdict_form(browser: Browser, base_url: str,
                                                                   api: Api) -> None:
    """The verdict form takes the sentence's kind, term and fine beside the wording: a term missing is refused with
    its field named (nothing recorded), then the sentence as entered is on the case with its expected release."""
    case = Case(api).to_trial()
    # a hearing on a whole second just ahead, and the verdict pronounced the second after it (the form's own
    # default, the time it was drawn to the second, may fall before a hearing entered a moment earlier)
    held = (datetime.now(UTC) + timedelta(seconds=1)).replace(microsecond=0)
    case.act("clerk.tripoli", "schedule_hearing", hearing_at=held.isoformat())
    wait_for(lambda: datetime.now(UTC) > held + timedelta(seconds=2), timeout=10)
    context, page = login(browser, base_url, "judge.tripoli")
    page.goto(f"{base_url}/web/cases/{case.id}")
    form = page.locator("#action-record_verdict")
    form.locator("summary").click()
    form.locator("[name='pronounced_at']").fill(
        (held + timedelta(seconds=1)).astimezone(TRIPOLI).strftime("%Y-%m-%dT%H:%M:%S"))
    form.locator("select[name='verdicts-0-result']").select_option("convicted")
    form.locator("[name='verdicts-0-sentence']").fill("الحبس سنتين")
    form.locator("select[name='verdicts-0-penalty-kind']").select_option("imprisonment")
    form.locator("button[type=submit]").click()
    summary = page.locator("#form-errors")
    expect(summary).to_be_visible()
    expect(summary.locator("a[href$='-verdicts-0-penalty-years']")).to_have_count(1)
    assert [e["name"] for e in case.read("judge.tripoli")["timeline"]][-1] == "schedule_hearing"
    form = page.locator("#action-record_verdict")
    form.locator("[name='verdicts-0-penalty-years']").fill("2")
    form.locator("button[type=submit]").click()
    expect(page.locator("#done")).to_be_visible()
    expect(page.locator("#sentence-p1")).to_contain_text("الحبس أو السجن")
    read = case.read("judge.tripoli")
    penalty = read["verdicts"][-1]["penalty"]
    assert (penalty["kind"], penalty["years"]) == ("imprisonment", 2)
    # the form's requalification left blank keeps the facts' description (it once sent the first category)
    assert (read["category"], read["qualifications"]) == ("misdemeanour", [])
    shot(page, "case-sentence-as-data-ar")
    context.close()
