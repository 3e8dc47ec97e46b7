"""What the web offers each person, from their roles: the one place where the web reads roles.

The navigation, the landing page after login and each page's own check read the same `Offers`, so
a link is shown only where the page behind it would let the person in. The checks lean on the role
sets the services already use (certificate readers and officers, supervisors, the case-access
viewer), so that swapping them for a capabilities table changes this module only.
"""

from __future__ import annotations

from dataclasses import dataclass

from api.certificates import service as certificate_service
from api.web.views import may_supervise
from core.access import viewer_for
from core.case import Actor
from core.procedure import ACTIONS_BY_NAME

MY_WORK = "/web/"
MY_CERTIFICATES = "/web/certificates"
REVIEW_QUEUE = "/web/certificates/reviews"
CITIZEN = "citizen"


@dataclass(frozen=True)
class Offers:
    my_work: bool  # the cases held by one's agency, and the case pages
    open_case: bool
    search: bool
    stalled: bool
    my_certificates: bool  # a citizen requests and follows their own certificates
    certificate_requests: bool  # the review queue and any request, read only
    decide_certificates: bool  # issue or reject a request under review

    @property
    def home(self) -> str:
        """Where the person lands after login: their own work first."""
        if self.my_work:
            return MY_WORK
        if self.certificate_requests:
            return REVIEW_QUEUE
        return MY_CERTIFICATES


def offers_for(actor: Actor) -> Offers:
    roles = set(actor.roles)
    sees_cases = not viewer_for(actor).sees_nothing
    reads_certificates = bool(certificate_service.READER_ROLES & roles)
    # a records office holds no case: its officers' work is the review queue, not "My work"
    only_records = bool(roles) and roles <= certificate_service.OFFICER_ROLES
    return Offers(
        my_work=sees_cases and not only_records,
        open_case=bool({role.value for role in ACTIONS_BY_NAME["open_case"].roles} & roles),
        search=sees_cases,
        stalled=may_supervise(actor),
        my_certificates=CITIZEN in roles,
        certificate_requests=reads_certificates,
        decide_certificates=bool(certificate_service.OFFICER_ROLES & roles),
    )
