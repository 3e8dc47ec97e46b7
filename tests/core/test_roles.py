"""The one roles table (core.roles): every realm role has its row, and each capability belongs to exactly
the roles that held it when it was a list of role names beside the code that checked it."""

from __future__ import annotations

from core.access import viewer_for
from core.case import Actor
from core.roles import ROLE_CAPABILITIES, Capability, capabilities, may, primary_role
from core.vocabulary import Role

R = Role
#: who may do what: as the string sets in core.access, api/web/views, api/grants, api/certificates,
#: api/records and api/audit had it, but for the administrator, who administers and reads no case file
HOLDERS: dict[Capability, set[Role]] = {
    Capability.read_case_files: set(Role) - {R.citizen, R.admin},
    Capability.read_every_unsealed_case: {R.investigator, R.auditor},
    # the prosecution's hierarchy and a court's president oversee their agency's subtree too (issue 12)
    Capability.oversee_scope: {R.supervisor, R.chief_prosecutor, R.court_president},
    Capability.watch_stalled_cases: {R.supervisor, R.station_chief, R.chief_prosecutor, R.court_president},
    Capability.grant_case_access: {R.chief_prosecutor, R.supervisor},
    Capability.request_certificate: {R.citizen},
    Capability.review_certificates: {R.records_officer},
    Capability.keep_criminal_records: {R.records_officer},
    Capability.read_every_certificate: {R.records_officer, R.auditor},
    Capability.read_audit_log: {R.auditor},
    Capability.supervise_police: {R.supervisor},
    Capability.supervise_prosecution: {R.chief_prosecutor},
    Capability.preside_court: {R.court_president},
    #: merges, links and splits of person records: the investigator who knows the people, the records officer
    #: whose criminal records follow the person record (issue 16)
    Capability.decide_identities: {R.investigator, R.records_officer},
}


def test_every_role_has_a_row_and_every_capability_its_holders() -> None:
    assert set(ROLE_CAPABILITIES) == set(Role)
    assert set(HOLDERS) == set(Capability)
    for capability, holders in HOLDERS.items():
        assert {role for role in Role if capability in ROLE_CAPABILITIES[role]} == holders, capability


def test_keycloaks_own_roles_give_nothing_and_the_audit_names_the_first_realm_role() -> None:
    assert capabilities(["offline_access", "uma_authorization", "default-roles-mizan"]) == frozenset()
    assert may(["offline_access", "auditor"], Capability.read_audit_log)
    assert primary_role(["default-roles-mizan", "judge", "auditor"]) is Role.judge
    assert primary_role(["offline_access"]) is None


def test_who_reads_case_files() -> None:
    citizen = Actor("c", ["citizen", "offline_access"], "", "")
    assert viewer_for(citizen).sees_nothing
    officer = viewer_for(Actor("o", ["police_officer"], "station.tripoli.central", "police_station"))
    assert (officer.national, officer.agencies) == (False, frozenset({"station.tripoli.central"}))
    assert viewer_for(Actor("a", ["auditor"], "moi", "ministry")).national
    supervisor = viewer_for(Actor("s", ["supervisor"], "dir.tripoli", "directorate",
                                  scope=["dir.tripoli", "station.tripoli.central"]))
    assert supervisor.agencies == {"dir.tripoli", "station.tripoli.central"} and not supervisor.national
