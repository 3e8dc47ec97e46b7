"""Without services: what the web offers each role (navigation and landing page), and the certificate
and verification pages as each reader sees them, in both languages."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest

from api.auth import TokenUser
from api.certificates.schemas import CertificatePublic, CertificateReview, ConvictionPublic, VerificationPublic
from api.web.pages import page_path_of, safe_next
from api.web.rendering import render
from api.web.roles import MY_CERTIFICATES, MY_WORK, REVIEW_QUEUE, SEARCH, SUPERVISION, offers_for
from core.case import Actor
from core.vocabulary import CertificateRequestStatus
from infra.demo import AGENCIES

ISSUED_AT = datetime(2026, 3, 1, 22, 30, tzinfo=UTC)  # 00:30 on 2 March in Tripoli
CHECKBOX = re.compile(r'<input type="checkbox" name="record_ids" value="(\d+)"[^>]*>')
EXPIRES_AT = datetime(2026, 6, 1, 22, 0, tzinfo=UTC)  # midnight starting 2 June in Tripoli: valid through 1 June


#: the demo agencies these tests name, by kind (infra.demo)
KINDS = {a.code: a.kind for a in AGENCIES}


def actor(role: str, agency: str = "") -> Actor:
    return Actor(username=role, roles=[role], agency=agency, agency_kind=KINDS.get(agency, ""))


@pytest.mark.parametrize(("role", "agency", "home"), [
    ("citizen", "", MY_CERTIFICATES), ("records_officer", "records", REVIEW_QUEUE),
    ("police_officer", "station.tripoli.central", MY_WORK), ("prosecutor", "pros.tripoli", MY_WORK),
    ("judge", "court.tripoli", MY_WORK), ("prison_officer", "prison.aljdaida", MY_WORK),
    ("supervisor", "dir.tripoli", SUPERVISION), ("investigator", "cid", SEARCH), ("auditor", "moi", SEARCH),
])
def test_each_role_lands_on_its_own_work(role: str, agency: str, home: str) -> None:
    assert offers_for(actor(role, agency)).home == home


def test_a_citizen_is_offered_their_certificates_and_nothing_of_the_case_files() -> None:
    offers = offers_for(actor("citizen"))
    assert offers.my_certificates
    assert not (offers.my_work or offers.search or offers.open_case or offers.stalled or offers.certificate_requests
                or offers.decide_certificates)


def test_records_officers_decide_auditors_only_read_officers_open_cases() -> None:
    records, auditor = offers_for(actor("records_officer", "records")), offers_for(actor("auditor", "moi"))
    assert records.certificate_requests and records.decide_certificates and not records.my_certificates
    assert auditor.certificate_requests and not auditor.decide_certificates and auditor.search
    assert not auditor.my_work and not offers_for(actor("investigator", "cid")).my_work  # their agencies hold no file
    police = offers_for(actor("police_officer", "station.tripoli.central"))
    assert police.open_case and police.my_work and not police.certificate_requests and not police.my_certificates
    assert offers_for(actor("supervisor", "dir.tripoli")).stalled and not police.stalled


@pytest.mark.parametrize(("asked", "allowed"), [
    ("/web/certificates", "/web/certificates"), ("/verify", "/verify"), ("/verify/MZN-AAAAA-BBBBB-CCCCC", None),
    ("/verify?code=x", None), ("//evil.example/web/", "/web/"), ("https://evil.example/", "/web/"),
    ("/verifyer", "/web/"), ("/web/\\evil", "/web/"), (None, "/web/"),
])
def test_the_language_switch_returns_only_to_our_own_pages(asked: str | None, allowed: str | None) -> None:
    assert safe_next(asked) == (allowed or asked)


# ------------------------------------------------------------------------------------- the pages


def conviction(record_id: int, number: str) -> ConvictionPublic:
    return ConvictionPublic(record_id=record_id, case_number=number, name="أحمد عبد الله المبروك",
                            national_id="119850012345", offence="سرقة", category="misdemeanour",
                            sentence="الحبس ستة أشهر", court="court.tripoli", court_name_ar="محكمة طرابلس الابتدائية",
                            court_name_en="Tripoli Court of First Instance", final_at=ISSUED_AT)


def issued() -> CertificatePublic:
    return CertificatePublic(
        id="c1", status=CertificateRequestStatus.issued, purpose="تقديم على وظيفة", english=True,
        holder_name="أحمد المبروك",
        national_id="119850012345", requested_at=ISSUED_AT, result="clean", listed=[], rejection_reason=None,
        verification_code="MZN-ABCDE-FGHJK-LMNPQ", issued_at=ISSUED_AT, expires_at=EXPIRES_AT, revoked=False,
        download_url="/api/v1/certificates/c1/pdf")


def in_review() -> CertificateReview:
    public = issued().model_dump() | {"status": "in_review", "result": None, "verification_code": None,
                                      "issued_at": None, "expires_at": None, "download_url": None}
    return CertificateReview(**public, requested_by="citizen1", entries=[conviction(7, "court.tripoli/2026/12")],
                             doubtful=[conviction(9, "court.tripoli/2026/40")], excluded={"3": "rehabilitated"},
                             rules_version="v1", review_due_at=EXPIRES_AT, escalated=False, decided_by=None,
                             decided_at=None)


def page(language: str, template: str, role: str, **context: Any) -> str:
    who = actor(role, "records" if role == "records_officer" else "")
    user = TokenUser(username=role, roles=(role,), agency=who.agency, national_id=None, name="منى الزنتاني")
    offers = offers_for(who)
    base = {"user": user, "actor": who, "offers": offers, "home": offers.home, "primary_role": role,
            "agency_name": lambda code: code or "", "csrf": "token", "htmx": None, "path": "/web/certificates",
            "switch_language_url": "/web/language", "now": ISSUED_AT, "errors": [], "error_for": {}}
    return render(language, template, base | context)


def test_an_issued_certificate_shows_its_days_in_tripoli_and_its_last_valid_day() -> None:
    arabic = page("ar", "certificate.html", "citizen", item=issued(), review=None, checked=set(), reason="",
                  may_decide=False, done="requested")
    assert 'dir="rtl"' in arabic and "صدرت شهادتك" in arabic
    assert '<time datetime="2026-03-02" dir="ltr">02/03/2026</time>' in arabic  # issued: Tripoli's day, not UTC's
    assert '<time datetime="2026-06-01" dir="ltr">01/06/2026</time>' in arabic  # the last day it is valid
    assert 'href="/web/certificates/c1/pdf"' in arabic and 'href="/verify/MZN-ABCDE-FGHJK-LMNPQ"' in arabic
    english = page("en", "certificate.html", "citizen", item=issued(), review=None, checked=set(), reason="",
                   may_decide=False)
    assert "Valid until the end of" in english and "No criminal record" in english
    assert "Review queue" not in english and "/web/search" not in english  # nothing of the staff's web


def test_an_officer_sees_the_findings_with_the_national_ids_ticked_and_both_forms() -> None:
    html = page("ar", "certificate.html", "records_officer", item=in_review(), review=in_review(), checked={"7"},
                reason="", may_decide=True)
    boxes = {m[1]: bool(re.search(r"\schecked[\s>]", m[0])) for m in CHECKBOX.finditer(html)}
    assert boxes == {"7": True, "9": False}  # this national ID's conviction is listed; a name match is not
    assert 'action="/web/certificates/c1/issue"' in html and 'action="/web/certificates/c1/reject"' in html
    assert "محكمة طرابلس الابتدائية" in html and "رُدّ إليه اعتباره: 1</li>" in html


def test_findings_left_off_are_approved_only_by_a_second_officer() -> None:
    awaiting = in_review().model_copy(update={"status": "awaiting_approval", "decided_by": "records",
                                              "decided_at": ISSUED_AT, "omissions": {"7": "حكم منقوض"}})
    common = {"item": awaiting, "review": awaiting, "checked": set(), "reason": "", "may_decide": False}
    second = page("en", "certificate.html", "records_officer", **common, may_approve=True)
    assert 'action="/web/certificates/c1/approve"' in second and 'action="/web/certificates/c1/decline"' in second
    assert "حكم منقوض" in second and "court.tripoli/2026/12" in second
    proposer = page("ar", "certificate.html", "records_officer", **common, may_approve=False)
    assert "/approve" not in proposer and "/decline" not in proposer and 'id="awaiting-second"' in proposer


def test_an_auditor_reads_the_findings_without_a_form() -> None:
    html = page("en", "certificate.html", "auditor", item=in_review(), review=in_review(), checked={"7"}, reason="",
                may_decide=False)
    assert "court.tripoli/2026/12" in html and "only a records officer decides" in html
    assert "/issue" not in html and "/reject" not in html and 'name="record_ids"' not in html


@pytest.mark.parametrize(("status", "arabic", "english"), [
    ("valid", "هذه الشهادة صالحة", "This certificate is valid."),
    ("expired", "انتهت صلاحية هذه الشهادة", "This certificate has expired."),
    ("revoked", "هذه الشهادة ملغاة", "This certificate has been revoked."),
])
def test_the_public_verification_shows_status_days_name_and_national_id(status: str, arabic: str,
                                                                         english: str) -> None:
    result = VerificationPublic(status=status, valid=status == "valid", holder_name="مريم التاجوري",
                                national_id="219920054321", issued_at=ISSUED_AT, expires_at=EXPIRES_AT, message="",
                                message_ar="")
    public = {"user": None, "csrf": "", "htmx": None, "path": "/verify/x", "home": "/web/", "now": ISSUED_AT,
              "switch_language_url": "/web/language", "typed": "x", "code": "MZN-ABCDE-FGHJK-LMNPQ", "result": result}
    for language, message in (("ar", arabic), ("en", english)):
        html = render(language, "verify.html", public)
        assert message in html and "مريم التاجوري" in html
        assert 'id="verified-national-id"><bdi dir="ltr" class="id">219920054321</bdi>' in html  # a tampered ID shows
        assert "02/03/2026" in html and "01/06/2026" in html
        assert "logout" not in html and 'class="main-nav"' not in html  # no login, no navigation


@pytest.mark.parametrize(("posted", "page_path"), [
    ("/web/cases/c1/actions/record_arrest", "/web/cases/c1"), ("/web/cases/c1/documents", "/web/cases/c1"),
    ("/web/certificates/c1/issue", "/web/certificates/c1"), ("/web/certificates/c1/reject", "/web/certificates/c1"),
    ("/web/certificates/c1/approve", "/web/certificates/c1"), ("/web/certificates/c1/decline", "/web/certificates/c1"),
    ("/web/certificates", "/web/certificates"), ("/web/cases/new", "/web/cases/new"),
])
def test_a_posted_form_belongs_to_the_page_it_was_on(posted: str, page_path: str) -> None:
    """Where the kept form comes back after a login, and where the language switch returns after a post."""
    assert page_path_of(posted) == page_path
