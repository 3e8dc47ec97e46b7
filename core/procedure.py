"""The procedure as one data table: every action of DOMAIN.md, who may take it, where, with what.

Validators, the API's `allowed_actions`, the web forms and `GET /api/v1/procedure` all read this
table; no other module hard-codes a stage rule. Effects are named here and implemented, pure, in
`core.transitions`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.vocabulary import OPEN_STAGES, AgencyKind, Role, Stage

PROCEDURE_VERSION = "2026.1"


class Who(StrEnum):
    """Which agency may act, beside the role check."""

    owner = "owner"  # the agency that owns the case now
    receiver = "receiver"  # the agency a pending hand-off is addressed to
    competent_court = "competent_court"  # a court of the case's region (or the one holding it)
    referring_prosecution = "referring_prosecution"  # the office that referred the case to court
    owner_or_referring_prosecution = "owner_or_referring_prosecution"
    own_station = "own_station"  # open_case: the caller's own police station
    scope = "scope"  # a supervisor within their scope


class FieldKind(StrEnum):
    text = "text"
    national_id = "national_id"
    past_datetime = "past_datetime"
    future_datetime = "future_datetime"
    agency = "agency"
    party = "party"  # a party id of this case
    parties = "parties"  # new parties: list of {role, name, national_id?}
    choice = "choice"
    texts = "texts"  # a non-empty list of strings
    verdicts = "verdicts"  # list of {party_id, result, sentence?, in_absentia}
    integer = "integer"
    document = "document"  # a stored document's content address
    case = "case"  # another case's id


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: FieldKind
    required: bool = True
    choices: tuple[str, ...] = ()
    agency_kinds: tuple[AgencyKind, ...] = ()
    label_ar: str = ""
    label_en: str = ""


@dataclass(frozen=True)
class ActionRule:
    name: str
    label_ar: str
    label_en: str
    stages: frozenset[Stage]
    roles: frozenset[Role]
    who: Who
    fields: tuple[FieldSpec, ...] = ()
    guard: str | None = None  # a named precondition in core.transitions.GUARDS
    effects: tuple[str, ...] = ()  # declared effects, applied by core.transitions
    handoff: bool = False  # creates a pending hand-off to `to_agency`

    def field(self, name: str) -> FieldSpec:
        return next(f for f in self.fields if f.name == name)


def _roles(*roles: Role) -> frozenset[Role]:
    return frozenset(roles)


def _stages(*stages: Stage) -> frozenset[Stage]:
    return frozenset(stages)


F = FieldSpec
K = FieldKind
POLICE = _roles(Role.police_officer, Role.station_chief)
OWNER_ANY = frozenset(Role) - {Role.citizen, Role.auditor, Role.investigator, Role.records_officer}
PARTY_ROLES = ("suspect", "accused", "victim", "complainant", "witness")
CHALLENGERS = _roles(Role.court_clerk, Role.prosecutor)

ACTIONS: tuple[ActionRule, ...] = (
    ActionRule(
        "open_case", "فتح محضر", "Open a case", frozenset(), POLICE, Who.own_station,
        (
            F("offence", K.text, label_ar="الجريمة", label_en="Offence"),
            F("category", K.choice, choices=("contravention", "misdemeanour", "felony"),
              label_ar="الوصف", label_en="Category"),
            F("sensitivity", K.choice, required=False, choices=("normal", "sealed"),
              label_ar="السرية", label_en="Sensitivity"),
            F("occurred_at", K.past_datetime, label_ar="تاريخ الواقعة", label_en="Occurred at"),
            F("place", K.text, label_ar="المكان", label_en="Place"),
            F("narrative", K.text, label_ar="ملخص الواقعة", label_en="Narrative"),
            F("parties", K.parties, required=False, label_ar="الأطراف", label_en="Parties"),
        ),
        effects=("enter_stage:police_inquiry",),
    ),
    ActionRule(
        "add_party", "إضافة طرف", "Add a party", OPEN_STAGES, OWNER_ANY, Who.owner,
        (
            F("role", K.choice, choices=PARTY_ROLES, label_ar="الصفة", label_en="Role"),
            F("name", K.text, label_ar="الاسم", label_en="Name"),
            F("national_id", K.national_id, required=False, label_ar="الرقم الوطني", label_en="National ID"),
        ),
        effects=("add_party",),
    ),
    ActionRule(
        "record_statement", "تسجيل أقوال", "Record a statement",
        _stages(Stage.police_inquiry, Stage.prosecution), OWNER_ANY, Who.owner,
        (F("party_id", K.party, label_ar="الطرف", label_en="Party"),
         F("text", K.text, label_ar="الأقوال", label_en="Statement")),
    ),
    ActionRule(
        "add_evidence", "إضافة مضبوطات", "Add evidence",
        _stages(Stage.police_inquiry, Stage.prosecution), OWNER_ANY, Who.owner,
        (F("description", K.text, label_ar="الوصف", label_en="Description"),
         F("document", K.document, required=False, label_ar="مستند", label_en="Document")),
        effects=("keep_evidence",),
    ),
    ActionRule(
        "attach_document", "إرفاق مستند", "Attach a document", OPEN_STAGES, OWNER_ANY, Who.owner,
        (F("document", K.document, label_ar="المستند", label_en="Document"),
         F("title", K.text, label_ar="العنوان", label_en="Title")),
        effects=("keep_evidence",),
    ),
    ActionRule(
        "record_arrest", "تسجيل القبض", "Record an arrest", _stages(Stage.police_inquiry), POLICE, Who.owner,
        (F("party_id", K.party, label_ar="المقبوض عليه", label_en="Person"),
         F("arrested_at", K.past_datetime, label_ar="وقت القبض", label_en="Arrested at")),
        guard="arrest_after_report",
        effects=("start_clock:police_custody",),
    ),
    ActionRule(
        "release_person", "إخلاء سبيل", "Release a person", OPEN_STAGES, OWNER_ANY, Who.owner,
        (F("party_id", K.party, label_ar="الشخص", label_en="Person"),
         F("reason", K.text, label_ar="السبب", label_en="Reason")),
        guard="person_held",
        effects=("stop_custody",),
    ),
    ActionRule(
        "refer_to_prosecution", "إحالة إلى النيابة", "Refer to the prosecution",
        _stages(Stage.police_inquiry), _roles(Role.station_chief), Who.owner,
        (F("to_agency", K.agency, agency_kinds=(AgencyKind.prosecution_office,),
           label_ar="النيابة المختصة", label_en="Prosecution office"),
         F("summary", K.text, required=False, label_ar="ملاحظات الإحالة", label_en="Referral note")),
        effects=("enter_stage:prosecution",), handoff=True,
    ),
    ActionRule(
        "acknowledge_receipt", "تأكيد الاستلام", "Acknowledge receipt", OPEN_STAGES, OWNER_ANY, Who.receiver,
        guard="handoff_pending", effects=("acknowledge",),
    ),
    ActionRule(
        "request_further_inquiry", "طلب استيفاء", "Request further inquiry",
        _stages(Stage.prosecution), _roles(Role.prosecutor), Who.owner,
        (F("instructions", K.text, label_ar="المطلوب استيفاؤه", label_en="Instructions"),),
        effects=("enter_stage:police_inquiry", "back_to_station"), handoff=True,
    ),
    ActionRule(
        "order_detention", "أمر حبس احتياطي", "Order pre-trial detention",
        _stages(Stage.prosecution), _roles(Role.prosecutor), Who.owner,
        (F("party_id", K.party, label_ar="المتهم", label_en="Accused"),
         F("grounds", K.text, label_ar="الأسباب", label_en="Grounds")),
        effects=("stop_custody", "start_clock:prosecution_detention"),
    ),
    ActionRule(
        "extend_detention", "مد الحبس الاحتياطي", "Extend detention",
        _stages(Stage.prosecution, Stage.trial), _roles(Role.judge), Who.competent_court,
        (F("party_id", K.party, label_ar="المتهم", label_en="Accused"),
         F("days", K.integer, label_ar="المدة بالأيام", label_en="Days"),
         F("grounds", K.text, label_ar="الأسباب", label_en="Grounds")),
        guard="person_detained_within_cap",
        effects=("extend_detention",),
    ),
    ActionRule(
        "archive", "حفظ الأوراق", "Archive", _stages(Stage.prosecution), _roles(Role.chief_prosecutor), Who.owner,
        (F("ground", K.text, label_ar="سبب الحفظ", label_en="Ground"),),
        effects=("close:archived",),
    ),
    ActionRule(
        "reopen", "إعادة فتح", "Reopen", _stages(Stage.closed), _roles(Role.chief_prosecutor), Who.owner,
        (F("reason", K.text, label_ar="السبب", label_en="Reason"),),
        guard="archived", effects=("enter_stage:prosecution",),
    ),
    ActionRule(
        "refer_to_court", "إحالة إلى المحكمة", "Refer to court",
        _stages(Stage.prosecution), _roles(Role.chief_prosecutor), Who.owner,
        (F("to_agency", K.agency, agency_kinds=(AgencyKind.court,), label_ar="المحكمة", label_en="Court"),
         F("charges", K.texts, label_ar="التهم", label_en="Charges")),
        guard="has_accused", effects=("enter_stage:trial", "remember_referring_prosecution"), handoff=True,
    ),
    ActionRule(
        "schedule_hearing", "تحديد جلسة", "Schedule a hearing",
        _stages(Stage.trial, Stage.appeal, Stage.cassation), _roles(Role.court_clerk), Who.owner,
        (F("hearing_at", K.future_datetime, label_ar="موعد الجلسة", label_en="Hearing at"),
         F("room", K.text, required=False, label_ar="القاعة", label_en="Room")),
        effects=("schedule_hearing",),
    ),
    ActionRule(
        "adjourn_hearing", "تأجيل الجلسة", "Adjourn a hearing",
        _stages(Stage.trial, Stage.appeal, Stage.cassation), _roles(Role.judge, Role.court_clerk), Who.owner,
        (F("hearing_at", K.future_datetime, label_ar="الموعد الجديد", label_en="New date"),
         F("reason", K.text, label_ar="سبب التأجيل", label_en="Reason")),
        guard="hearing_scheduled", effects=("schedule_hearing",),
    ),
    ActionRule(
        "record_verdict", "تسجيل الحكم", "Record the verdict",
        _stages(Stage.trial, Stage.appeal, Stage.cassation), _roles(Role.judge), Who.owner,
        (F("verdicts", K.verdicts, label_ar="الأحكام", label_en="Verdicts"),),
        guard="hearing_held", effects=("record_verdicts",),
    ),
    ActionRule(
        "serve_verdict", "إعلان الحكم الغيابي", "Serve an in-absentia verdict",
        _stages(Stage.trial, Stage.appeal), _roles(Role.court_clerk), Who.owner,
        (F("party_id", K.party, label_ar="المحكوم عليه", label_en="Accused"),
         F("served_at", K.past_datetime, label_ar="تاريخ الإعلان", label_en="Served at")),
        guard="verdict_in_absentia_unserved", effects=("serve_verdict",),
    ),
    ActionRule(
        "file_objection", "معارضة", "File an objection",
        _stages(Stage.trial, Stage.appeal), _roles(Role.court_clerk), Who.owner,
        (F("party_id", K.party, label_ar="المعارض", label_en="Accused"),),
        guard="objection_window_open", effects=("retrial",),
    ),
    ActionRule(
        "file_appeal", "استئناف", "File an appeal", _stages(Stage.trial), CHALLENGERS,
        Who.owner_or_referring_prosecution,
        (F("party_id", K.party, label_ar="المحكوم عليه", label_en="Accused"),
         F("to_agency", K.agency, agency_kinds=(AgencyKind.court,), label_ar="محكمة الاستئناف",
           label_en="Appeal court")),
        guard="appeal_window_open", effects=("enter_stage:appeal",), handoff=True,
    ),
    ActionRule(
        "file_cassation", "طعن بالنقض", "File for cassation", _stages(Stage.trial, Stage.appeal), CHALLENGERS,
        Who.owner_or_referring_prosecution,
        (F("party_id", K.party, label_ar="المحكوم عليه", label_en="Accused"),
         F("to_agency", K.agency, agency_kinds=(AgencyKind.supreme_court,), label_ar="المحكمة العليا",
           label_en="Supreme Court")),
        guard="cassation_window_open", effects=("enter_stage:cassation",), handoff=True,
    ),
    ActionRule(
        "remand", "إعادة للمحكمة", "Remand for retrial", _stages(Stage.appeal, Stage.cassation),
        _roles(Role.judge), Who.owner,
        (F("to_agency", K.agency, agency_kinds=(AgencyKind.court,), label_ar="المحكمة", label_en="Court"),
         F("reasons", K.text, label_ar="الأسباب", label_en="Reasons")),
        effects=("enter_stage:trial", "retrial"), handoff=True,
    ),
    ActionRule(
        "record_execution", "تسجيل التنفيذ", "Record execution", _stages(Stage.final, Stage.execution),
        _roles(Role.prosecutor, Role.prison_officer), Who.owner,
        (F("party_id", K.party, label_ar="المحكوم عليه", label_en="Convicted person"),
         F("detail", K.text, label_ar="بيان التنفيذ", label_en="Detail")),
        guard="convicted_party", effects=("enter_stage:execution", "criminal_record"),
    ),
    ActionRule(
        "close_case", "إغلاق القضية", "Close the case", _stages(Stage.final, Stage.execution),
        _roles(Role.chief_prosecutor), Who.owner, guard="nothing_left_to_execute",
        effects=("close:derived",),
    ),
    ActionRule(
        "record_reconciliation", "إثبات الصلح", "Record reconciliation",
        _stages(Stage.prosecution, Stage.trial, Stage.appeal), _roles(Role.chief_prosecutor, Role.judge),
        Who.owner, (F("terms", K.text, label_ar="شروط الصلح", label_en="Terms"),),
        guard="reconcilable", effects=("close:reconciled",),
    ),
    ActionRule(
        "declare_lapsed", "انقضاء الدعوى", "Declare lapsed", OPEN_STAGES,
        _roles(Role.chief_prosecutor, Role.judge), Who.owner,
        (F("ground", K.choice, choices=("death", "prescription", "amnesty"), label_ar="سبب الانقضاء",
           label_en="Ground"),),
        effects=("close:lapsed",),
    ),
    ActionRule(
        "merge_into", "ضم إلى قضية", "Merge into another case", _stages(Stage.police_inquiry, Stage.prosecution),
        _roles(Role.chief_prosecutor), Who.owner,
        (F("target_case_id", K.case, label_ar="القضية", label_en="Target case"),),
        guard="merge_target_open", effects=("close:merged",),
    ),
    ActionRule(
        "reassign", "إعادة إسناد", "Reassign", OPEN_STAGES, _roles(Role.supervisor), Who.scope,
        (F("to_agency", K.agency, label_ar="الجهة", label_en="Agency"),
         F("reason", K.text, label_ar="السبب", label_en="Reason")),
        guard="same_kind_target", effects=("reassign",), handoff=True,
    ),
)

ACTIONS_BY_NAME: dict[str, ActionRule] = {a.name: a for a in ACTIONS}


def action(name: str) -> ActionRule | None:
    return ACTIONS_BY_NAME.get(name)
