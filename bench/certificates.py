"""`mizan bench certificates`: clean-record certificates end to end, through the running API.

N requests by a citizen with a clean record (citizen2), C at a time, each one `POST
/api/v1/certificates`, which returns once the workflow has computed the record and issued the
certificate (rendered the Arabic PDF, signed it, stored it). Reports requests per second and the
p50/p95/max time to an issued certificate; results go to bench/results/certificates-<time>.{json,md}.
Needs the services and the API (`./mizan up`, or a slot).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from config.settings import ROOT, get_settings
from infra.demo import DEMO_PASSWORD

CITIZEN = "citizen2"
logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request would drown the result


def _token(username: str) -> str:
    settings = get_settings()
    response = httpx.post(f"{settings.issuer}/protocol/openid-connect/token", timeout=30, data={
        "grant_type": "password", "client_id": settings.cli_client_id, "username": username,
        "password": DEMO_PASSWORD})
    response.raise_for_status()
    return str(response.json()["access_token"])


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


async def _run(requests: int, concurrency: int, english: bool) -> dict[str, Any]:
    settings = get_settings()
    headers = {"Authorization": f"Bearer {_token(CITIZEN)}"}
    latencies: list[float] = []
    failures: list[str] = []
    queue: asyncio.Queue[int] = asyncio.Queue()
    for number in range(requests):
        queue.put_nowait(number)

    async def client(http: httpx.AsyncClient) -> None:
        while not queue.empty():
            number = queue.get_nowait()
            started = time.perf_counter()
            response = await http.post("/api/v1/certificates", headers=headers,
                                       json={"purpose": f"قياس الأداء {number}", "english": english})
            elapsed = time.perf_counter() - started
            body = response.json() if response.headers.get("content-type", "").startswith("application/json") else {}
            if response.status_code == 201 and body.get("status") == "issued":
                latencies.append(elapsed)
            else:
                failures.append(f"{response.status_code}: {body.get('status') or response.text[:200]}")

    async with httpx.AsyncClient(base_url=settings.api_url, timeout=120) as http:
        # one request first, not counted: the worker's first PDF loads the font
        warm = await http.post("/api/v1/certificates", headers=headers, json={"purpose": "تهيئة"})
        warm.raise_for_status()
        if warm.json()["status"] != "issued":
            raise SystemExit(f"{CITIZEN}'s record is not clean here (status {warm.json()['status']}): "
                             "the benchmark measures clean records")
        started = time.perf_counter()
        await asyncio.gather(*(client(http) for _ in range(concurrency)))
        wall = time.perf_counter() - started
    return {
        "benchmark": "certificates", "at": datetime.now(UTC).isoformat(), "api": settings.api_url,
        "requests": requests, "concurrency": concurrency, "english_page": english,
        "issued": len(latencies), "failures": failures[:20], "failed": len(failures),
        "wall_seconds": round(wall, 3), "requests_per_second": round(len(latencies) / wall, 2) if wall else 0,
        "issued_p50_ms": round(1000 * statistics.median(latencies), 1) if latencies else None,
        "issued_p95_ms": round(1000 * _percentile(latencies, 0.95), 1) if latencies else None,
        "issued_max_ms": round(1000 * max(latencies), 1) if latencies else None,
    }


def _markdown(result: dict[str, Any]) -> str:
    return "\n".join([
        f"# Certificates benchmark ({result['at']})", "",
        f"{result['requests']} clean-record requests by {CITIZEN}, {result['concurrency']} at a time, "
        f"English page: {result['english_page']}; API {result['api']}.", "",
        "| issued | failed | requests/s | p50 ms | p95 ms | max ms |", "|---|---|---|---|---|---|",
        f"| {result['issued']} | {result['failed']} | {result['requests_per_second']} | {result['issued_p50_ms']} "
        f"| {result['issued_p95_ms']} | {result['issued_max_ms']} |", ""])


def main(args: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mizan bench certificates", description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--english", action="store_true", help="add the English page to every certificate")
    options = parser.parse_args(sys.argv[1:] if args is None else args)
    result = asyncio.run(_run(options.requests, options.concurrency, options.english))
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    stem = out / f"certificates-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}"
    stem.with_suffix(".json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    Path(f"{stem}.md").write_text(_markdown(result), encoding="utf-8")
    print(_markdown(result))
    return 0 if result["failed"] == 0 else 1
