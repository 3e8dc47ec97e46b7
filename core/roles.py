"""What each role may do beside the procedure table: one table of capabilities per realm role.

The procedure table (core.procedure) says which roles take which action on a case; everything else a
role may do (see files nationally, supervise stalled cases, grant access, review certificates, read the
audit log) is a capability here, and every check asks `capabilities(roles)`, never a list of role names.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from core.vocabulary import AgencyKind, Role


class Capability(StrEnum):
    read_case_files = "read_case_files"  # see the files their agency (or their scope) has held
    read_every_unsealed_case = "read_every_unsealed_case"  # national reading: every file that is not sealed
    oversee_scope = "oversee_scope"  # their agency's subtree is theirs to supervise (national at the root)
    watch_stalled_cases = "watch_stalled_cases"  # the stalled-cases page
    grant_case_access = "grant_case_access"  # let another agency see a case, and take it back
    request_certificate = "request_certificate"  # ask for one's own criminal-status certificate
    review_certificates = "review_certificates"  # decide on a certificate request
    keep_criminal_records = "keep_criminal_records"  # look up a person's record, record rehabilitation
    read_every_certificate = "read_every_certificate"  # any certificate request and its finding
    read_audit_log = "read_audit_log"
    # reassigning a case (the procedure's `reassign`): each power moves the cases of one branch only
    supervise_police = "supervise_police"  # the Ministry of Interior's supervisors: among police stations
    supervise_prosecution = "supervise_prosecution"  # the prosecution's hierarchy: among prosecution offices
    preside_court = "preside_court"  # a court's president: a case their court holds, to another court
    #: merge, link and split person records (store.people): a person's decision, audited, never automatic
    decide_identities = "decide_identities"


C = Capability
_CASE_WORK = frozenset({C.read_case_files})

ROLE_CAPABILITIES: dict[Role, frozenset[Capability]] = {
    Role.police_officer: _CASE_WORK,
    Role.station_chief: _CASE_WORK | {C.watch_stalled_cases},
    Role.investigator: _CASE_WORK | {C.read_every_unsealed_case, C.decide_identities},
    Role.prosecutor: _CASE_WORK,
    # a chief prosecutor oversees their office's subtree: the Attorney General's office, every office below it
    Role.chief_prosecutor: _CASE_WORK | {C.oversee_scope, C.watch_stalled_cases, C.grant_case_access,
                                         C.supervise_prosecution},
    Role.court_clerk: _CASE_WORK,
    Role.judge: _CASE_WORK,
    Role.court_president: _CASE_WORK | {C.oversee_scope, C.watch_stalled_cases, C.preside_court},
    Role.prison_officer: _CASE_WORK,
    Role.records_officer: _CASE_WORK | {C.review_certificates, C.keep_criminal_records, C.read_every_certificate,
                                        C.decide_identities},
    Role.supervisor: _CASE_WORK | {C.oversee_scope, C.watch_stalled_cases, C.grant_case_access, C.supervise_police},
    Role.auditor: _CASE_WORK | {C.read_every_unsealed_case, C.read_every_certificate, C.read_audit_log},
    Role.citizen: frozenset({C.request_certificate}),
    # the administrator administers (accounts, agencies, the services) and reads no case file (issue 11)
    Role.admin: frozenset(),
}


_ROLE_NAMES = frozenset(role.value for role in Role)


def known_roles(names: Iterable[str]) -> list[Role]:
    """The realm roles among a token's role names, in the token's order (Keycloak adds roles of its own,
    such as `offline_access`, which give nothing here)."""
    return [Role(name) for name in names if name in _ROLE_NAMES]


def capabilities(roles: Iterable[str]) -> frozenset[Capability]:
    """Everything the given roles may do together."""
    granted: frozenset[Capability] = frozenset()
    for role in known_roles(roles):
        granted |= ROLE_CAPABILITIES[role]
    return granted


def may(roles: Iterable[str], capability: Capability) -> bool:
    return capability in capabilities(roles)


def primary_role(roles: Iterable[str]) -> Role | None:
    """The role an audit record names: the first realm role the caller holds."""
    return next(iter(known_roles(roles)), None)


# ---------------------------------------------------------------- reassigning: the separation of powers


@dataclass(frozen=True)
class ReassignPower:
    """Which cases a supervising capability moves, and where (DOMAIN.md, Additions: separation of powers)."""

    #: the kind of agency that must hold the case; the case goes to an agency of the same kind
    kind: AgencyKind
    #: the new agency must be within the caller's scope too; a court's president sends a case their court holds
    #: to another court of its level, which is no court of theirs
    within_scope: bool


REASSIGN_POWERS: dict[Capability, ReassignPower] = {
    C.supervise_police: ReassignPower(AgencyKind.police_station, within_scope=True),
    C.supervise_prosecution: ReassignPower(AgencyKind.prosecution_office, within_scope=True),
    C.preside_court: ReassignPower(AgencyKind.court, within_scope=False),
}


def reassign_power(roles: Iterable[str], kind: AgencyKind) -> ReassignPower | None:
    """The caller's power to reassign a case held by an agency of `kind`, if they have one."""
    granted = capabilities(roles)
    return next((power for capability, power in REASSIGN_POWERS.items()
                 if capability in granted and power.kind == kind), None)
