"""The case index against the real OpenSearch: analyzers, name variants, sealed cases and grants,
ordered indexing, reindex with an alias swap while searching, and the check command's repairs."""

from __future__ import annotations

import random
import threading
import uuid
from collections.abc import Iterator

import pytest
from opensearchpy import OpenSearch

from config.settings import get_settings
from core.access import Viewer, viewer_for
from core.arabic import normalize_name
from core.case import CaseState
from search.client import get_client
from search.documents import document_version
from search.indexing import document_for, index_from_read_model, put_document
from search.indices import alias_target, cases_alias
from search.maintenance import check, ensure_indices, reindex
from search.query import CaseQuery, build_people_query
from search.service import search_cases
from store.access import bump_access_revision
from store.database import session_scope
from store.models import CaseGrant
from tests.support.search_fixtures import build_case, demo_actors, index, store

pytestmark = pytest.mark.stack

INVESTIGATOR = Viewer(national=True, agencies=frozenset({"cid"}))


@pytest.fixture(scope="module")
def client() -> Iterator[OpenSearch]:
    os_client = get_client()
    ensure_indices(os_client)
    yield os_client


def _analyze(client: OpenSearch, analyzer: str, text: str) -> list[str]:
    response = client.indices.analyze(index=cases_alias(), body={"analyzer": analyzer, "text": text})
    return [t["token"] for t in response["tokens"]]


@pytest.mark.parametrize("name", ["أحمد عبد الله المبروك", "إبراهيم مُحَمَّد الورفلى", "فاطمة بنت علي",
                                  "يوسف ابن خالد الترهوني", "عبد الرحمن مؤمن الزوي", "محمـــد سالم"])
def test_exact_name_analyzer_agrees_with_normalize_name(client: OpenSearch, name: str) -> None:
    # the index and the SQL read model (parties.name_normalized) fold names the same way
    assert _analyze(client, "name_exact", name) == normalize_name(name).split()


def test_a_party_is_indexed_with_its_name_forms(client: OpenSearch, named_cases: dict[str, CaseState]) -> None:
    """The forms core.arabic matches a name by are in the index as computed in Python (no plugin computes them)."""
    case = named_cases["latin"]
    stored = client.get(index=cases_alias(), id=case.case_id)["_source"]["parties"][0]
    assert {"MHMD", "BD.L", "WRFL"} <= set(stored["n_keys"])
    assert {"محمد", "عبدالله", "ورفلي"} <= set(stored["n_canon"])
    assert stored["n_count"] == 4  # the tag is a part too


def test_arabic_narrative_is_stemmed_and_has_an_english_subfield(client: OpenSearch) -> None:
    assert _analyze(client, "arabic", "المحكمة") == ["محكم"]
    assert _analyze(client, "english", "stolen phones") == ["stolen", "phone"]


def _ids(client: OpenSearch, viewer: Viewer, text: str, **filters: object) -> set[str]:
    page = search_cases(client, viewer, CaseQuery(text=text, limit=100, **filters))  # type: ignore[arg-type]
    return {hit.id for hit in page.items}


@pytest.fixture(scope="module")
def named_cases(client: OpenSearch) -> dict[str, CaseState]:
    rng = random.Random(7)
    tag = uuid.uuid4().hex[:6]
    national_id = f"1199{int(tag, 16) % 10**8:08d}"  # this run's own: benches and other tests reuse fixed IDs
    people = {
        "abdallah": [{"role": "accused", "name": f"أحمد عبدالله المبروك {tag}", "national_id": national_id}],
        "latin": [{"role": "accused", "name": f"Mohamed Abdallah Elwarfalli {tag}"}],
        "hamza": [{"role": "victim", "name": f"إبراهيم يوسف الزوي {tag}"}],
        "ta_marbuta": [{"role": "complainant", "name": f"فاطمة خليفة الككلي {tag}"}],
        "ibn": [{"role": "suspect", "name": f"سالم ابن عمر الشريف {tag}"}],
    }
    states = {key: build_case(rng, parties=parties, sensitivity="normal") for key, parties in people.items()}
    store(list(states.values()))
    index(client, list(states.values()))
    return states | {"_tag": tag}  # type: ignore[dict-item, return-value]


@pytest.mark.parametrize(("typed", "expected"), [
    ("احمد عبد الله المبروك", "abdallah"),       # no hamza, "عبد الله" spaced
    ("أحمد عبدالله", "abdallah"),
    ("Ahmed Abdullah", "abdallah"),                # Latin spelling of the Arabic name in the file
    ("محمد عبد الله الورفلي", "latin"),           # Arabic spelling of the Latin name in the file
    ("Muhammad Abdullah", "latin"),
    ("ابراهيم يوسف", "hamza"),
    ("فاطمه الككلي", "ta_marbuta"),
    ("سالم بن عمر", "ibn"),
    ("المبروق", "abdallah"),                       # a typo, tolerated by the variants field
])
def test_name_variants_are_found(client: OpenSearch, named_cases: dict[str, CaseState], typed: str,
                                 expected: str) -> None:
    found = _ids(client, INVESTIGATOR, f"{typed} {named_cases['_tag']}")  # type: ignore[str-bytes-safe]
    assert named_cases[expected].case_id in found


def test_national_id_and_number_are_exact(client: OpenSearch, named_cases: dict[str, CaseState]) -> None:
    case = named_cases["abdallah"]
    assert _ids(client, INVESTIGATOR, case.parties[0].national_id or "") == {case.case_id}
    assert _ids(client, INVESTIGATOR, case.number) == {case.case_id}


def test_a_hit_names_each_matched_person_once(client: OpenSearch, named_cases: dict[str, CaseState]) -> None:
    page = search_cases(client, INVESTIGATOR, CaseQuery(text=f"Ahmed Abdallah {named_cases['_tag']}"))  # type: ignore[str-bytes-safe]
    hit = next(h for h in page.items if h.id == named_cases["abdallah"].case_id)
    party = named_cases["abdallah"].parties[0]
    assert [(p.name, p.role, p.national_id) for p in hit.people] == [(party.name, "accused", party.national_id)]
    assert "names" not in hit.highlights  # a name is said once, by the person, not again as a fragment


def test_people_query_names_the_matching_party(client: OpenSearch, named_cases: dict[str, CaseState]) -> None:
    body = build_people_query(INVESTIGATOR, name="Mohammed Abdullah Elwarfalli")
    response = client.search(index=cases_alias(), body=body)
    parties = [inner["_source"] for hit in response["hits"]["hits"]
               for inner in hit["inner_hits"]["parties"]["hits"]["hits"]]
    assert any(p["name"].startswith("Mohamed Abdallah") for p in parties)


def test_ranking_by_person_on_the_real_index(client: OpenSearch) -> None:
    """Issue 16: "احمد الورفلى" ranked the right case 5th, behind cases where أحمد and الورفلي are two people."""
    rng = random.Random(16)
    tag = uuid.uuid4().hex[:6]
    spread = [build_case(rng, depth=0, parties=[{"role": "accused", "name": f"أحمد سالم القماطي {tag}"},
                                                {"role": "witness", "name": f"خالد علي الورفلي {tag}"}])
              for _ in range(4)]
    together = build_case(rng, depth=0, parties=[{"role": "accused", "name": f"أحمد محمد الورفلي {tag}"}])
    latin = build_case(rng, depth=0, parties=[{"role": "accused", "name": f"Ahmed Mohamed Warfalli {tag}"}])
    store([*spread, together, latin])
    index(client, [*spread, together, latin])

    def ranked(text: str) -> list[str]:
        return [hit.id for hit in search_cases(client, INVESTIGATOR, CaseQuery(text=text, limit=20)).items]

    def above_every_spread(order: list[str]) -> bool:
        # a spread case outside the first 20 is below them all
        return together.case_id in order and all(
            c.case_id not in order or order.index(together.case_id) < order.index(c.case_id) for c in spread)

    # every part in one party above parts spread over two, for every spelling of the query
    for typed in (f"احمد الورفلى {tag}", f"أحمد محمد الورفلي {tag}"):
        assert above_every_spread(ranked(typed)), typed
    # exact above phonetic: the Arabic file first for the Arabic spelling, the Latin file for the Latin one
    assert ranked(f"أحمد محمد الورفلي {tag}")[0] == together.case_id
    assert ranked(f"Ahmed Mohamed Warfalli {tag}")[0] == latin.case_id
    # the Latin query finds the Arabic file, above files where the parts are spread
    assert above_every_spread(ranked(f"Ahmed Mohamed Warfalli {tag}"))


def test_sealed_cases_only_for_holders_and_grants(client: OpenSearch) -> None:
    rng = random.Random(11)
    tag = uuid.uuid4().hex[:6]
    sealed = build_case(rng, station="station.tripoli.central", sensitivity="sealed", depth=1,
                        parties=[{"role": "victim", "name": f"مريم التاجوري {tag}"}])
    store([sealed])
    index(client, [sealed])
    actors = {v.username: viewer_for(v.actor) for v in demo_actors()}
    assert sealed.case_id not in _ids(client, actors["investigator"], tag)
    assert sealed.case_id not in _ids(client, actors["prosecutor.benghazi"], tag)
    assert sealed.case_id in _ids(client, actors["officer.tripoli"], tag)       # the opening station held it
    assert sealed.case_id in _ids(client, actors["prosecutor.tripoli"], tag)    # the prosecution held it
    assert sealed.case_id in _ids(client, actors["supervisor.tripoli"], tag)    # in the supervisor's subtree
    assert sealed.case_id not in _ids(client, actors["auditor"], tag)           # national, but never held it
    store([], grants={sealed.case_id: ["cid"]})
    index(client, [sealed])
    assert sealed.case_id in _ids(client, actors["investigator"], tag)
    assert sealed.case_id not in _ids(client, actors["prosecutor.benghazi"], tag)


def test_out_of_order_updates_never_overwrite_a_newer_version(client: OpenSearch) -> None:
    rng = random.Random(3)
    case = build_case(rng, depth=2, sensitivity="normal")  # seq 4: opened, referred, acknowledged, referred
    early = build_case(random.Random(3), depth=0, sensitivity="normal")
    early.case_id, early.number = case.case_id, case.number  # the same case, as it was at seq 1
    store([case])
    with session_scope() as session:
        newer, older = document_for(session, case), document_for(session, early)
    assert put_document(client, newer)
    assert not put_document(client, older)        # arrives late: refused
    assert put_document(client, newer)            # a retry of the same version: accepted, changes nothing
    stored = client.get(index=cases_alias(), id=case.case_id)
    assert stored["_version"] == document_version(newer) and newer["seq"] == 4
    assert stored["_source"]["stage"] == "trial"


def test_reindex_swaps_the_alias_while_searches_keep_working(client: OpenSearch,
                                                             named_cases: dict[str, CaseState]) -> None:
    expected = named_cases["abdallah"].case_id
    query = f"احمد {named_cases['_tag']}"  # type: ignore[str-bytes-safe]
    failures: list[str] = []
    searched = 0
    done = threading.Event()

    def keep_searching() -> None:
        nonlocal searched
        while not done.is_set():
            try:
                if expected not in _ids(client, INVESTIGATOR, query):
                    failures.append("missing during reindex")
            except Exception as error:  # any error is a failure of "searches working throughout"
                failures.append(repr(error))
            searched += 1

    before = alias_target(client)
    searcher = threading.Thread(target=keep_searching)
    searcher.start()
    try:
        first = reindex(client)
        second = reindex(client)
    finally:
        done.set()
        searcher.join()
    assert failures == []
    assert searched > 0
    assert first.previous == before and second.previous == first.index
    assert alias_target(client) == second.index
    assert before in second.dropped  # the index before last is removed; the one just replaced is kept
    assert not client.indices.exists(index=before)


def test_check_repairs_deleted_stale_and_extra_documents(client: OpenSearch) -> None:
    rng = random.Random(5)
    deleted, altered = build_case(rng), build_case(rng)
    store([deleted, altered])
    index(client, [deleted, altered])
    assert check(client, repair=False).clean
    client.delete(index=cases_alias(), id=deleted.case_id)
    stale = client.get(index=cases_alias(), id=altered.case_id)["_source"] | {"stage": "closed"}
    client.index(index=cases_alias(), id=altered.case_id, body=stale, version=document_version(stale),
                 version_type="external_gte")
    ghost = stale | {"case_id": "ghost-" + uuid.uuid4().hex}
    client.index(index=cases_alias(), id=ghost["case_id"], body=ghost, version=1, version_type="external")
    client.indices.refresh(index=cases_alias())

    report = check(client, repair=True)
    assert deleted.case_id in report.missing
    assert altered.case_id in report.stale
    assert ghost["case_id"] in report.extra
    assert report.repaired
    assert client.get(index=cases_alias(), id=deleted.case_id)["_source"]["case_id"] == deleted.case_id
    assert client.get(index=cases_alias(), id=altered.case_id)["_source"]["stage"] == altered.stage
    assert not client.exists(index=cases_alias(), id=ghost["case_id"])
    assert check(client, repair=False).clean


def test_the_live_index_takes_the_translog_setting_at_worker_start(client: OpenSearch) -> None:
    target = alias_target(client)
    assert target is not None
    wanted = get_settings().search_translog_durability
    client.indices.put_settings(index=target, body={"index": {"translog": {
        "durability": "request" if wanted == "async" else "async"}}})
    ensure_indices(client)  # what the worker runs at start
    settings = client.indices.get_settings(index=target)[target]["settings"]["index"]
    assert settings["translog"]["durability"] == wanted


def test_a_grant_taken_back_wins_over_an_action_document_built_before_it(client: OpenSearch) -> None:
    """An action's document and a grant change's document share the case's seq; the grant change's
    access revision orders them, whichever reaches OpenSearch last."""
    case = build_case(random.Random(11), depth=1, sensitivity="sealed")
    store([case], {case.case_id: ["cid"]})
    index(client, [case])
    with session_scope() as session:
        built_before = document_for(session, case)  # as record_and_index builds it, before the revoke commits
    with session_scope() as session:
        session.delete(session.get(CaseGrant, (case.case_id, "cid")))
        bump_access_revision(session, case.case_id)
    index_from_read_model(case.case_id, client)
    assert not put_document(client, built_before)  # it arrives last: refused
    stored = client.get(index=cases_alias(), id=case.case_id)["_source"]
    assert "cid" not in stored["granted_agencies"] and "cid" not in stored["access_agencies"]
    assert stored["access_revision"] == built_before["access_revision"] + 1


def test_a_lost_index_is_rebuilt_from_the_read_model_at_worker_start(client: OpenSearch,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    case = build_case(random.Random(12), depth=1)
    store([case])
    index(client, [case])  # the live index stays whole; the lost one is another prefix's
    monkeypatch.setenv("MIZAN_INDEX_PREFIX", f"lost-{uuid.uuid4().hex[:8]}")  # no alias: as if OpenSearch lost it
    get_settings.cache_clear()
    try:
        ensure_indices(client)  # what the worker runs at start
        client.indices.refresh(index=cases_alias())
        assert client.get(index=cases_alias(), id=case.case_id)["_source"]["seq"] == case.seq
        assert check(client, repair=False).clean
    finally:
        client.indices.delete(index=f"{cases_alias()}-v*")
        monkeypatch.undo()
        get_settings.cache_clear()
