"""DOMAIN.md's names: stages, roles, agency kinds, outcomes, party roles. One name per thing."""

from __future__ import annotations

from enum import StrEnum


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
    police_officer = "police_officer"
    station_chief = "station_chief"
    investigator = "investigator"
    prosecutor = "prosecutor"
    chief_prosecutor = "chief_prosecutor"
    court_clerk = "court_clerk"
    judge = "judge"
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


class Outcome(StrEnum):
    archived = "archived"
    acquitted = "acquitted"
    convicted = "convicted"
    reconciled = "reconciled"
    lapsed = "lapsed"
    merged = "merged"


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


class VerdictResult(StrEnum):
    convicted = "convicted"
    acquitted = "acquitted"


class LapseGround(StrEnum):
    death = "death"
    prescription = "prescription"
    amnesty = "amnesty"


STAGE_LABELS: dict[Stage, tuple[str, str]] = {
    Stage.police_inquiry: ("جمع الاستدلالات", "Police inquiry"),
    Stage.prosecution: ("التحقيق الابتدائي (النيابة)", "Prosecution"),
    Stage.trial: ("المحاكمة (أول درجة)", "Trial"),
    Stage.appeal: ("الاستئناف", "Appeal"),
    Stage.cassation: ("الطعن بالنقض", "Cassation"),
    Stage.final: ("حكم بات", "Final judgment"),
    Stage.execution: ("تنفيذ الحكم", "Execution"),
    Stage.closed: ("مغلقة", "Closed"),
}

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
