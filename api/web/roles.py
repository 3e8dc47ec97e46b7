"""What the web offers each person, from their roles: the one place where the web reads roles.

The navigation, the landing page after login and each page's own check read the same `Offers`, so
a link is shown only where the page behind it would let the person in. Each offer is a capability of
core.roles, the table the services check too.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.access import viewer_for
from core.case import Actor
from core.procedure import OPEN_CASE
from core.roles import Capability, capabilities
from core.vocabulary import CASE_HOLDER_KINDS

MY_WORK = "/web/"
MY_CERTIFICATES = "/web/certificates"
REVIEW_QUEUE = "/web/certificates/reviews"
SUPERVISION = "/web/supervision"
SEARCH = "/web/search"
CRIMINAL_RECORDS = "/web/records"


@dataclass(frozen=True)
class Offers:
    my_work: bool  # the cases held by one's agency, and the case pages
    open_case: bool
    search: bool
    stalled: bool  # the stalled list, and the supervision dashboard beside it
    my_certificates: bool  # a citizen requests and follows their own certificates
    certificate_requests: bool  # the review queue and any request, read only
    decide_certificates: bool  # issue or reject a request under review
    oversees: bool = False  # a supervisor: their scope is their work (their own agency holds no case)
    keep_records: bool = False  # a records officer: a person's criminal record, its rehabilitations and removals

    @property
    def home(self) -> str:
        """Where the person lands after login: their own work first (a supervisor's is their scope's)."""
        if self.oversees:
            return SUPERVISION
        if self.my_work:
            return MY_WORK
        if self.decide_certificates:  # a records officer: the requests waiting for their review
            return REVIEW_QUEUE
        if self.search:  # an investigator or an auditor: their agency holds no file, their work is finding one
            return SEARCH
        if self.certificate_requests:
            return REVIEW_QUEUE
        return MY_CERTIFICATES


def offers_for(actor: Actor) -> Offers:
    granted = capabilities(actor.roles)
    sees_cases = not viewer_for(actor).sees_nothing
    # only police stations, prosecution offices, courts and prisons hold case files: a records officer's work
    # is the review queue, a supervisor's the dashboard of their scope, an investigator's the search
    oversees = Capability.oversee_scope in granted
    holds_cases = actor.agency_kind in CASE_HOLDER_KINDS and not oversees
    return Offers(
        my_work=sees_cases and holds_cases,
        open_case=bool(set(OPEN_CASE.roles) & set(actor.roles)),
        search=sees_cases,
        stalled=Capability.watch_stalled_cases in granted,
        my_certificates=Capability.request_certificate in granted,
        certificate_requests=Capability.read_every_certificate in granted,
        decide_certificates=Capability.review_certificates in granted,
        oversees=oversees,
        keep_records=Capability.keep_criminal_records in granted,
    )
