"""The juvenile route through decide/apply: an accused under 18 on the day of the offence is flagged, and the case
is referred to the juvenile court of its region (data in the agency tree, its source marked verify); an adult's
case never goes there; before the revision, a referral was decided as it was then."""

from __future__ import annotations

from datetime import timedelta

from core.case import CaseState
from core.effects import apply
from core.juveniles import JUVENILE_ROUTE, juvenile_accused
from core.procedure import RuleRevision
from core.transitions import decide
from core.vocabulary import CourtLevel, Stage
from tests.support.procedure import CHIEF, CHIEFPROS, PROSECUTOR, T0, act, command, refused
from tests.support.procedure import open_case as open_adult_case

OCCURRED = T0 - timedelta(days=1)


def _open(birth_date: str, category: str = "misdemeanour") -> CaseState:
    state = open_adult_case(category)
    state.parties[0].birth_date = birth_date
    state.occurred_at = OCCURRED
    act(state, CHIEF, "refer_to_prosecution", T0, to_agency="pros.tripoli")
    act(state, PROSECUTOR, "acknowledge_receipt", T0)
    return state


def _born_years_before_offence(years: int, days: int = 0) -> str:
    day = OCCURRED.date()
    return (day.replace(year=day.year - years) + timedelta(days=days)).isoformat()


def test_an_accused_under_18_at_the_offence_is_flagged() -> None:
    assert juvenile_accused(_open(_born_years_before_offence(17)).parties, OCCURRED) == ["p1"]
    assert juvenile_accused(_open(_born_years_before_offence(18, days=-1)).parties, OCCURRED) == []


def test_a_juvenile_accused_is_referred_to_the_juvenile_court_of_the_region() -> None:
    for category, adults_court in (("misdemeanour", "court.tripoli"), ("felony", "court.appeal.tripoli.felony")):
        state = _open(_born_years_before_offence(16), category)
        refusal = refused(state, CHIEFPROS, "refer_to_court", to_agency=adults_court, charges=["سرقة"])
        assert (refusal.status, refusal.code) == (422, "not_competent_court")
        assert refusal.details["competent"] == ["court.tripoli.juvenile"]
        assert "juvenile court" in refusal.message_en and "محكمة الأحداث" in refusal.message_ar
        act(state, CHIEFPROS, "refer_to_court", T0, to_agency="court.tripoli.juvenile", charges=["سرقة"])
        assert state.owner_agency == "court.tripoli.juvenile" and state.stage == Stage.trial
        assert state.court_levels["court.tripoli.juvenile"] == CourtLevel.juvenile == JUVENILE_ROUTE.court_level
    assert JUVENILE_ROUTE.verify and JUVENILE_ROUTE.source


def test_an_adults_case_never_goes_to_the_juvenile_court() -> None:
    state = _open(_born_years_before_offence(30))
    refusal = refused(state, CHIEFPROS, "refer_to_court", to_agency="court.tripoli.juvenile", charges=["سرقة"])
    assert refusal.details["competent"] == ["court.tripoli"]
    unknown_age = _open("")
    unknown_age.parties[0].birth_date = None  # no date of birth recorded: not presumed a juvenile
    act(unknown_age, CHIEFPROS, "refer_to_court", T0, to_agency="court.tripoli", charges=["سرقة"])


def test_before_the_juvenile_route_a_referral_is_decided_as_it_was_then() -> None:
    state = _open(_born_years_before_offence(16))
    event = decide(state, command("refer_to_court", CHIEFPROS, {"to_agency": "court.tripoli", "charges": ["سرقة"]}),
                   T0, revision=RuleRevision.remand_to_quashed_court)
    apply(state, event)
    assert state.owner_agency == "court.tripoli"
