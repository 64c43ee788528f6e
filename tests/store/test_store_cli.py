"""``keepwise import``, ``user add`` and ``serve --demo`` run as a user runs them (real processes)."""

from __future__ import annotations

import contextlib
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx

from keepwise.sample import generate_sample

from datafactory import valid_tables, write_csv_folder

KEEPWISE = [sys.executable, "-m", "keepwise"]


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*KEEPWISE, *args], capture_output=True, text=True, timeout=600,
                          env={**os.environ, **(env or {})})


def _contract_rows(path) -> dict[str, list]:
    with sqlite3.connect(path) as connection:
        return {name: sorted(connection.execute(f'SELECT * FROM "{name}"').fetchall())
                for name in ("customers", "orders", "invoices", "tickets", "engagement", "exit_surveys")}



@contextlib.contextmanager
def _signed_in(base: str, username: str, password: str, tries: int) -> Iterator[httpx.Client]:
    """A client signed in to the server at ``base``, once it answers (polled every 0.2 s, ``tries`` times)."""
    for _ in range(tries):
        try:
            httpx.get(base + "/login", timeout=2)
            break
        except httpx.HTTPError:
            time.sleep(0.2)
    with httpx.Client(base_url=base) as client:
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
        client.post("/login", data={"username": username, "password": password, "csrf_token": csrf})
        yield client

def test_import_twice_keeps_the_data_once_and_two_dated_runs(tmp_path):
    data = tmp_path / "shop"
    generate_sample(data, n_customers=60, seed=5)
    first = run("import", str(data), "--data-dir", str(tmp_path / "dd"), "--as-of", "2026-06-30")
    assert first.returncode == 0, first.stderr
    assert "Assessment run 1 as of 2026-06-30: 60 customers" in first.stdout
    store = tmp_path / "dd" / "store.sqlite"
    once = _contract_rows(store)
    second = run("import", str(data), "--data-dir", str(tmp_path / "dd"), "--as-of", "2026-06-30")
    assert second.returncode == 0 and "Assessment run 2" in second.stdout
    assert _contract_rows(store) == once
    with sqlite3.connect(store) as connection:
        assert connection.execute("SELECT count(*) FROM assessment_runs").fetchone()[0] == 2
        assert connection.execute("SELECT count(*) FROM run_decisions").fetchone()[0] == 120
    # The store is itself a data source: keepwise assess reads it like a folder.
    assessed = run("assess", str(store), "--as-of", "2026-06-30", "--out", str(tmp_path / "a.csv"))
    assert assessed.returncode == 0, assessed.stderr
    assert len((tmp_path / "a.csv").read_text().splitlines()) == 61


def test_user_add_refuses_a_short_password_and_a_duplicate(tmp_path):
    args = ("user", "add", "sam", "--role", "manager", "--password-env", "PW", "--data-dir", str(tmp_path))
    assert run(*args, env={"PW": "short"}).returncode == 2
    created = run(*args, env={"PW": "a long enough password"})
    assert created.returncode == 0 and "sam (manager) created" in created.stdout
    again = run(*args, env={"PW": "a long enough password"})
    assert again.returncode == 2 and "already exists" in again.stderr
    bad_role = run("user", "add", "kim", "--role", "boss", "--password-env", "PW", "--data-dir", str(tmp_path),
                   env={"PW": "a long enough password"})
    assert bad_role.returncode == 2 and "role must be one of" in bad_role.stderr


def test_serve_demo_starts_on_the_sample_with_a_one_time_admin_password(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "KEEPWISE_DATABASE_URL": ""}
    server = subprocess.Popen([*KEEPWISE, "serve", "--demo", "--port", str(port), "--data-dir", str(tmp_path / "dd")],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    try:
        output = ""
        deadline = time.monotonic() + 400
        while "serving on" not in output:
            line = server.stdout.readline()
            assert line or server.poll() is None, output
            output += line
            assert time.monotonic() < deadline, output
        assert f"Data directory: {tmp_path / 'dd'}" in output
        password = re.search(r"one-time password (\S+)", output).group(1)
        with _signed_in(f"http://127.0.0.1:{port}", "demo", password, tries=100) as client:
            home = client.get("/")
            assert home.status_code == 200 and "Assessment of" in home.text and "/worklists/" in home.text
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_import_of_the_contract_tables_factory_works_through_the_cli(tmp_path):
    folder = write_csv_folder(tmp_path / "data", valid_tables())
    result = run("import", str(folder), "--data-dir", str(tmp_path / "dd"), "--as-of", "2024-08-31")
    assert result.returncode == 0, result.stderr
    assert "exit_surveys: 1 rows imported" in result.stdout


def test_serve_with_two_workers_shares_the_store_the_settings_file_and_the_sessions(tmp_path):
    folder = write_csv_folder(tmp_path / "data", valid_tables())
    data_dir = str(tmp_path / "dd")
    env = {"KEEPWISE_DATABASE_URL": "", "PW": "a long enough password"}
    assert run("import", str(folder), "--data-dir", data_dir, "--as-of", "2024-08-31", env=env).returncode == 0
    assert run("user", "add", "ann", "--role", "admin", "--password-env", "PW", "--data-dir", data_dir,
               env=env).returncode == 0
    token = run("user", "token", "ann", "--data-dir", data_dir, env=env).stdout.strip()
    config = tmp_path / "keepwise.toml"
    config.write_text("[app]\nmax_page_size = 3\n", encoding="utf-8")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([*KEEPWISE, "serve", "--workers", "2", "--port", str(port), "--data-dir", data_dir,
                               "--config", str(config)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              env={**os.environ, **env})
    try:
        assert "(2 workers)" in server.stdout.readline() + server.stdout.readline() + server.stdout.readline()
        base = f"http://127.0.0.1:{port}"
        with _signed_in(base, "ann", env["PW"], tries=300) as client:
            # Whichever worker answers, the session signed by another is valid (one secret for all).
            assert [client.get("/").status_code for _ in range(12)] == [200] * 12
        api = httpx.get(base + "/api/customers?per_page=50", headers={"Authorization": f"Bearer {token}"})
        assert api.status_code == 200 and api.json()["per_page"] == 3  # the settings file reached the workers
    finally:
        server.terminate()
        server.wait(timeout=30)
