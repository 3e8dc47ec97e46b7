"""DOMAIN.md's names: stages, roles, agency kinds, outcomes, party roles, and their labels in Arabic and
English. One name per thing, one label per name: the API, the web and `GET /api/v1/procedure` all take
their labels from `label()` (the web's own wording, its chrome, stays in its gettext catalogs)."""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol


class Stage(StrEnum):
    police_inquiry = "police_inquiry"
    prosecution = "prosecution"
    trial = "trial"
    appeal = "appeal"
    cassation = "cassation"
    final = "final"
    execution = "execution"
    closed = "closed"


OPEN_STAGES: frozenset[Stage] = frozenset(s for s in Stage if s is not Stage.closed)


class Role(StrEnum):
    """Keycloak's realm roles (infra/keycloak/realm-mizan.json holds exactly these)."""

    police_officer = "police_officer"
    station_chief = "station_chief"
    investigator = "investigator"
    prosecutor = "prosecutor"
    chief_prosecutor = "chief_prosecutor"
    court_clerk = "court_clerk"
    judge = "judge"
    court_president = "court_president"  # presides over a court: reassigns the cases it holds
    prison_officer = "prison_officer"
    records_officer = "records_officer"
    supervisor = "supervisor"
    auditor = "auditor"
    citizen = "citizen"
    admin = "admin"


class AgencyKind(StrEnum):
    ministry = "ministry"
    directorate = "directorate"
    police_station = "police_station"
    cid = "cid"
    prosecution_office = "prosecution_office"
    court = "court"
    supreme_court = "supreme_court"
    prison = "prison"
    records_office = "records_office"


class CourtLevel(StrEnum):
    """Where a court stands on the appeal ladder (DOMAIN.md, Additions: competent courts), data in the agency tree."""

    first_instance = "first_instance"  # tries misdemeanours and contraventions; its judgments are appealed
    appeal = "appeal"  # the court of appeal: hears appeals from the first-instance courts that name it
    felony_chamber = "felony_chamber"  # دائرة الجنايات: a court of appeal's chamber that tries felonies
    supreme = "supreme"  # the Supreme Court: cassation only
    juvenile = "juvenile"  # محكمة الأحداث: tries an accused under the age of majority at the offence (core.juveniles)


class Outcome(StrEnum):
    archived = "archived"
    acquitted = "acquitted"
    convicted = "convicted"
    reconciled = "reconciled"
    lapsed = "lapsed"
    merged = "merged"
    #: one accused's proceedings split into a case of their own (sever_accused): their outcome is that case's
    severed = "severed"


class Category(StrEnum):
    contravention = "contravention"
    misdemeanour = "misdemeanour"
    felony = "felony"


class Sensitivity(StrEnum):
    normal = "normal"
    sealed = "sealed"


class PartyRole(StrEnum):
    suspect = "suspect"
    accused = "accused"
    victim = "victim"
    complainant = "complainant"
    witness = "witness"


#: the parties a court may rule on (a suspect is charged, and becomes accused, when the case goes to court)
DEFENDANT_ROLES: frozenset[PartyRole] = frozenset({PartyRole.suspect, PartyRole.accused})


class Custody(StrEnum):
    """Where a party of the case is held, by this case."""

    free = "free"
    police_custody = "police_custody"
    #: handed over to the prosecution with the file (refer_to_prosecution): it questions them, then detains or releases
    before_prosecution = "before_prosecution"
    detained = "detained"  # pre-trial detention (الحبس الاحتياطي)
    #: the period that held them expired with no extension: they must be released, and nothing extends it any more
    release_due = "release_due"
    #: a convict committed to a prison (commit_to_prison), not yet admitted by it
    committed = "committed"
    imprisoned = "imprisoned"  # admitted by the prison, serving the sentence there


#: the custody states the prison holds a convict in: only the prison records their admission, transfer and release
IN_PRISON: frozenset[Custody] = frozenset({Custody.committed, Custody.imprisoned})


#: the custody states in which a person is held by the case (a person "release due" is still held, unlawfully)
HELD: frozenset[Custody] = frozenset(Custody) - {Custody.free}


class OffenceClass(StrEnum):
    """The offence's classification where the law sets a regime of its own (issue 13, Deliver 2): the case's clocks
    follow that regime's variant of the rule table (core.clocks.RuleBook.for_regime)."""

    ordinary = "ordinary"
    state_security = "state_security"  # offences against the security of the State


class SentenceKind(StrEnum):
    """What a conviction's sentence is, as data beside the judge's own wording (issue 13, Deliver 4)."""

    imprisonment = "imprisonment"
    fine = "fine"
    suspended = "suspended"
    death = "death"
    community_service = "community_service"
    confiscation = "confiscation"


#: the kinds of sentence that run for a length of time (the others are a sum, a confiscation, or death)
SENTENCES_WITH_A_TERM: frozenset[SentenceKind] = frozenset(
    {SentenceKind.imprisonment, SentenceKind.suspended, SentenceKind.community_service})


class SentenceEnd(StrEnum):
    """How a sentence came to its end: the criminal record's lapse runs from it (core.records)."""

    served = "served"
    remitted = "remitted"  # remitted in whole or in part (a pardon of the sentence, a conditional release)
    prescribed = "prescribed"  # an unexecuted sentence prescribed by the passing of time


class ReleaseTerms(StrEnum):
    """How a release is ordered (release_person): outright, under conditions, or on bail."""

    unconditional = "unconditional"
    conditions = "conditions"
    bail = "bail"


class ClockStatus(StrEnum):
    open = "open"
    stopped = "stopped"
    expired = "expired"


class VerdictResult(StrEnum):
    convicted = "convicted"
    acquitted = "acquitted"


class LapseGround(StrEnum):
    death = "death"
    prescription = "prescription"
    amnesty = "amnesty"
    #: the victim withdrew the complaint an offence can only be prosecuted on (CCP, verify)
    complaint_withdrawn = "complaint_withdrawn"


class SystemEvent(StrEnum):
    """Events no person takes: the case's clocks, and another case's file joined to this one."""

    clock_warning = "clock_warning"
    clock_expired = "clock_expired"
    merged_in = "merged_in"
    #: the first event of a case severed from another: the accused's proceedings as they stood there
    severed_in = "severed_in"


class StallReason(StrEnum):
    """Why a case is past a deadline (DOMAIN.md, "stalled"): a clock that escalates at expiry, or the idle period.
    The clocks' own values are their names in the rule table (core.clocks)."""

    police_custody = "police_custody"
    prosecution_detention = "prosecution_detention"
    judicial_detention = "judicial_detention"
    prosecution_custody = "prosecution_custody"
    trial_detention = "trial_detention"
    committal_ack = "committal_ack"
    sentence_term = "sentence_term"  # a prisoner held past the end of their term
    handoff_ack = "handoff_ack"
    stage_sla = "stage_sla"
    idle = "idle"


class Urgency(StrEnum):
    """How urgent a deadline past due is, most urgent first (core.supervision orders by it)."""

    liberty = "liberty"  # a person held past the law's limit: custody or detention
    handoff = "handoff"  # a file sent and not acknowledged
    other = "other"  # a stage past its time, a case left idle


class AgeBucket(StrEnum):
    """How long, in whole days: a case open (pendency), a deadline past (core.supervision.AGE_BUCKETS)."""

    days_0_30 = "0-30"
    days_31_90 = "31-90"
    days_91_180 = "91-180"
    days_181_365 = "181-365"
    over_365 = "365+"


class SlaBand(StrEnum):
    """Where an open case stands against its stage's SLA: its clock's warning point and due instant."""

    within = "within"
    near = "near"  # past the warning point
    over = "over"  # past due


class CertificateRequestStatus(StrEnum):
    """Where a citizen's request for a criminal-status certificate stands."""

    computing = "computing"
    in_review = "in_review"
    issued = "issued"
    rejected = "rejected"
    #: a finding of the holder's own record is left off: a second records officer must approve (four eyes)
    awaiting_approval = "awaiting_approval"


class Exclusion(StrEnum):
    """Why a final conviction is left off a certificate (core.records.exclusion)."""

    not_listed = "not_listed"  # the category never appears on a certificate (contraventions)
    rehabilitated = "rehabilitated"  # رد الاعتبار
    lapsed = "lapsed"  # the rule table's period has passed
    juvenile = "juvenile"  # a conviction for an offence committed under the age of majority
    quashed = "quashed"  # the judgment was quashed later (نقض، إلغاء): there is no conviction
    amnesty = "amnesty"  # a general amnesty (عفو شامل) erased the conviction


class RecordRemovalGround(StrEnum):
    """Why an entry leaves the criminal record for good (store.records.remove_record_entry)."""

    quashed = "quashed"
    amnesty = "amnesty"


class Disclosure(StrEnum):
    """What a certificate shows of a final conviction the disclosure rules concern (core.records)."""

    listed = "listed"  # listed as any other
    without_offence = "without_offence"  # listed by category, court and date, its offence not printed
    withheld = "withheld"  # never on a certificate


class PersonDecisionKind(StrEnum):
    """What people decided about person records (store.people): never the system by itself."""

    merge = "merge"  # two records are one person: the other record's parties are this one's
    unmerge = "unmerge"  # a merge undone: the other record stands on its own again
    link = "link"  # a party (with no identifier, or under another record) is this person
    split_off = "split"  # parties taken out of this record into a new one: another person


class NotificationKind(StrEnum):
    """What someone is told about (core.notifications): each an event they must act on."""

    handoff_arrived = "handoff_arrived"
    handoff_unacknowledged = "handoff_unacknowledged"
    clock_warning = "clock_warning"
    clock_expired = "clock_expired"
    detention_ending = "detention_ending"
    hearing_tomorrow = "hearing_tomorrow"
    verdict_served = "verdict_served"
    certificate_to_review = "certificate_to_review"
    certificate_review_overdue = "certificate_review_overdue"
    certificate_issued = "certificate_issued"
    certificate_rejected = "certificate_rejected"
    still_stalled = "still_stalled"  # escalation climbing: a stalled case nobody has moved
    supervisor_reminder = "supervisor_reminder"


class Channel(StrEnum):
    """How a notification reaches its recipient: each recipient x channel is delivered on its own."""

    inbox = "inbox"  # the in-app inbox (web header badge, GET /api/v1/notifications)
    email = "email"


class DeliveryStatus(StrEnum):
    pending = "pending"  # waiting for the postman
    sending = "sending"  # claimed by the postman: sent, or being sent, until its lease runs out
    sent = "sent"  # in the inbox, or accepted by the mail relay
    failed = "failed"  # refused for good, or attempts spent; the reason is kept
    read = "read"  # the recipient marked it read (inbox)


#: which kind of agency owns a case in each stage (DOMAIN.md); `closed` has no owner
STAGE_OWNER_KIND: dict[Stage, frozenset[AgencyKind]] = {
    Stage.police_inquiry: frozenset({AgencyKind.police_station}),
    Stage.prosecution: frozenset({AgencyKind.prosecution_office}),
    Stage.trial: frozenset({AgencyKind.court}),
    Stage.appeal: frozenset({AgencyKind.court}),
    Stage.cassation: frozenset({AgencyKind.supreme_court}),
    Stage.final: frozenset({AgencyKind.prosecution_office}),
    Stage.execution: frozenset({AgencyKind.prosecution_office, AgencyKind.prison}),
    Stage.closed: frozenset(),
}

#: the kinds of agency that ever hold a case file; the others (the ministry, a directorate, the CID, the records
#: office) read or watch files, never hold one
CASE_HOLDER_KINDS: frozenset[AgencyKind] = frozenset().union(*STAGE_OWNER_KIND.values())

# ---------------------------------------------------------------- labels

#: (Arabic, English) per member, per enum: keyed by the enum too, since members of two enums may share a
#: value (a verdict's `acquitted` and an outcome's `acquitted` are equal strings)
LABELS: dict[type[StrEnum], dict[str, tuple[str, str]]] = {
    Stage: {
        Stage.police_inquiry: ("جمع الاستدلالات", "Police inquiry"),
        Stage.prosecution: ("التحقيق الابتدائي (النيابة)", "Prosecution"),
        Stage.trial: ("المحاكمة (أول درجة)", "Trial"),
        Stage.appeal: ("الاستئناف", "Appeal"),
        Stage.cassation: ("الطعن بالنقض", "Cassation"),
        Stage.final: ("حكم بات", "Final judgment"),
        Stage.execution: ("تنفيذ الحكم", "Execution"),
        Stage.closed: ("مغلقة", "Closed"),
    },
    Role: {
        Role.police_officer: ("ضابط شرطة", "Police officer"),
        Role.station_chief: ("رئيس المركز", "Station chief"),
        Role.investigator: ("محقق (المباحث)", "Investigator"),
        Role.prosecutor: ("وكيل النيابة", "Prosecutor"),
        Role.chief_prosecutor: ("رئيس النيابة", "Chief prosecutor"),
        Role.court_clerk: ("كاتب المحكمة", "Court clerk"),
        Role.judge: ("قاضٍ", "Judge"),
        Role.court_president: ("رئيس المحكمة", "Court president"),
        Role.prison_officer: ("ضابط مؤسسة الإصلاح", "Prison officer"),
        Role.records_officer: ("موظف السجل الجنائي", "Records officer"),
        Role.supervisor: ("مشرف", "Supervisor"),
        Role.auditor: ("مدقق", "Auditor"),
        Role.citizen: ("مواطن", "Citizen"),
        Role.admin: ("مدير النظام", "Administrator"),
    },
    AgencyKind: {
        AgencyKind.ministry: ("الوزارة", "Ministry"),
        AgencyKind.directorate: ("مديرية الأمن", "Security directorate"),
        AgencyKind.police_station: ("مركز الشرطة", "Police station"),
        AgencyKind.cid: ("جهاز المباحث الجنائية", "Criminal Investigation Department"),
        AgencyKind.prosecution_office: ("النيابة العامة", "Prosecution office"),
        AgencyKind.court: ("المحكمة", "Court"),
        AgencyKind.supreme_court: ("المحكمة العليا", "Supreme Court"),
        AgencyKind.prison: ("مؤسسة الإصلاح والتأهيل", "Rehabilitation institution"),
        AgencyKind.records_office: ("إدارة السجل الجنائي", "Criminal records department"),
    },
    CourtLevel: {
        CourtLevel.first_instance: ("محكمة ابتدائية", "Court of first instance"),
        CourtLevel.appeal: ("محكمة استئناف", "Court of appeal"),
        CourtLevel.felony_chamber: ("دائرة الجنايات", "Felony chamber"),
        CourtLevel.supreme: ("المحكمة العليا", "Supreme Court"),
        CourtLevel.juvenile: ("محكمة الأحداث", "Juvenile court"),
    },
    Outcome: {
        Outcome.archived: ("محفوظة", "Archived"),
        Outcome.acquitted: ("براءة", "Acquitted"),
        Outcome.convicted: ("إدانة", "Convicted"),
        Outcome.reconciled: ("صلح", "Reconciled"),
        Outcome.lapsed: ("انقضاء الدعوى", "Lapsed"),
        Outcome.merged: ("مضمومة", "Merged"),
        Outcome.severed: ("مفصولة في قضية مستقلة", "Severed into a case of its own"),
    },
    Category: {
        Category.contravention: ("مخالفة", "Contravention"),
        Category.misdemeanour: ("جنحة", "Misdemeanour"),
        Category.felony: ("جناية", "Felony"),
    },
    Sensitivity: {
        Sensitivity.normal: ("عادية", "Normal"),
        Sensitivity.sealed: ("سرية", "Sealed"),
    },
    PartyRole: {
        PartyRole.suspect: ("مشتبه به", "Suspect"),
        PartyRole.accused: ("متهم", "Accused"),
        PartyRole.victim: ("مجني عليه", "Victim"),
        PartyRole.complainant: ("مشتكٍ", "Complainant"),
        PartyRole.witness: ("شاهد", "Witness"),
    },
    Custody: {
        Custody.free: ("طليق", "Free"),
        Custody.police_custody: ("محتجز لدى الشرطة", "In police custody"),
        Custody.before_prosecution: ("مسلّم إلى النيابة", "Handed over to the prosecution"),
        Custody.detained: ("محبوس احتياطياً", "In pre-trial detention"),
        Custody.release_due: ("انتهت مدة الحبس — يجب الإفراج", "Detention expired — release due"),
        Custody.committed: ("مودع بأمر إيداع في انتظار الاستلام", "Committed to a prison, awaiting admission"),
        Custody.imprisoned: ("نزيل مؤسسة الإصلاح", "In prison"),
    },
    SentenceEnd: {
        SentenceEnd.served: ("انقضت العقوبة بالتنفيذ", "Served"),
        SentenceEnd.remitted: ("انقضت العقوبة بالعفو أو الإفراج الشرطي", "Remitted"),
        SentenceEnd.prescribed: ("سقطت العقوبة بالتقادم", "Prescribed"),
    },
    OffenceClass: {
        OffenceClass.ordinary: ("جريمة عادية", "Ordinary offence"),
        OffenceClass.state_security: ("جريمة ماسة بأمن الدولة", "Offence against the security of the State"),
    },
    SentenceKind: {
        SentenceKind.imprisonment: ("الحبس أو السجن", "Imprisonment"),
        SentenceKind.fine: ("الغرامة", "Fine"),
        SentenceKind.suspended: ("عقوبة موقوفة التنفيذ", "Suspended sentence"),
        SentenceKind.death: ("الإعدام", "Death"),
        SentenceKind.community_service: ("العمل للمنفعة العامة", "Community service"),
        SentenceKind.confiscation: ("المصادرة", "Confiscation"),
    },
    ReleaseTerms: {
        ReleaseTerms.unconditional: ("إفراج دون قيد", "Unconditional release"),
        ReleaseTerms.conditions: ("إفراج بشروط", "Release under conditions"),
        ReleaseTerms.bail: ("إفراج بكفالة", "Release on bail"),
    },
    ClockStatus: {
        ClockStatus.open: ("جارٍ", "Running"),
        ClockStatus.stopped: ("متوقف", "Stopped"),
        ClockStatus.expired: ("منقضٍ", "Expired"),
    },
    VerdictResult: {
        VerdictResult.convicted: ("إدانة", "Convicted"),
        VerdictResult.acquitted: ("براءة", "Acquitted"),
    },
    LapseGround: {
        LapseGround.death: ("وفاة المتهم", "Death of the accused"),
        LapseGround.prescription: ("التقادم", "Prescription"),
        LapseGround.amnesty: ("العفو", "Amnesty"),
        LapseGround.complaint_withdrawn: ("التنازل عن الشكوى", "Complaint withdrawn"),
    },
    SystemEvent: {
        SystemEvent.clock_warning: ("اقتراب الموعد", "Deadline approaching"),
        SystemEvent.clock_expired: ("انقضاء الموعد", "Deadline passed"),
        SystemEvent.merged_in: ("ضم قضية أخرى إليها", "Another case joined"),
        SystemEvent.severed_in: ("فصلت من قضية أخرى", "Severed from another case"),
    },
    StallReason: {
        StallReason.police_custody: ("الحجز لدى الشرطة", "Police custody"),
        StallReason.prosecution_detention: ("الحبس الاحتياطي (النيابة)", "Prosecution detention"),
        StallReason.judicial_detention: ("مد الحبس (القاضي)", "Judicial detention"),
        StallReason.prosecution_custody: ("العرض على النيابة", "Before the prosecution"),
        StallReason.trial_detention: ("الحبس بأمر المحكمة", "Detention by the trial court"),
        StallReason.committal_ack: ("استلام المحكوم عليه", "Admission of the convict"),
        StallReason.sentence_term: ("محتجز بعد انقضاء مدة العقوبة", "Held past the end of the prison term"),
        StallReason.handoff_ack: ("استلام الملف", "Hand-off acknowledgement"),
        StallReason.stage_sla: ("مهلة المرحلة", "Stage SLA"),
        StallReason.idle: ("توقف الإجراءات مدة طويلة", "No activity for too long"),
    },
    Urgency: {
        Urgency.liberty: ("حرية شخص", "A person's liberty"),
        Urgency.handoff: ("إحالة لم تستلم", "Hand-off not received"),
        Urgency.other: ("تأخر الإجراءات", "Proceedings late"),
    },
    AgeBucket: {
        AgeBucket.days_0_30: ("0–30 يوماً", "0–30 days"),
        AgeBucket.days_31_90: ("31–90 يوماً", "31–90 days"),
        AgeBucket.days_91_180: ("91–180 يوماً", "91–180 days"),
        AgeBucket.days_181_365: ("181–365 يوماً", "181–365 days"),
        AgeBucket.over_365: ("أكثر من 365 يوماً", "Over 365 days"),
    },
    SlaBand: {
        SlaBand.within: ("ضمن المهلة", "Within the SLA"),
        SlaBand.near: ("قاربت المهلة على الانتهاء", "Near the end of the SLA"),
        SlaBand.over: ("تجاوزت المهلة", "Past the SLA"),
    },
    CertificateRequestStatus: {
        CertificateRequestStatus.computing: ("قيد الفحص", "Being checked"),
        CertificateRequestStatus.in_review: ("قيد المراجعة", "Under review"),
        CertificateRequestStatus.issued: ("صدرت", "Issued"),
        CertificateRequestStatus.rejected: ("رُفض الطلب", "Rejected"),
        CertificateRequestStatus.awaiting_approval: ("بانتظار موافقة موظف ثانٍ", "Awaiting a second officer's approval"),
    },
    PersonDecisionKind: {
        PersonDecisionKind.merge: ("دمج سجلين", "Records merged"),
        PersonDecisionKind.unmerge: ("فصل سجل مدموج", "Merge undone"),
        PersonDecisionKind.link: ("ربط طرف بالشخص", "Party linked"),
        PersonDecisionKind.split_off: ("فصل أطراف إلى سجل جديد", "Parties split off"),
    },
    NotificationKind: {
        NotificationKind.handoff_arrived: ("وصل ملف قضية", "A case file has arrived"),
        NotificationKind.handoff_unacknowledged: ("ملف لم يُستلم في موعده", "A case file not acknowledged in time"),
        NotificationKind.clock_warning: ("موعد يقترب", "A deadline is near"),
        NotificationKind.clock_expired: ("انقضى موعد", "A deadline has passed"),
        NotificationKind.detention_ending: ("احتجاز يقترب من نهايته", "Detention about to end"),
        NotificationKind.hearing_tomorrow: ("جلسة غداً", "A hearing tomorrow"),
        NotificationKind.verdict_served: ("أُعلن حكم", "A verdict has been served"),
        NotificationKind.certificate_to_review: ("طلب شهادة للمراجعة", "A certificate request to review"),
        NotificationKind.certificate_review_overdue: ("تأخرت مراجعة طلب شهادة", "A certificate review is overdue"),
        NotificationKind.certificate_issued: ("صدرت شهادتك", "Your certificate has been issued"),
        NotificationKind.certificate_rejected: ("رُفض طلب شهادتك", "Your certificate request was rejected"),
        NotificationKind.still_stalled: ("قضية ما زالت متوقفة", "A case is still stalled"),
        NotificationKind.supervisor_reminder: ("تذكير من المشرف", "A reminder from a supervisor"),
    },
    Channel: {
        Channel.inbox: ("صندوق الإشعارات", "Inbox"),
        Channel.email: ("البريد الإلكتروني", "Email"),
    },
    DeliveryStatus: {
        DeliveryStatus.pending: ("في الانتظار", "Pending"),
        DeliveryStatus.sending: ("قيد الإرسال", "Sending"),
        DeliveryStatus.sent: ("أُرسل", "Sent"),
        DeliveryStatus.failed: ("تعذر الإرسال", "Failed"),
        DeliveryStatus.read: ("مقروء", "Read"),
    },
    Exclusion: {
        Exclusion.not_listed: ("لا تدرج في الشهادة أصلاً", "Never listed on a certificate"),
        Exclusion.rehabilitated: ("رُدّ إليه اعتباره", "Rehabilitated"),
        Exclusion.lapsed: ("سقطت بمضي المدة المقررة", "Lapsed under the rules"),
        Exclusion.juvenile: ("جريمة حدث دون سن الرشد", "Committed as a juvenile"),
        Exclusion.quashed: ("أُلغي الحكم", "The judgment was quashed"),
        Exclusion.amnesty: ("شمله عفو شامل", "Covered by an amnesty"),
    },
    RecordRemovalGround: {
        RecordRemovalGround.quashed: ("إلغاء الحكم", "Judgment quashed"),
        RecordRemovalGround.amnesty: ("عفو شامل", "General amnesty"),
    },
    Disclosure: {
        Disclosure.listed: ("تدرج", "Listed"),
        Disclosure.without_offence: ("تدرج دون بيان الجريمة", "Listed without the offence"),
        Disclosure.withheld: ("لا تدرج", "Withheld"),
    },
}


class Labelled(Protocol):
    """Anything of the procedure that carries its own two labels: an action, a field, a clock rule."""

    @property
    def label_ar(self) -> str: ...

    @property
    def label_en(self) -> str: ...


def label(thing: StrEnum | Labelled, language: str) -> str:
    """The Arabic label (language "ar"), or the English one (any other language), of a member of one of
    the vocabularies above or of anything labelled."""
    if isinstance(thing, StrEnum):
        arabic, english = LABELS[type(thing)][thing]
    else:
        arabic, english = thing.label_ar, thing.label_en
    return arabic if language == "ar" else english


def label_of(kind: type[StrEnum], value: str | None, language: str) -> str:
    """The label of a value read as a member of `kind` (from a form, a row, an index); an unknown value as is."""
    if value is None:
        return ""
    labels = LABELS.get(kind, {})
    if value not in labels:
        return value
    arabic, english = labels[value]
    return arabic if language == "ar" else english
