"""Checks an action's fields against its FieldSpecs and returns them clean (JSON-ready)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from core.case import AgencyRef, CaseRef, CaseState
from core.clocks import TRIPOLI
from core.procedure import LATEST_REVISION, ActionRule, AddParties, AddParty, FieldKind, FieldSpec, RuleRevision
from core.refusal import Refusal, invalid
from core.text import (
    check_aliases,
    check_birth_date,
    check_national_id,
    check_nationality,
    check_passport_number,
    clean_text,
    count_limit,
)
from core.vocabulary import SENTENCES_WITH_A_TERM, PartyRole, SentenceKind, VerdictResult

T = TypeVar("T")

#: at most this many items in one list field (parties of a report, charges, verdicts)
MAX_ITEMS = 50
#: a case holds at most this many parties: a workflow's state travels whole between its runs
MAX_PARTIES = 200
#: the largest whole number a field takes (a number of days)
MAX_INTEGER = 10_000


def parse_instant(value: Any, name: str) -> datetime:
    """An ISO 8601 instant; a value without an offset is read as Tripoli local time."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError as exc:
            raise invalid(name, f"{name} is not a date and time (ISO 8601)",
                          "التاريخ والوقت غير صالحين", "invalid_datetime") from exc
    else:
        raise invalid(name, f"{name} must be a date and time", "يجب إدخال تاريخ ووقت", "invalid_datetime")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=TRIPOLI)
    return parsed


def _text(value: Any, name: str, required: bool, *, prose: bool) -> str | None:
    text = clean_text(value, name, prose=prose) if value is not None else ""
    if not text:
        if required:
            raise invalid(name, "this field is required", "هذا الحقل مطلوب", "missing_field")
        return None
    return text


def _party(value: Any, name: str, now: datetime) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise invalid(name, "each party needs a role and a name", "يجب تحديد صفة الطرف واسمه")
    role = value.get("role")
    found: list[Refusal] = []
    if role not in tuple(PartyRole):
        found.append(invalid(f"{name}.role", f"party role must be one of {[r.value for r in PartyRole]}",
                             "صفة الطرف غير صحيحة"))
    party_name = _collect(found, lambda: _text(value.get("name"), f"{name}.name", True, prose=False))
    national_id = _collect(found, lambda: check_national_id(value.get("national_id"), f"{name}.national_id"))
    if found:
        raise _list_errors(found)
    party: dict[str, Any] = {"role": PartyRole(str(role)), "name": party_name, "national_id": national_id}
    # the identity fields only when given: a report's parties as logged before they existed stay as they were
    optional = {"passport_number": check_passport_number(value.get("passport_number"), f"{name}.passport_number"),
                "nationality": check_nationality(value.get("nationality"), f"{name}.nationality"),
                "birth_date": check_birth_date(value.get("birth_date"), now.astimezone(TRIPOLI).date(),
                                               f"{name}.birth_date"),
                "birth_place": _text(value.get("birth_place"), f"{name}.birth_place", False, prose=False),
                "mother_name": _text(value.get("mother_name"), f"{name}.mother_name", False, prose=False),
                "aliases": check_aliases(value.get("aliases"), f"{name}.aliases")}
    party.update({k: v for k, v in optional.items() if v})
    check_identity(party, f"{name}.")
    return party


def check_identity(fields: dict[str, Any], prefix: str = "") -> None:
    """A passport number names a person only with the country that issued it."""
    if fields.get("passport_number") and not fields.get("nationality"):
        raise invalid(f"{prefix}nationality", "a passport number needs the nationality that issued it",
                      "يجب تحديد جنسية جواز السفر مع رقمه", "nationality_required")


def check_fields(rule: ActionRule, raw: dict[str, Any], state: CaseState | None, now: datetime,
                 targets: dict[str, AgencyRef], cases: dict[str, CaseRef] | None = None,
                 revision: RuleRevision = LATEST_REVISION) -> dict[str, Any]:
    unknown = set(raw) - {f.name for f in rule.fields}
    if unknown:
        name = sorted(unknown)[0]
        raise invalid(name, f"unknown field {name} for {rule.name}", "حقل غير معروف لهذا الإجراء", "unknown_field")
    clean: dict[str, Any] = {}
    found: list[Refusal] = []
    for spec in rule.fields:
        try:
            value = _check_one(spec, raw.get(spec.name), state, now, targets, cases or {},
                               spec.required_under(revision))
        except Refusal as refusal:
            found.extend(_each_error(refusal))
            continue
        if value is not None:
            clean[spec.name] = value
    if found:
        raise all_errors(found)
    _check_party_count(rule, clean, state)
    check_identity(clean)
    return clean


def _each_error(refusal: Refusal) -> list[Refusal]:
    """The field errors one refusal carries: its own list (a list field's items), or itself."""
    inner = refusal.details.get("refusals")
    return list(inner) if isinstance(inner, list) else [refusal]


def all_errors(found: list[Refusal]) -> Refusal:
    """Every field error of a submission at once (a person corrects a form once, not once per field): the
    first stays the refusal itself (its code, field and messages, as clients already read them), and
    `errors` lists them all, the first included, in the order of the form's fields."""
    first = found[0]
    errors = [{"code": r.code, "field": r.field, "message": r.message_en, "message_ar": r.message_ar or r.message_en}
              for r in found]
    return Refusal(first.code, first.status, first.message_en, first.message_ar, first.field,
                   {**{k: v for k, v in first.details.items() if k not in ("errors", "refusals")}, "errors": errors})


def _list_errors(found: list[Refusal]) -> Refusal:
    """A list field's item errors, carried up to check_fields as one refusal."""
    refusal = all_errors(found)
    refusal.details["refusals"] = found
    return refusal


def _check_party_count(rule: ActionRule, clean: dict[str, Any], state: CaseState | None) -> None:
    joining = sum(1 if isinstance(e, AddParty) else len(clean.get(e.field, [])) for e in rule.effects
                  if isinstance(e, AddParty | AddParties))
    if joining and len(state.parties if state else []) + joining > MAX_PARTIES:
        raise Refusal("too_many_parties", 422, f"a case holds at most {MAX_PARTIES} parties: sever or split the file",
                      f"لا تتسع القضية لأكثر من {MAX_PARTIES} طرفاً", "parties")


def _check_one(spec: FieldSpec, value: Any, state: CaseState | None, now: datetime,
               targets: dict[str, AgencyRef], cases: dict[str, CaseRef], required: bool) -> Any:
    name = spec.name
    missing = value is None or value == "" or value == []
    if missing:
        if required:
            raise invalid(name, "this field is required", "هذا الحقل مطلوب", "missing_field")
        return None
    kind = spec.kind
    if kind in (FieldKind.line, FieldKind.text):
        return _text(value, name, required, prose=kind is FieldKind.text)
    if kind is FieldKind.national_id:
        return check_national_id(value, name)
    if kind is FieldKind.passport_number:
        return check_passport_number(value, name)
    if kind is FieldKind.nationality:
        return check_nationality(value, name)
    if kind is FieldKind.past_date:
        return check_birth_date(value, now.astimezone(TRIPOLI).date(), name)
    if kind is FieldKind.names:
        return check_aliases(value, name) or None
    if kind is FieldKind.choice:
        chosen = next((c for c in spec.choices if c == value), None)
        if chosen is None:
            raise invalid(name, f"{name} must be one of {[c.value for c in spec.choices]}", "القيمة غير مقبولة",
                          "invalid_choice")
        return chosen
    if kind is FieldKind.integer:
        if isinstance(value, str) and value.isdigit():
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= MAX_INTEGER:
            raise invalid(name, f"{name} must be a whole number from 1 to {MAX_INTEGER}",
                          f"يجب إدخال عدد صحيح من 1 إلى {MAX_INTEGER}")
        return value
    if kind is FieldKind.past_datetime:
        instant = parse_instant(value, name)
        if instant > now:
            raise invalid(name, f"{name} cannot be in the future", "لا يمكن أن يكون التاريخ في المستقبل",
                          "datetime_in_future")
        return instant.isoformat()
    if kind is FieldKind.datetime:
        return parse_instant(value, name).isoformat()
    if kind is FieldKind.future_datetime:
        instant = parse_instant(value, name)
        if instant <= now:
            raise invalid(name, f"{name} must be in the future", "يجب أن يكون الموعد في المستقبل",
                          "datetime_in_past")
        return instant.isoformat()
    if kind is FieldKind.texts:
        if not isinstance(value, list):
            raise invalid(name, f"{name} must be a non-empty list of texts", "يجب إدخال قائمة غير فارغة")
        count_limit(value, name, MAX_ITEMS)
        return _each_item(value, lambda i, v: _text(v, f"{name}[{i}]", True, prose=False))
    if kind is FieldKind.parties:
        if not isinstance(value, list):
            raise invalid(name, "parties must be a list", "الأطراف يجب أن تكون قائمة")
        count_limit(value, name, MAX_ITEMS)
        return _each_item(value, lambda i, p: _party(p, f"{name}[{i}]", now))
    if kind is FieldKind.party:
        if state is None or state.party(str(value)) is None:
            raise invalid(name, f"no party {value} in this case", "لا يوجد طرف بهذا الرقم في القضية",
                          "unknown_party")
        return str(value)
    if kind is FieldKind.agency:
        # which kinds of agency it may name is the hand-off's to judge (core.transitions, STAGE_OWNER_KIND)
        target = targets.get(name)
        if target is None:
            raise invalid(name, f"unknown agency {value}", "الجهة غير معروفة", "unknown_agency")
        return target.code
    if kind is FieldKind.verdicts:
        return _verdicts(value, name, state)
    if kind is FieldKind.case:
        ref = cases.get(name)
        if ref is None or not ref.visible or (state is not None and ref.case_id == state.case_id):
            raise invalid(name, "name another existing case (one you may see)",
                          "يجب تحديد قضية أخرى قائمة يحق لك الاطلاع عليها", "invalid_case_reference")
        return ref.case_id
    if kind is FieldKind.document:
        if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z0-9_.:-]{1,128}", value):
            raise invalid(name, f"{name} is not a valid reference", "المرجع غير صالح")
        return value
    raise Refusal("unsupported_field", 422, f"unsupported field kind {kind}", "نوع حقل غير مدعوم", name)


def _whole(value: Any, name: str) -> int:
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_INTEGER:
        raise invalid(name, f"{name} is a whole number from 0 to {MAX_INTEGER}",
                      f"يجب أن يكون عدداً صحيحاً بين 0 و{MAX_INTEGER}", "invalid_integer")
    return value


PENALTY_KEYS = ("kind", "years", "months", "days", "fine")


def _penalty(value: Any, name: str) -> dict[str, Any]:
    """A sentence as data (issue 13): its kind, its term in years, months and days, and a fine in Libyan dinars."""
    if not isinstance(value, dict):
        raise invalid(name, "the sentence is an object: kind, years, months, days, fine",
                      "صيغة بيانات العقوبة غير صحيحة", "invalid_penalty")
    unknown = sorted(set(value) - set(PENALTY_KEYS))
    if unknown:
        raise invalid(f"{name}.{unknown[0]}", f"unknown field {unknown[0]} of a sentence", "حقل غير معروف للعقوبة",
                      "unknown_field")
    kind = value.get("kind")
    if kind not in tuple(SentenceKind):
        raise invalid(f"{name}.kind", f"the sentence's kind is one of {[k.value for k in SentenceKind]}",
                      "نوع العقوبة غير صحيح", "invalid_choice")
    penalty: dict[str, Any] = {"kind": SentenceKind(kind)}
    for key in ("years", "months", "days", "fine"):
        penalty[key] = _whole(value.get(key), f"{name}.{key}")
    term = penalty["years"] or penalty["months"] or penalty["days"]
    if kind in SENTENCES_WITH_A_TERM and not term:
        raise invalid(f"{name}.years", "this sentence needs its term (years, months or days)",
                      "يجب بيان مدة العقوبة", "sentence_term_required")
    if kind not in SENTENCES_WITH_A_TERM and term:
        raise invalid(f"{name}.years", "only imprisonment, a suspended sentence or community service has a term",
                      "لا مدة إلا لعقوبة الحبس أو الموقوفة التنفيذ أو العمل للمنفعة العامة",
                      "sentence_term_not_allowed")
    if kind == SentenceKind.fine and not penalty["fine"]:
        raise invalid(f"{name}.fine", "a fine needs its amount", "يجب بيان مبلغ الغرامة", "fine_amount_required")
    if kind == SentenceKind.death and penalty["fine"]:
        raise invalid(f"{name}.fine", "a death sentence carries no fine here", "لا غرامة مع عقوبة الإعدام",
                      "fine_not_allowed")
    return penalty


def _collect(found: list[Refusal], check: Callable[[], T]) -> T | None:
    """`check()`, or None with its refusal kept in `found`."""
    try:
        return check()
    except Refusal as refusal:
        found.extend(_each_error(refusal))
        return None


def _each_item(items: list[Any], check: Callable[[int, Any], T]) -> list[T]:
    """Each item of a list field checked, all their errors refused together."""
    found: list[Refusal] = []
    clean: list[T] = []
    for index, item in enumerate(items):
        try:
            clean.append(check(index, item))
        except Refusal as refusal:
            found.extend(_each_error(refusal))
    if found:
        raise _list_errors(found)
    return clean


def _verdicts(value: Any, name: str, state: CaseState | None) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not value:
        raise invalid(name, "a verdict is needed for each accused", "يجب إدخال حكم لكل متهم")
    count_limit(value, name, MAX_ITEMS)
    clean = _each_item(value, lambda i, item: _verdict(item, f"{name}[{i}]", state))
    ids = [v["party_id"] for v in clean]
    if len(set(ids)) != len(ids):
        raise invalid(name, "one verdict per accused", "حكم واحد لكل متهم", "duplicate_verdict")
    return clean


def _verdict(item: Any, where: str, state: CaseState | None) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise invalid(where, "each verdict is an object", "صيغة الحكم غير صحيحة")
    party_id = str(item.get("party_id", ""))
    if state is None or state.party(party_id) is None:
        raise invalid(f"{where}.party_id", f"no party {party_id} in this case", "لا يوجد طرف بهذا الرقم",
                      "unknown_party")
    result = item.get("result")
    found: list[Refusal] = []
    if result not in tuple(VerdictResult):
        found.append(invalid(f"{where}.result", "result is convicted or acquitted", "الحكم إدانة أو براءة",
                             "invalid_choice"))
    sentence = _collect(found, lambda: _text(item.get("sentence"), f"{where}.sentence", False, prose=True))
    if result == VerdictResult.convicted and not sentence and not found:
        found.append(invalid(f"{where}.sentence", "a conviction needs a sentence", "حكم الإدانة يتطلب بيان العقوبة",
                             "sentence_required"))
    if result == VerdictResult.acquitted and sentence:
        found.append(invalid(f"{where}.sentence", "an acquittal carries no sentence", "حكم البراءة لا يتضمن عقوبة",
                             "sentence_with_acquittal"))
    penalty = None
    if item.get("penalty") is not None:  # only when given: verdicts logged before it existed stay as they were
        if result == VerdictResult.acquitted:
            found.append(invalid(f"{where}.penalty", "an acquittal carries no sentence", "حكم البراءة لا يتضمن عقوبة",
                                 "sentence_with_acquittal"))
        else:
            penalty = _collect(found, lambda: _penalty(item["penalty"], f"{where}.penalty"))
    if found:
        raise _list_errors(found)
    verdict: dict[str, Any] = {"party_id": party_id, "result": VerdictResult(str(result)), "sentence": sentence,
                               "in_absentia": bool(item.get("in_absentia", False))}
    if penalty is not None:
        verdict["penalty"] = penalty
    return verdict
