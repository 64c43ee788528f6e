"""Load on the staff app over PostgreSQL: a worklist, the customer page and /api/customers.

    .venv/bin/python benchmarks/web.py [--customers 100000] [--requests 300] [--concurrency 4] [--workers 1] [--reuse]

Setup: a generated business of N customers is imported by ``keepwise import`` (a subprocess, timed: validate,
write into a PostgreSQL store, assess the store, keep the run) into schema ``keepwise_bench`` of
$KEEPWISE_BENCH_PG, default postgresql://postgres@127.0.0.1:5432/test; ``--reuse`` keeps a store already set
up. Then ``keepwise serve --workers N`` runs in its own
process on loopback, and this process sends a fixed number of requests per endpoint (httpx, a few
threads), logged in as an admin (cookie for the pages, a bearer token for the API). It prints p50, p95,
max and errors per endpoint; it never asserts. Target: p95 < 200 ms each, zero errors.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import httpx
import psycopg

from keepwise.sample import generate_sample

AS_OF = date(2026, 6, 30)
SCHEMA = "keepwise_bench"
PASSWORD = "benchmark password"


def _store_url(base: str) -> str:
    return f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{SCHEMA}"


def _keepwise(*arguments: str, **options) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "keepwise", *arguments], text=True, check=True, **options)


def setup(base: str, customers: int, reuse: bool, data_dir: str) -> str:
    url = _store_url(base)
    with psycopg.connect(base, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM information_schema.schemata WHERE schema_name = %s", (SCHEMA,)).fetchone()
        if exists and reuse:
            return url
        admin.execute(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE')
        admin.execute(f'CREATE SCHEMA "{SCHEMA}"')
    with tempfile.TemporaryDirectory() as folder:
        clock = time.perf_counter()
        sample = generate_sample(Path(folder) / "data", customers, 7, AS_OF)
        print(f"generated {customers:,} customers in {time.perf_counter() - clock:.0f} s: "
              + ", ".join(f"{n} {c:,}" for n, c in sample.row_counts.items()), flush=True)
        # Through the front door, as a user imports: validate, upsert, assess the store, keep the run.
        clock = time.perf_counter()
        _keepwise("import", str(sample.out_dir), "--as-of", AS_OF.isoformat(), "--store", url, "--data-dir", data_dir,
                  stdout=subprocess.DEVNULL)
        print(f"`keepwise import` (validate, write into PostgreSQL, assess the store, keep the run) took "
              f"{time.perf_counter() - clock:.0f} s", flush=True)
    _keepwise("user", "add", "bench", "--role", "admin", "--password-env", "KEEPWISE_BENCH_PASSWORD", "--store", url,
              "--data-dir", data_dir, env={**os.environ, "KEEPWISE_BENCH_PASSWORD": PASSWORD},
              stdout=subprocess.DEVNULL)
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("ANALYZE")
    return url


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(base: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("the server stopped: " + (server.stderr.read() if server.stderr else ""))
        try:
            httpx.get(base + "/login", timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.3)
    raise SystemExit("the server did not start in 120 s")


def _timed(client: httpx.Client, url: str) -> tuple[float, bool]:
    clock = time.perf_counter()
    try:
        response = client.get(url)
        ok = response.status_code == 200
    except httpx.HTTPError:
        ok = False
    return (time.perf_counter() - clock) * 1000, ok


def load(base: str, url: str, requests: int, concurrency: int, data_dir: str) -> dict[str, tuple]:
    token = subprocess.run([sys.executable, "-m", "keepwise", "user", "token", "bench", "--store", url,
                            "--data-dir", data_dir], capture_output=True, text=True, check=True).stdout.strip()
    pages = httpx.Client(base_url=base, timeout=30)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', pages.get("/login").text).group(1)
    pages.post("/login", data={"username": "bench", "password": PASSWORD, "csrf_token": csrf})
    api = httpx.Client(base_url=base, timeout=30, headers={"Authorization": f"Bearer {token}"})
    counts = api.get("/api/worklists").json()
    action = max(counts, key=counts.get)
    first = api.get("/api/customers", params={"per_page": 200}).json()["items"]
    customer_ids = [row["customer_id"] for row in first]
    rng = random.Random(1)
    pages_of_list = max(1, counts[action] // 50)
    endpoints = {
        f"worklist /worklists/{action} ({counts[action]:,} customers, random page)":
            (pages, lambda: f"/worklists/{action}?page={rng.randint(1, min(pages_of_list, 100))}"),
        "customer page /customers/{id}": (pages, lambda: f"/customers/{rng.choice(customer_ids)}"),
        "API /api/customers (random page of 50)": (api, lambda: f"/api/customers?page={rng.randint(1, 100)}&per_page=50"),
    }
    results = {}
    for name, (client, make) in endpoints.items():
        for _ in range(10):  # warm-up, not counted
            _timed(client, make())
        urls = [make() for _ in range(requests)]
        clock = time.perf_counter()
        with ThreadPoolExecutor(concurrency) as pool:
            timings = list(pool.map(lambda u, c=client: _timed(c, u), urls))
        wall = time.perf_counter() - clock
        millis = sorted(t for t, _ in timings)
        errors = sum(not ok for _, ok in timings)
        p95 = millis[int(0.95 * (len(millis) - 1))]
        results[name] = (statistics.median(millis), p95, millis[-1], errors, len(urls) / wall)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300, help="requests per endpoint")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--reuse", action="store_true", help="keep a store already set up by an earlier run")
    parser.add_argument("--workers", type=int, default=1, help="worker processes of keepwise serve")
    args = parser.parse_args()
    base_url = os.environ.get("KEEPWISE_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")
    port = _port()
    with tempfile.TemporaryDirectory() as data_dir:
        url = setup(base_url, args.customers, args.reuse, data_dir)
        server = subprocess.Popen([sys.executable, "-m", "keepwise", "serve", "--host", "127.0.0.1", "--port", str(port),
                                   "--store", url, "--data-dir", data_dir, "--workers", str(args.workers)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            base = f"http://127.0.0.1:{port}"
            _wait(base, server)
            load_before = f"{os.getloadavg()[0]:.1f}"
            results = load(base, url, args.requests, args.concurrency, data_dir)
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(f"\n{args.customers:,} customers in PostgreSQL; {args.requests} requests per endpoint, "
          f"{args.concurrency} concurrent, {args.workers} uvicorn worker(s); load average before the load "
          f"{load_before}, after {os.getloadavg()[0]:.1f}\n")
    print("| endpoint | p50 ms | p95 ms | max ms | errors | requests/s |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, (p50, p95, worst, errors, rate) in results.items():
        print(f"| {name} | {p50:.0f} | {p95:.0f} | {worst:.0f} | {errors} | {rate:.0f} |")


if __name__ == "__main__":
    main()
