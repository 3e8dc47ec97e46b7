"""`./mizan bench search [--docs N] [--queries Q]`: bulk-index N synthetic Arabic case files into a
bench-only index, then run a query mix (name, national ID, free text, filters) through Mizan's path
(search.service: the query builder with its access filter, the answer shaped for the API) and the same
bodies straight to OpenSearch (the floor). Results: bench/results/search-<date>.json and .md.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import queue
import random
import statistics
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from config.settings import ROOT, get_settings

RESULTS = ROOT / "bench" / "results"
CHUNK = 2000
PREBUILD = 200_000

GIVEN = ["أحمد", "محمد", "عبد الله", "عبدالرحمن", "خالد", "سالم", "فرج", "مفتاح", "إبراهيم", "يوسف", "علي", "عمر",
         "مصطفى", "حسن", "ميلاد", "عائشة", "فاطمة", "مريم", "هدى", "نجاة", "سعاد", "منى", "رمضان", "جمال", "نوري"]
FAMILY = ["المبروك", "الورفلي", "الترهوني", "العبيدي", "المغربي", "الزوي", "القماطي", "الفاخري", "الشريف", "بن عمران",
          "الككلي", "السنوسي", "البرعصي", "المسماري", "الغرياني", "الهوني", "المنتصر", "الزنتاني", "التاجوري", "الصيد"]
OFFENCES = [("سرقة هاتف محمول", "misdemeanour"), ("سرقة سيارة بالإكراه", "felony"), ("اعتداء بالضرب", "misdemeanour"),
            ("حيازة مخدرات بقصد الاتجار", "felony"), ("مخالفة مرورية جسيمة", "contravention"),
            ("تزوير مستندات رسمية", "felony"), ("احتيال إلكتروني", "misdemeanour"), ("قتل عمد", "felony")]
NARRATIVE = ["أفاد المشتكي بسرقة هاتفه المحمول من سيارته المركونة أمام المصرف", "تم ضبط المتهم في نقطة تفتيش",
             "وبحوزته كمية من المواد المخدرة", "تعرض المجني عليه للضرب أمام المقهى", "وتم نقله إلى المستشفى",
             "قدم المشتكي بلاغاً عن تزوير عقد بيع عقار", "اقتحم مجهولون المحل التجاري ليلاً وسرقوا البضائع",
             "أحيل الملف إلى النيابة العامة لاستكمال التحقيق", "شهد الشهود بأن المتهم كان في مكان الواقعة"]
PATHS = [  # (stage, agencies after the opening station, sensitivity weight)
    ("police_inquiry", []), ("prosecution", ["pros"]), ("trial", ["pros", "court"]), ("closed", ["pros"]),
]
STATIONS = {"station.tripoli.central": ("dir.tripoli", "tripoli"),
            "station.tripoli.souq_aljuma": ("dir.tripoli", "tripoli"),
            "station.benghazi.central": ("dir.benghazi", "benghazi"),
            "station.benghazi.alberka": ("dir.benghazi", "benghazi")}


def _name(rng: random.Random) -> str:
    return f"{rng.choice(GIVEN)} {rng.choice(GIVEN)} {rng.choice(FAMILY)}"


def synthetic_states(count: int, seed: int) -> Iterator[tuple[Any, str]]:
    """CaseState objects (the real document builder turns them into documents) and their directorate."""
    from core.case import CaseState, Party
    from core.clocks import default_rulebook
    from core.vocabulary import Category, Outcome, PartyRole, Sensitivity, Stage

    rules = default_rulebook()
    rng = random.Random(seed)
    base = datetime(2020, 1, 1, tzinfo=UTC)
    for i in range(count):
        station = rng.choice(sorted(STATIONS))
        directorate, region = STATIONS[station]
        stage, path = rng.choice(PATHS)
        involved = [station, *(f"{kind}.{region}" for kind in path)]
        offence, category = rng.choice(OFFENCES)
        opened = base + timedelta(minutes=rng.randrange(0, 6 * 365 * 24 * 60))
        parties = [Party(party_id=f"p{n + 1}", role=PartyRole(role), name=_name(rng),
                         national_id=f"1{rng.randrange(10**10, 10**11)}" if rng.random() < 0.6 else None)
                   for n, role in enumerate(("accused", "complainant", "witness")[: rng.randint(1, 3)])]
        yield CaseState(
            case_id=f"bench{i:08d}", number=f"{station}/{opened.year}/{i:07d}", stage=Stage(stage),
            owner_agency=involved[-1], region=region, offence=offence, category=Category(category),
            sensitivity=Sensitivity.sealed if rng.random() < 0.05 else Sensitivity.normal, opened_at=opened,
            occurred_at=opened - timedelta(hours=rng.randrange(1, 72)), rules=rules,
            place=f"{region}، حي {rng.randrange(1, 40)}",
            narrative="، ".join(rng.sample(NARRATIVE, 3)), parties=parties, agencies_involved=involved,
            opening_station=station, seq=rng.randint(1, 20), outcome=Outcome.archived if stage == "closed" else None,
        ), directorate


def bulk_chunks(count: int, seed: int, index: str) -> Iterator[tuple[bytes, list[dict[str, Any]]]]:
    from search.documents import case_document

    lines: list[str] = []
    sample: list[dict[str, Any]] = []
    for n, (state, directorate) in enumerate(synthetic_states(count, seed)):
        document = case_document(state, directorate=directorate)
        if n % 97 == 0:
            sample.append(document)
        lines.append(json.dumps({"index": {"_index": index, "_id": state.case_id, "version": state.seq,
                                           "version_type": "external_gte"}}))
        lines.append(json.dumps(document, ensure_ascii=False))
        if len(lines) >= 2 * CHUNK:
            yield ("\n".join(lines) + "\n").encode(), sample
            lines, sample = [], []
    if lines:
        yield ("\n".join(lines) + "\n").encode(), sample


def bulk_index(client: Any, index: str, count: int, seed: int,
               threads: int) -> tuple[float, float, list[dict[str, Any]]]:
    """Generate and send concurrently (a bounded queue); returns (docs/s, seconds, sampled documents)."""
    pending: queue.Queue[bytes | None] = queue.Queue(maxsize=threads * 2)
    errors: list[str] = []
    samples: list[dict[str, Any]] = []

    def send() -> None:
        while (body := pending.get()) is not None:
            response = client.bulk(body=body, request_timeout=120)
            if response.get("errors"):
                errors.extend(str(i) for i in response["items"] if i["index"].get("status", 200) >= 300)

    # Up to PREBUILD files are generated before the clock starts: the rate is OpenSearch's, not the
    # synthetic generator's (which would share the same two cores). Larger runs stream.
    chunks: Iterator[tuple[bytes, list[dict[str, Any]]]] = bulk_chunks(count, seed, index)
    if count <= PREBUILD:
        generated = time.perf_counter()
        chunks = iter(list(chunks))
        print(f"generated in {time.perf_counter() - generated:.1f} s (not counted)", flush=True)
    senders = [threading.Thread(target=send) for _ in range(threads)]
    started = time.perf_counter()
    for thread in senders:
        thread.start()
    for body, sample in chunks:
        samples.extend(sample)
        pending.put(body)
    for _ in senders:
        pending.put(None)
    for thread in senders:
        thread.join()
    from search.indices import finish_bulk_load

    finish_bulk_load(client, index)
    seconds = time.perf_counter() - started
    if errors:
        raise RuntimeError(f"{len(errors)} bulk errors, e.g. {errors[0]}")
    return count / seconds, seconds, samples


def query_mix(rng: random.Random, samples: list[dict[str, Any]], total: int) -> list[tuple[str, Any, Any]]:
    from core.access import Viewer
    from search.query import CaseQuery

    viewers = [Viewer(national=True, agencies=frozenset({"cid"})),
               Viewer(national=False, agencies=frozenset({"station.tripoli.central"})),
               Viewer(national=False, agencies=frozenset({"pros.benghazi"})),
               Viewer(national=False, agencies=frozenset({"dir.tripoli", "station.tripoli.central",
                                                          "station.tripoli.souq_aljuma"}))]
    with_ids = [d for d in samples if d["national_ids"]]
    kinds: list[tuple[str, Callable[[], Any]]] = [
        ("name", lambda: CaseQuery(text=rng.choice(rng.choice(samples)["names"]))),
        ("national_id", lambda: CaseQuery(text=rng.choice(with_ids)["national_ids"][0])),
        ("free_text", lambda: CaseQuery(text=rng.choice(["سرقة سيارة", "مخدرات", "تزوير عقد", "المستشفى", "ضرب",
                                                          "stolen car", "نقطة تفتيش"]))),
        ("filters", lambda: CaseQuery(stage=rng.choice(["prosecution", "trial", None]),
                                      category=rng.choice(["felony", "misdemeanour", None]),
                                      directorate=rng.choice(["dir.tripoli", "dir.benghazi"]), sort="newest")),
    ]
    mix = []
    for i in range(total):
        kind, make = kinds[i % len(kinds)]
        mix.append((kind, rng.choice(viewers), make()))
    return mix


def percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return {"p50": round(pick(0.50), 2), "p95": round(pick(0.95), 2), "p99": round(pick(0.99), 2),
            "mean": round(statistics.fmean(ordered), 2), "n": len(ordered)}


def main(args: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mizan bench search", description=__doc__)
    parser.add_argument("--docs", type=int, default=100_000, help="synthetic case files (1000000 for the large run)")
    parser.add_argument("--queries", type=int, default=2000, help="queries per path")
    parser.add_argument("--threads", type=int, default=2, help="concurrent bulk requests")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the bench index afterwards")
    ns = parser.parse_args(sys.argv[1:] if args is None else args)

    logging.getLogger("opensearch").setLevel(logging.WARNING)
    # a bench-only prefix: never the live alias
    os.environ["MIZAN_INDEX_PREFIX"] = f"{get_settings().index_prefix}-bench"
    get_settings.cache_clear()
    from search.client import get_client
    from search.indices import cases_alias, create_index, drop_old_indices, swap_alias
    from search.query import build_query
    from search.service import search_cases

    client = get_client()
    client.indices.delete(index=f"{cases_alias()}-v*", ignore_unavailable=True)
    index = create_index(client, bulk_load=True)
    swap_alias(client, index)
    try:
        print(f"indexing {ns.docs:,} synthetic case files into {index} ...", flush=True)
        rate, seconds, samples = bulk_index(client, index, ns.docs, ns.seed, ns.threads)
        print(f"bulk: {rate:,.0f} docs/s ({seconds:.1f} s)", flush=True)
        client.indices.forcemerge(index=index, max_num_segments=1, request_timeout=600)

        rng = random.Random(ns.seed)
        mix = query_mix(rng, samples, ns.queries + 200)
        timings: dict[str, dict[str, list[float]]] = {"mizan": {}, "raw": {}}
        hits_checked = 0
        for n, (kind, viewer, query) in enumerate(mix):
            body = build_query(viewer, query)
            paths: list[tuple[str, Callable[[], Any]]] = [
                ("mizan", partial(search_cases, client, viewer, query)),
                ("raw", partial(client.search, index=cases_alias(), body=body))]
            if n % 2:
                paths.reverse()  # alternate which path goes first: neither gets the warmer cache
            for path, run in paths:
                started = time.perf_counter()
                result = run()
                elapsed = (time.perf_counter() - started) * 1000
                if n >= 200:  # the first 200 warm the caches
                    timings[path].setdefault(kind, []).append(elapsed)
                    timings[path].setdefault("all", []).append(elapsed)
                if path == "mizan":
                    hits_checked += len(result.items)
        size_bytes = client.indices.stats(index=index)["_all"]["total"]["store"]["size_in_bytes"]
        report: dict[str, Any] = {
            "benchmark": "search", "at": datetime.now(UTC).isoformat(), "docs": ns.docs, "queries": ns.queries,
            "bulk_threads": ns.threads, "bulk_docs_per_s": round(rate), "bulk_seconds": round(seconds, 1),
            "index_size_mb": round(size_bytes / 2**20, 1),
            "latency_ms": {path: {kind: percentiles(v) for kind, v in by_kind.items()}
                           for path, by_kind in timings.items()},
            "hits_returned": hits_checked,
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                        "opensearch": client.info()["version"]["number"]},
        }
        mizan95, raw95 = report["latency_ms"]["mizan"]["all"]["p95"], report["latency_ms"]["raw"]["all"]["p95"]
        report["targets"] = {"bulk_docs_per_s>=5000": rate >= 5000, "mizan_p95<=1.3x_raw": mizan95 <= 1.3 * raw95,
                             "mizan_p95<=50ms": mizan95 <= 50, "ratio_p95": round(mizan95 / raw95, 3)}
        write_results(report)
    finally:
        if not ns.keep:
            drop_old_indices(client, keep=set())
    return 0


def write_results(report: dict[str, Any]) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    stem = f"search-{datetime.now(UTC):%Y-%m-%d}-{report['docs']}"
    Path(RESULTS / f"{stem}.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    rows = ["| query | Mizan p50 | Mizan p95 | Mizan p99 | raw p50 | raw p95 | raw p99 |",
            "|---|---|---|---|---|---|---|"]
    for kind in report["latency_ms"]["mizan"]:
        m, r = report["latency_ms"]["mizan"][kind], report["latency_ms"]["raw"][kind]
        rows.append(f"| {kind} | {m['p50']} | {m['p95']} | {m['p99']} | {r['p50']} | {r['p95']} | {r['p99']} |")
    markdown = "\n".join([
        f"# Search benchmark, {report['docs']:,} case files ({report['at'][:10]})", "",
        f"- bulk indexing: **{report['bulk_docs_per_s']:,} docs/s** ({report['bulk_seconds']} s, "
        f"{report['bulk_threads']} concurrent bulk requests of {CHUNK}); index {report['index_size_mb']} MB",
        f"- streamed generation: {report['docs'] > PREBUILD} (when true, the rate includes generating the files)",
        f"- {report['queries']} queries per path after 200 warm-up; latencies in ms (client-side, in-process)",
        f"- targets: {report['targets']}", "", *rows, ""])
    Path(RESULTS / f"{stem}.md").write_text(markdown)
    print(markdown)
