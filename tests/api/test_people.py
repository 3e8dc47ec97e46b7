"""People across agencies through the real API with real tokens: a party identified later (identify_party), a
foreigner by passport and nationality, the warning when an identifier arrives under another name, and people's
decisions about person records (merge, undo, link, split), by an investigator, audited; refused to anyone else."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from store.audit import AuditRecord
from store.database import session_scope
from tests.support import Api, wait_for

pytestmark = pytest.mark.stack


def _report(parties: list[dict[str, object]]) -> dict[str, object]:
    return {"offence": "سرقة هاتف محمول", "category": "misdemeanour",
            "occurred_at": (datetime.now(UTC) - timedelta(days=1)).isoformat(), "place": "طرابلس",
            "narrative": "أفاد المشتكي بسرقة هاتفه.", "parties": parties}


def _open(api: Api, parties: list[dict[str, object]]) -> dict:
    response = api.as_("officer.tripoli")("POST", "/api/v1/cases", json=_report(parties))
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def _act(api: Api, case_id: str, action: str, **fields: object):  # type: ignore[no-untyped-def]
    return api.as_("officer.tripoli")("POST", f"/api/v1/cases/{case_id}/actions/{action}", json=fields)


def _identity(api: Api, cases: int = 1, **params: str) -> dict:
    """The person the identifier names, once the registry holds `cases` of its cases (it follows the case
    files a moment later)."""
    def found() -> dict | None:
        response = api.as_("investigator")("GET", "/api/v1/people/search", params=params)
        assert response.status_code == 200, response.text
        items = [i for i in response.json()["items"] if i["kind"] == "identity" and len(i["cases"]) >= cases]
        return items[0] if items else None

    return wait_for(found)  # type: ignore[no-any-return]


def test_a_party_identified_later_and_a_foreigner_by_passport(api: Api) -> None:
    tag = uuid.uuid4().hex[:8]
    national_id = f"1{int(tag, 16) % 10**11:011d}"
    case = _open(api, [{"role": "suspect", "name": f"سفيان عاشور غنيوة {tag}"}])["id"]
    # the ID comes later: identify_party adds it; a second, different one is refused, as is a passport alone
    added = _act(api, case, "identify_party", party_id="p1", national_id=national_id, birth_date="1990-04-02")
    assert added.status_code == 200, added.text
    again = _act(api, case, "identify_party", party_id="p1", national_id="219990000001")
    assert (again.status_code, again.json()["error"]["code"]) == (409, "already_identified")
    alone = _act(api, case, "identify_party", party_id="p1", passport_number="A1234567")
    assert (alone.status_code, alone.json()["error"]["code"]) == (422, "nationality_required")
    bad = _act(api, case, "identify_party", party_id="p1", passport_number="A1234567", nationality="XYZ")
    assert (bad.status_code, bad.json()["error"]["code"]) == (422, "invalid_nationality")
    party = api.as_("officer.tripoli")("GET", f"/api/v1/cases/{case}").json()["parties"][0]
    assert (party["national_id"], party["birth_date"]) == (national_id, "1990-04-02")
    assert _identity(api, national_id=national_id)["cases"][0]["case_id"] == case

    # a foreigner: passport number and nationality make one person in two files, typed two ways
    passport = f"P{int(tag, 16) % 10**7:07d}"
    first = _open(api, [{"role": "accused", "name": f"Soufiane Achour {tag}", "passport_number": passport,
                         "nationality": "tun", "aliases": [f"سفيان التونسي {tag}"]}])["id"]
    second = _open(api, [{"role": "victim", "name": f"سفيان عاشور {tag}",
                          "passport_number": f"{passport[:3]} {passport[3:]}", "nationality": "TUN"}])["id"]
    person = _identity(api, cases=2, passport_number=passport)
    assert {c["case_id"] for c in person["cases"]} == {first, second}
    assert person["passport_numbers"] == [f"TUN {passport}"]
    # the alias finds him too
    by_alias = api.as_("investigator")("GET", "/api/v1/search", params={"q": f"سفيان التونسي {tag}"}).json()
    assert first in [hit["id"] for hit in by_alias["items"]]


def test_the_same_id_under_another_name_is_a_warning_not_a_refusal(api: Api) -> None:
    tag = uuid.uuid4().hex[:8]
    national_id = f"1{int(tag, 16) % 10**11:011d}"
    _open(api, [{"role": "accused", "name": f"خالد مفتاح الطاهر {tag}", "national_id": national_id}])
    _identity(api, national_id=national_id)  # in the registry
    # another spelling of his name: nothing to say
    latin = _open(api, [{"role": "victim", "name": f"Khaled Muftah Altaher {tag}", "national_id": national_id}])
    assert latin["warnings"] == []
    other = _open(api, [{"role": "witness", "name": "هدى موسى"}])["id"]
    warned = _act(api, other, "add_party", role="suspect", name=f"سالم عمر بوخمادة {tag}", national_id=national_id)
    assert warned.status_code == 200, warned.text
    (warning,) = warned.json()["warnings"]
    assert (warning["code"], warning["field"]) == ("identity_name_differs", "national_id")
    assert f"خالد مفتاح الطاهر {tag}" in warning["known_names"] and warning["message_ar"]
    with session_scope() as session:
        record = session.scalars(select(AuditRecord).where(AuditRecord.case_id == other,
                                                           AuditRecord.action == "case.action")
                                 .order_by(AuditRecord.id.desc())).first()
    assert record is not None and record.detail["warnings"] == ["identity_name_differs:national_id"]


def test_people_decide_who_is_who_and_the_decisions_are_audited(api: Api) -> None:
    tag = uuid.uuid4().hex[:8]
    national_id = f"1{int(tag, 16) % 10**11:011d}"
    libyan = _open(api, [{"role": "accused", "name": f"عمر سعيد المغربي {tag}", "national_id": national_id}])["id"]
    abroad = _open(api, [{"role": "accused", "name": f"Omar Said Maghrebi {tag}", "passport_number": f"L{tag}",
                          "nationality": "LBY"}])["id"]
    nameless = _open(api, [{"role": "witness", "name": f"عمر المغربي {tag}"}])["id"]
    one = _identity(api, national_id=national_id)["person_id"]
    two = _identity(api, passport_number=f"L{tag}")["person_id"]
    assert one != two

    investigator = api.as_("investigator")
    merge = {"other_person_id": two, "reason": "جواز سفره الليبي في ملف الجوازات"}
    refused = api.as_("officer.tripoli")("POST", f"/api/v1/people/{one}/merges", json=merge)
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "forbidden_role")
    merged = investigator("POST", f"/api/v1/people/{one}/merges", json=merge)
    assert merged.status_code == 201, merged.text
    record = investigator("GET", f"/api/v1/people/{one}").json()
    assert {p["case_id"] for p in record["parties"]} == {libyan, abroad} and record["merged_records"] == [two]
    assert {c["case_id"] for c in _identity(api, cases=2, national_id=national_id)["cases"]} == {libyan, abroad}

    wait_for(lambda: investigator("GET", f"/api/v1/cases/{nameless}").status_code == 200 or None)
    linked = investigator("POST", f"/api/v1/people/{one}/links",
                          json={"case_id": nameless, "party_id": "p1", "reason": "تعرف عليه الشاهد"})
    assert linked.status_code == 201, linked.text
    split = investigator("POST", f"/api/v1/people/{one}/splits",
                         json={"parties": [{"case_id": nameless, "party_id": "p1"}], "reason": "تشابه أسماء"})
    assert split.status_code == 201, split.text
    assert split.json()["new_person_id"] not in (one, two)
    undone = investigator("POST", f"/api/v1/people/{one}/unmerges", json={"merged_person_id": two, "reason": "خطأ"})
    assert undone.status_code == 201, undone.text
    after = investigator("GET", f"/api/v1/people/{one}").json()
    assert [d["kind"] for d in after["decisions"]] == ["merge", "link", "split", "unmerge"]
    assert {p["case_id"] for p in after["parties"]} == {libyan}
    # a record none of whose cases the caller may see is answered as one that does not exist
    assert api.as_("prosecutor.benghazi")("GET", f"/api/v1/people/{one}").status_code == 404
    assert investigator("GET", "/api/v1/people/999999999").status_code == 404
    with session_scope() as session:
        audited = session.scalars(select(AuditRecord).where(AuditRecord.action.like("person.%"))
                                  .order_by(AuditRecord.id.desc()).limit(200)).all()
    mine = [r for r in reversed(audited) if r.detail.get("person_id") == one and r.action != "person.read"]
    assert [(r.action, r.username, r.outcome) for r in mine] == [
        ("person.merge", "officer.tripoli", "refused:forbidden_role"), ("person.merge", "investigator", "ok"),
        ("person.link", "investigator", "ok"), ("person.split", "investigator", "ok"),
        ("person.unmerge", "investigator", "ok")]
