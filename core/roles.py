"""What each role may do beside the procedure table: one table of capabilities per realm role.

The procedure table (core.procedure) says which roles take which action on a case; everything else a
role may do (see files nationally, supervise stalled cases, grant access, review certificates, read the
audit log) is a capability here, and every check asks `capabilities(roles)`, never a list of role names.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from core.vocabulary import Role


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
    #: merge, link and split person records (store.people): a person's decision, audited, never automatic
    decide_identities = "decide_identities"


C = Capability
_CASE_WORK = frozenset({C.read_case_files})

ROLE_CAPABILITIES: dict[Role, frozenset[Capability]] = {
    Role.police_officer: _CASE_WORK,
    Role.station_chief: _CASE_WORK | {C.watch_stalled_cases},
    Role.investigator: _CASE_WORK | {C.read_every_unsealed_case, C.decide_identities},
    Role.prosecutor: _CASE_WORK,
    Role.chief_prosecutor: _CASE_WORK | {C.watch_stalled_cases, C.grant_case_access},
    Role.court_clerk: _CASE_WORK,
    Role.judge: _CASE_WORK,
    Role.prison_officer: _CASE_WORK,
    Role.records_officer: _CASE_WORK | {C.review_certificates, C.keep_criminal_records, C.read_every_certificate,
                                        C.decide_identities},
    Role.supervisor: _CASE_WORK | {C.oversee_scope, C.watch_stalled_cases, C.grant_case_access},
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
