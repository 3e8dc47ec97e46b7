"""`mizan bench names`: names across scripts, measured on the labelled set (bench/names_set.py) through the real
API as the `investigator` user.

The set's people are filed as cases through the API (once per state directory: found again by their offence
on later runs), among distractor cases with names from the same pools. Every spelling of the set is then
searched, in the same run:

- after: through the running API (`GET /api/v1/search` and `GET /api/v1/people/search`), as `investigator`;
- before: with the name search Mizan had before issue 16 (bench/names_baseline.py: case index v4, its query),
  on a copy of the same index's documents, straight on OpenSearch with the same access filter.

Reported per search and per kind of spelling: recall@10 (the intended person's case among the first 10 hits),
first hit (it is the first), and negatives ranked first (a hard negative's case first). Results:
bench/results/names-<time>.json and .md.

Only the corpus is judged. A distractor is never a namesake of a labelled person (the same given and family
name, however spelled): for "Ahmed Warfalli", another Ahmed Warfalli is as right an answer as the intended one,
so the set could not say which comes first. The index may hold other cases (other tests' files on the same
services, some with the same names on purpose): they are unjudged, and left out of the ranking the figures
are taken on, as is usual with unjudged documents; how often one came first is reported beside them
(`unjudged_first`), and the figures on the ranking as served too (`served_*`).
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from opensearchpy import OpenSearch, helpers
from sqlalchemy import select

from bench.names_baseline import V4_MAPPINGS, V4_SETTINGS, v4_case_query, v4_document, v4_people_query
from bench.names_set import DISTRACTOR_FAMILY, DISTRACTOR_GIVEN, PEOPLE, pairs
from config.settings import ROOT, get_settings
from core.access import Viewer
from core.arabic import name_forms, name_parts, names_agree
from infra.demo import DEMO_PASSWORD
from search.client import get_client
from search.indices import cases_alias
from search.query import access_filter
from store.database import session_scope
from store.models import Case

RESULTS = ROOT / "bench" / "results"
#: the offence every case of the corpus carries: how a later run finds the corpus again
CORPUS_OFFENCE = "قياس البحث بالأسماء (مجموعة التقييم 2)"
DISTRACTORS = 300
OPENER = "officer.tripoli"
SEARCHER = "investigator"
#: the investigator's access, as core.access.viewer_for gives it (national, CID)
SEARCHER_VIEWER = Viewer(national=True, agencies=frozenset({"cid"}))
TOP = 10
#: asked of each search beyond TOP, so that unjudged documents left out still leave TOP judged ones
DEPTH = TOP + 20
logging.getLogger("httpx").setLevel(logging.WARNING)


def _token(username: str) -> str:
    settings = get_settings()
    response = httpx.post(f"{settings.issuer}/protocol/openid-connect/token", timeout=30, data={
        "grant_type": "password", "client_id": settings.cli_client_id, "username": username,
        "password": DEMO_PASSWORD})
    response.raise_for_status()
    return str(response.json()["access_token"])


def _report(names: list[tuple[str, str]], number: int) -> dict[str, Any]:
    return {"offence": CORPUS_OFFENCE, "category": "misdemeanour", "sensitivity": "normal",
            "occurred_at": (datetime.now(UTC) - timedelta(days=3)).isoformat(), "place": "طرابلس",
            "narrative": f"ملف رقم {number} من مجموعة تقييم البحث بالأسماء.",
            "parties": [{"role": role, "name": name} for role, name in names]}


def _corpus_names(rng: random.Random) -> list[list[tuple[str, str]]]:
    """The corpus, case by case: each labelled person in a case of their own (with the other names their case
    names), then the distractors."""
    cases = [[(person.role, person.name), *(("witness", other) for other in person.also)] for person in PEOPLE]
    while len(cases) < len(PEOPLE) + DISTRACTORS:
        names = [f"{rng.choice(DISTRACTOR_GIVEN)} {rng.choice(DISTRACTOR_GIVEN)} {rng.choice(DISTRACTOR_FAMILY)}"
                 for _ in range(rng.randint(1, 3))]
        if not any(_namesake(name) for name in names):
            cases.append(list(zip(("accused", "complainant", "witness"), names, strict=False)))
    return cases


def _given_and_family(name: str) -> str:
    parts = name_parts(name)
    return " ".join(" ".join(part.words) for part in (parts[0], parts[-1]))


#: the labelled people's given and family names, for `_namesake`
_LABELLED = [_given_and_family(person.name) for person in PEOPLE]


def _namesake(name: str) -> bool:
    """The same given and family name as a labelled person, however spelled (see the module's docstring)."""
    short = _given_and_family(name)
    return any(names_agree(short, labelled) for labelled in _LABELLED)


def _existing_corpus() -> dict[str, str]:
    """first party's name → case id, of the corpus cases already on record."""
    found: dict[str, str] = {}
    with session_scope() as session:
        for case_id, snapshot in session.execute(select(Case.id, Case.snapshot).where(Case.offence == CORPUS_OFFENCE)):
            parties = snapshot.get("parties") or []
            if parties:
                found.setdefault(parties[0]["name"], case_id)
    return found


def ensure_corpus(http: httpx.Client, token: str) -> tuple[dict[str, str], set[str]]:
    """(person key → their case id, every case of the corpus), filing (through the API) whatever of the corpus
    is not on record yet."""
    existing = _existing_corpus()
    wanted = _corpus_names(random.Random(16))
    created = 0
    for number, names in enumerate(wanted):
        if names[0][1] in existing:
            continue
        response = http.post("/api/v1/cases", json=_report(names, number),
                             headers={"Authorization": f"Bearer {token}"})
        response.raise_for_status()
        existing[names[0][1]] = response.json()["id"]
        created += 1
    print(f"corpus: {len(wanted)} cases ({created} filed now)", flush=True)
    return ({person.key: existing[person.name] for person in PEOPLE},
            {existing[names[0][1]] for names in wanted})


def wait_indexed(client: OpenSearch, case_ids: list[str], timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        client.indices.refresh(index=cases_alias())
        count = client.count(index=cases_alias(), body={"query": {"terms": {"case_id": case_ids}}})["count"]
        if count == len(case_ids):
            return
        if time.monotonic() > deadline:
            raise SystemExit(f"only {count} of {len(case_ids)} corpus cases reached the index")
        time.sleep(1)


# ---------------------------------------------------------------- scoring


@dataclass
class Outcome:
    person: str
    kind: str
    typed: str
    rank: int | None  # 0-based rank of the intended case among the first TOP judged, None: not there
    negative_first: bool
    first: str | None = None  # the case id ranked first
    unjudged_first: bool = False  # a case outside the corpus came first in the ranking as served
    served_rank: int | None = None  # the rank in the ranking as served, unjudged cases included


@dataclass
class Tally:
    outcomes: list[Outcome] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        def rates(items: list[Outcome]) -> dict[str, Any]:
            n = len(items) or 1
            return {"pairs": len(items), "recall_at_10": round(sum(o.rank is not None for o in items) / n, 4),
                    "first_hit": round(sum(o.rank == 0 for o in items) / n, 4),
                    "negatives_first": sum(o.negative_first for o in items),
                    "unjudged_first": sum(o.unjudged_first for o in items),
                    "served_recall_at_10": round(sum(o.served_rank is not None for o in items) / n, 4),
                    "served_first_hit": round(sum(o.served_rank == 0 for o in items) / n, 4)}

        kinds = sorted({o.kind for o in self.outcomes})
        return {**rates(self.outcomes), "by_kind": {k: rates([o for o in self.outcomes if o.kind == k])
                                                    for k in kinds},
                "misses": [{"person": o.person, "kind": o.kind, "typed": o.typed, "rank": o.rank}
                           for o in self.outcomes if o.rank != 0][:60]}


Ranker = Callable[[str], list[str]]  # typed → case ids, best first (the intended person's case, by rank)


def evaluate(rank_cases: Ranker, cases: dict[str, str], judged: set[str]) -> Tally:
    """Every spelling of the set searched; ranks taken among the corpus's cases (`judged`), see the docstring."""
    negatives = {p.key: {cases[n] for n in p.negatives if n in cases} for p in PEOPLE}
    tally = Tally()
    for person, kind, typed in pairs():
        served = rank_cases(typed)
        ranked = [case for case in served if case in judged][:TOP]
        served = served[:TOP]
        target = cases[person]
        rank = ranked.index(target) if target in ranked else None
        first = ranked[0] if ranked else None
        tally.outcomes.append(Outcome(person, kind, typed, rank, first in negatives[person], first,
                                      unjudged_first=bool(served) and served[0] not in judged,
                                      served_rank=served.index(target) if target in served else None))
    return tally


# ---------------------------------------------------------------- after: the running API


def api_rankers(http: httpx.Client, token: str) -> tuple[Ranker, Ranker]:
    headers = {"Authorization": f"Bearer {token}"}

    def cases(typed: str) -> list[str]:
        response = http.get("/api/v1/search", params={"q": typed, "limit": DEPTH}, headers=headers)
        response.raise_for_status()
        return [hit["id"] for hit in response.json()["items"]]

    def people(typed: str) -> list[str]:
        response = http.get("/api/v1/people/search", params={"name": typed}, headers=headers)
        response.raise_for_status()
        return _dedupe_per_candidate(response.json()["items"][:DEPTH])

    return cases, people


def _dedupe_per_candidate(items: list[dict[str, Any]]) -> list[str]:
    """One entry per candidate (a person), naming all of their cases: the intended person is the candidate one of
    whose cases is the intended case (`_people_ranker`)."""
    ranked = []
    for candidate in items:
        ids = [c["case_id"] for c in candidate["cases"]]
        ranked.append(ids[0] if len(ids) == 1 else "|".join(sorted(ids)))
    return ranked


# ---------------------------------------------------------------- before: index v4 and its query


def baseline_rankers(client: OpenSearch) -> tuple[Ranker, Ranker, str]:
    """A copy of every document of the live index, as v4 had it, in an index of its own, and v4's queries."""
    index = f"{get_settings().index_prefix}-bench-names-v4"
    client.indices.delete(index=index, ignore_unavailable=True)
    client.indices.create(index=index, body={"settings": V4_SETTINGS, "mappings": V4_MAPPINGS})
    actions = ({"_index": index, "_id": hit["_id"], "_source": v4_document(hit["_source"])}
               for hit in helpers.scan(client, index=cases_alias(), query={"query": {"match_all": {}}}))
    helpers.bulk(client, actions, chunk_size=500)
    client.indices.refresh(index=index)
    access = access_filter(SEARCHER_VIEWER)

    def cases(typed: str) -> list[str]:
        response = client.search(index=index, body=v4_case_query(typed, access, DEPTH))
        return [hit["_source"]["case_id"] for hit in response["hits"]["hits"]]

    def people(typed: str) -> list[str]:
        # v4's people search: its candidates in the order of their best party's score; one per case here
        response = client.search(index=index, body=v4_people_query(typed, access))
        return [hit["_source"]["case_id"] for hit in response["hits"]["hits"]][:DEPTH]

    return cases, people, index


# ---------------------------------------------------------------- the run


def _dictionary_coverage() -> dict[str, Any]:
    """How many of the typed spellings the dictionary lists whole (every part), and how many it does not."""
    listed = sum(all(part.canon for part in name_forms(typed)) for _, _, typed in pairs())
    return {"pairs_every_part_listed": listed, "pairs_some_part_unlisted": len(pairs()) - listed}


def _restrict(tally: Tally, predicate: Callable[[str], bool]) -> dict[str, Any]:
    return Tally([o for o in tally.outcomes if predicate(o.typed)]).summary() | {"misses": []}


def run() -> dict[str, Any]:
    settings = get_settings()
    client = get_client()
    started = time.perf_counter()
    with httpx.Client(base_url=settings.api_url, timeout=60) as http:
        cases, judged = ensure_corpus(http, _token(OPENER))
        wait_indexed(client, sorted(judged))
        after_cases, after_people = api_rankers(http, _token(SEARCHER))
        before_cases, before_people, baseline_index = baseline_rankers(client)
        tallies = {"before_cases": evaluate(before_cases, cases, judged),
                   "before_people": evaluate(before_people, cases, judged),
                   "after_cases": evaluate(after_cases, cases, judged),
                   "after_people": evaluate(_people_ranker(after_people, cases, judged), cases, judged)}
    client.indices.delete(index=baseline_index, ignore_unavailable=True)
    unlisted = {typed for _, _, typed in pairs() if not all(part.canon for part in name_forms(typed))}
    documents = client.count(index=cases_alias())["count"]
    kinds = Counter(kind for _, kind, _ in pairs())
    return {
        "benchmark": "names", "at": datetime.now(UTC).isoformat(), "api": settings.api_url, "searcher": SEARCHER,
        "people": len(PEOPLE), "pairs": len(pairs()), "kinds": dict(sorted(kinds.items())),
        "negatives": sum(len(p.negatives) for p in PEOPLE), "documents_in_index": documents,
        "dictionary": _dictionary_coverage(), "seconds": round(time.perf_counter() - started, 1),
        **{name: tally.summary() for name, tally in tallies.items()},
        "after_cases_outside_dictionary": _restrict(tallies["after_cases"], lambda t: t in unlisted),
        "after_people_outside_dictionary": _restrict(tallies["after_people"], lambda t: t in unlisted),
    }


def _people_ranker(people: Ranker, cases: dict[str, str], judged: set[str]) -> Ranker:
    """People search answers candidates: a candidate counts as the intended person when one of its cases is,
    and as judged when one of its cases is in the corpus."""
    targets = set(cases.values())

    def ranked(typed: str) -> list[str]:
        out = []
        for entry in people(typed):
            ids = entry.split("|")
            out.append(next((i for i in ids if i in targets), next((i for i in ids if i in judged), ids[0])))
        return out

    return ranked


def _markdown(result: dict[str, Any]) -> str:
    lines = [f"# Names across scripts ({result['at']})", "",
             f"{result['pairs']} spellings of {result['people']} people "
             f"({', '.join(f'{k} {v}' for k, v in result['kinds'].items())}), "
             f"{result['negatives']} hard negatives; {result['documents_in_index']} cases in the index; searched "
             f"as `{result['searcher']}` through {result['api']} (after) and with index v4's name search on a copy "
             f"of the same documents (before). {result['dictionary']['pairs_some_part_unlisted']} spellings have a "
             "part the dictionary does not list.", "",
             "| search | recall@10 | first hit | negatives first | unjudged first | served recall@10 "
             "| served first hit |",
             "|---|---|---|---|---|---|---|"]
    for name in ("before_cases", "after_cases", "before_people", "after_people", "after_cases_outside_dictionary",
                 "after_people_outside_dictionary"):
        r = result[name]
        lines.append(f"| {name.replace('_', ' ')} | {r['recall_at_10']} | {r['first_hit']} | {r['negatives_first']} "
                     f"| {r['unjudged_first']} | {r['served_recall_at_10']} | {r['served_first_hit']} |")
    lines += ["", "| kind | before cases (recall / first) | after cases | after people |", "|---|---|---|---|"]
    for kind in result["kinds"]:
        b, a, p = (result[n]["by_kind"][kind] for n in ("before_cases", "after_cases", "after_people"))
        lines.append(f"| {kind} | {b['recall_at_10']} / {b['first_hit']} | {a['recall_at_10']} / {a['first_hit']} "
                     f"| {p['recall_at_10']} / {p['first_hit']} |")
    misses = result["after_cases"]["misses"]
    if misses:
        lines += ["", "After, case search, not first:", ""] + [
            f"- {m['typed']} ({m['kind']}, {m['person']}): rank {m['rank'] + 1 if m['rank'] is not None else '> 10'}"
            for m in misses]
    return "\n".join(lines) + "\n"


def main(args: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mizan bench names", description=__doc__.splitlines()[0])
    parser.parse_args(sys.argv[1:] if args is None else args)
    result = run()
    RESULTS.mkdir(parents=True, exist_ok=True)
    stem = RESULTS / f"names-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}"
    stem.with_suffix(".json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    Path(f"{stem}.md").write_text(_markdown(result), encoding="utf-8")
    print(_markdown(result))
    return 0

