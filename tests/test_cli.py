"""The command line, run as a user runs it: a real process, exit codes, what is printed and written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from keepwise.assess.actions import ACTIONS
from keepwise.assess.lifecycle import STAGES

from datafactory import valid_tables, write_csv_folder

KEEPWISE = [sys.executable, "-m", "keepwise"]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*KEEPWISE, *args], capture_output=True, text=True, timeout=300)


def test_help_lists_every_command_and_version_works():
    result = run("--help")
    assert result.returncode == 0
    for command in ("schema", "validate", "sample", "metrics", "assess", "explain", "clv", "report", "demo"):
        assert command in result.stdout
    assert run("--version").stdout.strip().startswith("keepwise ")


_HEAVY = ("lightgbm", "sklearn", "scipy.stats", "plotly", "keepwise.assess")
# What each command must not import besides _HEAVY: --help needs no settings, data stage or data libraries;
# validate no pandas, models or catalogs; clv fit no catalogs (keepwise.text.translator loads babel and pandas; the
# commands lay their tables out with keepwise.text.terminal, which loads neither).
_NOT_FOR = {
    "--help": ("keepwise.config", "keepwise.data", "keepwise.text", "pandas", "pyarrow", "duckdb", "ibis", "babel"),
    "validate": ("pandas", "keepwise.models", "keepwise.text.translator", "babel", "ibis", "scipy"),
    "clv": ("keepwise.text.translator", "babel"),
}
_MODULES_AFTER = (
    "import sys\nmodules = sys.argv.pop(1).split(',')\nfrom keepwise.cli import app\ntry:\n    app(prog_name='keepwise')\nexcept SystemExit:\n    pass\n"
    "print('loaded:', ','.join(m for m in modules if m in sys.modules))"
)


def test_help_validate_and_clv_fit_load_only_what_they_use(tmp_path):
    folder = write_csv_folder(tmp_path / "d", valid_tables())
    for args in (["--help"], ["validate", str(folder)],
                 ["clv", "fit", str(folder), "--model", "bgnbd", "--calibration-end", "2024-12-31"]):
        absent = ",".join(_HEAVY + _NOT_FOR[args[0]])
        result = subprocess.run([sys.executable, "-c", _MODULES_AFTER, absent, *args], capture_output=True,
                                text=True, timeout=300)
        assert result.stdout.splitlines()[-1] == "loaded: ", (args, result.stdout[-300:], result.stderr)
    # The check sees imports: a module the command does load is reported.
    result = subprocess.run([sys.executable, "-c", _MODULES_AFTER, "keepwise.data,typer", "validate", str(folder)],
                            capture_output=True, text=True, timeout=300)
    assert result.stdout.splitlines()[-1] == "loaded: keepwise.data,typer", result.stdout[-300:]


def test_the_assessment_and_the_loyalty_tiers_import_no_classifier_or_calendar_libraries():
    # What `keepwise assess` imports before it reads data: lightgbm, scikit-learn and scipy.stats come only
    # when a churn model is fitted (models/predict.py), icalendar only when a calendar is written.
    code = ("import sys\nimport keepwise.assess, keepwise.cadence.tiers\n"
            "print('loaded:', ','.join(m for m in ('lightgbm', 'sklearn', 'scipy.stats', 'icalendar') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert result.stdout.splitlines()[-1] == "loaded: ", (result.stdout[-300:], result.stderr)


def test_sample_writes_the_tables_and_prints_their_rows_and_planted_types(tmp_path):
    import csv

    result = run("sample", str(tmp_path / "s"), "--customers", "40", "--seed", "3")
    assert result.returncode == 0, result.stderr
    truth = list(csv.DictReader((tmp_path / "s" / "_truth.csv").open()))
    assert len(truth) == 40
    with (tmp_path / "s" / "orders.csv").open() as handle:
        n_orders = sum(1 for _ in handle) - 1
    assert "_truth.csv" in result.stdout and f"{n_orders:,}" in result.stdout
    assert "SampleResult" not in result.stdout
    first_type = truth[0][next(k for k in truth[0] if k != "customer_id")]
    assert first_type in result.stdout
    # the answer key beside the tables is no table, and no command on the folder says so ("truth.csv: not a
    # keepwise table; ignored" was every command's first line on the sample)
    validated = run("validate", str(tmp_path / "s"), "--as-of", "2026-06-30")
    assert validated.returncode == 0 and "0 warning(s)" in validated.stdout + validated.stderr
    assert "truth" not in validated.stdout + validated.stderr


def test_schema_prints_every_table_from_the_contract():
    from keepwise.data.schema import TABLES

    out = run("schema").stdout
    for table in TABLES.values():
        assert f"## {table.name}" in out
        for column in table.columns:
            assert f"| {column.name} |" in out


def test_validate_bad_date_exits_2_naming_the_cell(tmp_path):
    tables = valid_tables()
    tables["orders"][1]["ordered_at"] = "2025-13-45"
    result = run("validate", str(write_csv_folder(tmp_path / "d", tables)))
    assert result.returncode == 2
    assert "orders.csv, row 2 (line 3), column ordered_at" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_validate_good_data_exits_0(cdnow_dir: Path):
    result = run("validate", str(cdnow_dir))
    assert result.returncode == 0, result.stderr
    assert "6,919" in result.stdout


FAST = "[clv]\nchurn_source = \"bgnbd\"\n[report]\nchurn_classifier = false\n"


def test_assess_writes_the_contract_columns_and_says_where_churn_risk_came_from(tmp_path, cdnow_dir):
    out = tmp_path / "assessment.csv"
    result = run("assess", str(cdnow_dir), "--as-of", "1997-09-30", "--out", str(out), "--verbose")
    assert result.returncode == 0, result.stderr
    # --verbose also gives the wall time of each stage (what benchmarks read through the front door).
    assert "detail: seconds per stage: features " in result.stderr and ", churn reasons " in result.stderr
    import pandas as pd

    table = pd.read_csv(out, dtype={"customer_id": str})
    assert list(table.columns[:10]) == ["customer_id", "action", "priority", "flags", "clv", "p_alive",
                                        "churn_risk", "profit", "cost_to_serve", "reasons"]
    assert len(table) == 2357 and table["customer_id"].is_unique
    assert "Churn risk from" in result.stdout
    assert table["churn_source"].nunique() == 1


def test_assess_on_bad_input_exits_2_and_writes_nothing(tmp_path):
    tables = valid_tables()
    tables["orders"][1]["revenue"] = "-12"
    out = tmp_path / "out" / "assessment.csv"
    result = run("assess", str(write_csv_folder(tmp_path / "d", tables)), "--as-of", "2024-12-31",
                 "--out", str(out))
    assert result.returncode == 2
    assert "orders.csv, row 2 (line 3), column revenue: negative amount" in result.stderr
    assert not out.exists() and not out.parent.exists()


def test_explain_prints_the_dossier_of_one_customer(tmp_path, cdnow_dir):
    config = tmp_path / "keepwise.toml"
    config.write_text(FAST)
    result = run("explain", str(cdnow_dir), "00004", "--as-of", "1997-09-30", "--json", "--config", str(config))
    assert result.returncode == 0, result.stderr
    import json

    dossier = json.loads(result.stdout)
    assert dossier["customer_id"] == "00004"
    assert [event["at"][:10] for event in dossier["timeline"]] == ["1997-01-01", "1997-01-18", "1997-08-02"]
    # The churn source as the assessment's code (the purchase model, as [clv] churn_source sets it); the models'
    # note on it (English) beside it.
    source = dossier["churn_source"]
    assert source in ("bgnbd", "mbgnbd", "pareto-nbd") and dossier["churn_source_detail"].startswith(f"{source}: set by")
    assert dossier["action"] in ACTIONS and dossier["lifecycle"] in STAGES
    unknown = run("explain", str(cdnow_dir), "NOPE", "--as-of", "1997-09-30", "--config", str(config))
    assert unknown.returncode == 2 and "no customer 'NOPE'" in unknown.stderr


def test_report_writes_one_html_file(tmp_path, cdnow_dir):
    config = tmp_path / "keepwise.toml"
    config.write_text(FAST)
    out = tmp_path / "report.html"
    result = run("report", str(cdnow_dir), "--as-of", "1997-09-30", "--out", str(out), "--lang", "fa",
                 "--config", str(config))
    assert result.returncode == 0, result.stderr
    assert out.read_text(encoding="utf-8").count('dir="rtl"') >= 1
    assert result.stdout.startswith(f"گزارش: {out}")
    # Without --lang, the settings' locale's language, as every other command.
    config.write_text(FAST + '[general]\nlocale = "ru_RU"\n')
    result = run("report", str(cdnow_dir), "--as-of", "1997-09-30", "--out", str(out), "--config", str(config))
    assert result.returncode == 0, result.stderr
    assert '<html lang="ru"' in out.read_text(encoding="utf-8") and result.stdout.startswith(f"Отчёт: {out}")


def test_unknown_setting_is_a_clear_error(tmp_path, cdnow_dir):
    config = tmp_path / "keepwise.toml"
    config.write_text("[costs]\nchange_requests = 3\n")
    result = run("metrics", str(cdnow_dir), "--as-of", "1997-09-30", "--config", str(config))
    assert result.returncode == 2
    assert "unknown key 'change_requests' in [costs]" in result.stderr


def test_reasons_in_the_readers_language(tmp_path):
    """Issue 10: explain and assess phrase the reasons in en, fa (Persian digits) or ru."""
    import csv
    import json

    folder = tmp_path / "s"
    assert run("sample", str(folder), "--customers", "300", "--seed", "5").returncode == 0
    truth = list(csv.DictReader((folder / "_truth.csv").open()))
    customer = next(row["customer_id"] for row in truth if row["customer_type"] == "healthy_regular")
    result = run("explain", str(folder), customer, "--as-of", "2026-06-30", "--json", "--lang", "ru")
    assert result.returncode == 0, result.stderr
    dossier = json.loads(result.stdout)
    assert dossier["lang"] == "ru" and dossier["reasons"]
    assert any("а" <= ch <= "я" for ch in " ".join(dossier["reasons"]))
    # The classifier's drivers are phrased in the reader's language too (no English left in them).
    assert dossier["churn_drivers"] and not any("a" <= ch <= "z" for ch in " ".join(dossier["churn_drivers"]))
    out = tmp_path / "fa.csv"
    result = run("assess", str(folder), "--as-of", "2026-06-30", "--out", str(out), "--lang", "fa")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    reasons = " ".join(row["reasons"] for row in rows)
    assert "۰" in reasons or "۱" in reasons
    assert "عوامل ریزش: " in reasons  # the classifier's drivers, in Persian, in every language
    assert not any(ch.isascii() and ch.isdigit() for ch in reasons)
    assert "past_flags" in rows[0] and "transaction_model" in rows[0]
    assert "مدل خرید: " in result.stdout and "Purchase model" not in result.stdout
    assert run("explain", str(folder), customer, "--as-of", "2026-06-30", "--lang", "de").returncode == 2


def test_no_purchase_model_is_said_in_plain_words(tmp_path):
    folder = write_csv_folder(tmp_path / "d", valid_tables())
    result = run("assess", str(folder), "--as-of", "2026-06-30", "--out", str(tmp_path / "a.csv"))
    assert result.returncode == 0, result.stderr
    assert "own buying rhythm" in result.stdout + result.stderr
    assert "likelihood" not in result.stdout + result.stderr


_MAIN_WITH_ATEXIT = (
    "import atexit, sys\nfrom keepwise.cli import main\n"
    "atexit.register(lambda: print('atexit ran', flush=False))\n"
    "sys.argv = ['keepwise', *sys.argv[1:]]\nmain()\nprint('not reached')\n"
)


def test_the_program_ends_after_its_output_and_atexit_handlers_with_the_commands_status(tmp_path):
    # main() ends the process with os._exit: what the command printed (buffered, to a pipe) and what an atexit
    # handler printed still arrive, the status is the command's, and nothing after main() runs.
    folder = write_csv_folder(tmp_path / "shop", valid_tables())
    done = subprocess.run([sys.executable, "-c", _MAIN_WITH_ATEXIT, "validate", str(folder)], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "valid" in done.stdout and done.stdout.rstrip().endswith("atexit ran")
    assert "not reached" not in done.stdout
    bad = subprocess.run([sys.executable, "-c", _MAIN_WITH_ATEXIT, "validate", str(tmp_path / "missing")],
                         capture_output=True, text=True, timeout=300)
    assert bad.returncode == 2
    assert "no such data folder" in bad.stderr and "atexit ran" in bad.stdout
    usage = subprocess.run([sys.executable, "-c", _MAIN_WITH_ATEXIT, "validate"], capture_output=True, text=True,
                           timeout=300)
    assert usage.returncode == 2 and "Missing argument" in usage.stderr


def test_exit_status_is_the_interpreters_for_every_kind_of_system_exit(capsys):
    from keepwise.cli import _exit_status

    assert (_exit_status(None), _exit_status(0), _exit_status(3)) == (0, 0, 3)
    assert _exit_status("stopped: no data") == 1
    assert capsys.readouterr().err == "stopped: no data\n"


def test_a_commands_stages_are_imported_in_the_background_while_the_data_load(tmp_path, monkeypatch):
    from keepwise.cli.common import load_on_engine

    (tmp_path / "modules").mkdir()
    (tmp_path / "modules" / "kw_stage_probe.py").write_text(
        "import threading\nTHREAD = threading.current_thread().name\n")
    monkeypatch.syspath_prepend(str(tmp_path / "modules"))
    folder = write_csv_folder(tmp_path / "shop", valid_tables())
    day, dataset = load_on_engine(str(folder), "2024-12-31", None, None, None,
                                  importing=("kw_stage_probe", "kw_no_such_module"))
    # Loaded as without it; the module was imported by the background thread, and one that cannot be
    # imported is left for the command's own import to report.
    assert dataset.row_count("customers") == len(valid_tables()["customers"])
    probe = sys.modules["kw_stage_probe"]
    assert probe.THREAD == "keepwise-imports"
    assert "kw_no_such_module" not in sys.modules
    monkeypatch.delitem(sys.modules, "kw_stage_probe")


def test_clv_imports_its_fitting_while_the_data_load(tmp_path, monkeypatch, capsys):
    import json
    from datetime import date

    import keepwise.cli.clv as clv

    (tmp_path / "modules").mkdir()
    (tmp_path / "modules" / "kw_fit_probe.py").write_text("import threading\nTHREAD = threading.current_thread().name\n")
    monkeypatch.syspath_prepend(str(tmp_path / "modules"))
    monkeypatch.setattr(clv, "FITTING_MODULES", ("kw_fit_probe", *clv.FITTING_MODULES))
    from keepwise.sample import generate_sample

    generate_sample(tmp_path / "shop", n_customers=400, seed=5, as_of=date(2026, 6, 30))
    clv.clv_fit(str(tmp_path / "shop"), "bgnbd", "2026-06-30", "day", as_json=True)
    fitted = json.loads(capsys.readouterr().out)
    assert fitted["model"] == "bgnbd" and fitted["n_customers"] > 0
    assert sys.modules["kw_fit_probe"].THREAD == "keepwise-imports"
    monkeypatch.delitem(sys.modules, "kw_fit_probe")


_IMPORTED_AFTER_LOAD = (
    "import sys, atexit, contextlib\nimport keepwise.cli.common as common\nloaded = set()\n"
    "meanwhile = common.imported_meanwhile\n"
    "@contextlib.contextmanager\ndef spy(modules):\n    with meanwhile(modules):\n        yield\n"
    "    loaded.update(sys.modules)\n"
    "common.imported_meanwhile = spy\n"
    "atexit.register(lambda: print('after:', ','.join(sorted(set(sys.modules) - loaded))))\n"
    "atexit.register(lambda: print('never:', ','.join(m for m in ('sklearn', 'scipy.stats') if m not in sys.modules)))\n"
    "from keepwise.cli import main\nsys.argv = ['keepwise', *sys.argv[1:]]\nmain()\n"
)


def _assess_sample_with(code: str, folder: Path) -> subprocess.CompletedProcess:
    """``keepwise assess`` of a 400-customer sample business, as ``code`` (which ends by calling ``main``) runs
    it in a process of its own; the assessment is ``folder / "a.csv"``."""
    from datetime import date

    from keepwise.sample import generate_sample

    generate_sample(folder / "shop", n_customers=400, seed=5, as_of=date(2026, 6, 30))
    result = subprocess.run([sys.executable, "-c", code, "assess", str(folder / "shop"), "--as-of", "2026-06-30",
                             "--out", str(folder / "a.csv")], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-500:]
    return result


def test_assess_imports_its_stages_libraries_while_the_data_load(tmp_path):
    # cli.analysis.ASSESS_MODULES is kept by hand: what assess imports after loading must hold none of its
    # stages or their libraries (a module missing there would be imported later, on the main thread alone).
    result = _assess_sample_with(_IMPORTED_AFTER_LOAD, tmp_path)
    # atexit runs its handlers last registered first
    never, after = result.stdout.splitlines()[-2:]
    # scikit-learn (and the scipy.stats it imports: ~0.5 s) is never imported: models.boosting keeps LightGBM
    # from importing it, and keepwise's own isotonic fit and scores replace it.
    assert never == "never: sklearn,scipy.stats", never
    after = after.removeprefix("after: ").split(",")
    late = [m for m in after if m.split(".")[0] in ("lightgbm", "sklearn", "scipy", "numpy")
            or m.startswith(("keepwise.assess", "keepwise.models", "keepwise.cadence", "keepwise.metrics"))]
    assert after and not late, late


_CSV_THREADS = (
    "import sys, atexit\nimport keepwise.data.threads as threads\nimport keepwise.output as output\n"
    "threads.available_cores = lambda root=None: 3\nasked = []\nwrite_csv = output.write_csv\n"
    "def spy(frame, path, threads=1):\n    asked.append(threads)\n    return write_csv(frame, path, threads)\n"
    "output.write_csv = spy\natexit.register(lambda: print('threads:', asked))\n"
    "from keepwise.cli import main\nsys.argv = ['keepwise', *sys.argv[1:]]\nmain()\n"
)


def test_assess_writes_its_csv_on_as_many_threads_as_the_cores_by_default(tmp_path):
    # [engine] text_threads = 0, the default: the CSV file's slices are made on one thread per core (3 made up)
    result = _assess_sample_with(_CSV_THREADS, tmp_path)
    assert result.stdout.splitlines()[-1] == "threads: [3]"
    assert (tmp_path / "a.csv").read_text(encoding="utf-8").count("\n") > 400
