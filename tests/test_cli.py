"""The `kiosk` command as an operator runs it: real processes, real server, real files."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from catalogue_samples import catalogue
from conftest import write_config

from kiosk.server.run import RunningServer

KIOSK = [sys.executable, "-m", "kiosk.cli.main"]


def kiosk(*args: str, stdin: str | None = None, env: dict[str, str] | None = None
          ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*KIOSK, *args], capture_output=True, text=True, input=stdin,
                          timeout=60, env={**os.environ, **(env or {})})


@pytest.fixture(scope="module")
def synced(demo_api: RunningServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli")
    config = write_config(folder / "kiosk.toml", demo_api.base_url, folder / "data")
    done = kiosk("sync", "--config", str(config))
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.strip().splitlines()) == 1
    assert "full sync" in done.stdout
    return config


def test_sync_twice_says_unchanged(synced: Path) -> None:
    done = kiosk("sync", "--config", str(synced))
    assert done.returncode == 0 and done.stdout.startswith("catalogue unchanged")


@pytest.mark.parametrize(("query", "first"), [
    ("dang ky khai sinh", "1.001193"), ("đăng kí kết hôn", "1.000894"),
    ("khai sinh cho con", "1.001193"), ("chung thuc ban sao", "2.000815"),
    ("ho kinh doanh", "1.001612"), ("sao y", "2.000815"), ("dang ky khai tu", "1.000656"),
    ("dang ky lai khai sinh", "1.004884"), ("trich luc ho tich", "2.000635"),
    ("chung thuc chu ky", "2.000884"), ("thay doi noi dung ho kinh doanh", "2.000720"),
    ("dang ki khia sinh", "1.001193"),  # one typo in a word
    ("DANG KY KET HON", "1.000894"),
])
def test_search_finds_the_procedure_first(synced: Path, query: str, first: str) -> None:
    done = kiosk("search", query, "--json", "--config", str(synced))
    assert done.returncode == 0, done.stderr
    hits = json.loads(done.stdout)
    assert hits and hits[0]["code"] == first, [h["name"] for h in hits[:5]]
    assert set(hits[0]) == {"code", "name", "field", "score"}


def test_search_as_typed_finds_it_before_the_word_is_finished(synced: Path) -> None:
    typed = "dang ky khai si"
    done = kiosk("search", "--stdin", "--limit", "3", "--config", str(synced),
                 stdin="\n".join(typed[:n] for n in range(1, len(typed) + 1)) + "\n")
    lines = done.stdout.strip().splitlines()
    assert len(lines) == len(typed)
    assert json.loads(lines[-1])[0]["code"] == "1.001193"
    assert all(len(json.loads(line)) <= 3 for line in lines)


def test_common_words_do_not_drown_the_result(synced: Path) -> None:
    done = kiosk("search", "thủ tục cấp giấy đăng ký kết hôn", "--json", "--config",
                 str(synced))
    assert json.loads(done.stdout)[0]["code"] == "1.000894"


def test_search_prints_plain_lines_and_an_empty_result(synced: Path) -> None:
    done = kiosk("search", "dang ky khai sinh", "--limit", "2", "--config", str(synced))
    assert done.stdout.splitlines()[0].startswith("1.001193")
    assert len(done.stdout.splitlines()) == 2
    nothing = kiosk("search", "qqqqzzzz", "--config", str(synced))
    assert nothing.returncode == 0 and "no procedure matches" in nothing.stdout


def test_failures_are_one_line_without_traceback(tmp_path: Path, synced: Path) -> None:
    refused = write_config(tmp_path / "refused.toml", "http://127.0.0.1:9/v1", tmp_path / "d")
    done = kiosk("sync", "--config", str(refused))
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert "connection refused" in done.stderr
    no_store = kiosk("search", "khai sinh", "--config", str(refused))
    assert no_store.returncode == 1 and "run `kiosk sync`" in no_store.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text('[api]\nbase_urll = "x"\n', encoding="utf-8")
    done = kiosk("sync", "--config", str(bad))
    assert done.returncode == 2 and "api.base_urll" in done.stderr
    wrong_key = write_config(tmp_path / "key.toml", synced.read_text().split('base_url = "')[1]
                             .split('"')[0], tmp_path / "d2", key="not-the-key")
    done = kiosk("sync", "--config", str(wrong_key))
    assert done.returncode == 1 and "refused this kiosk's key" in done.stderr


def test_env_overrides_choose_server_and_data(synced: Path, demo_api: RunningServer,
                                              tmp_path: Path) -> None:
    env = {"KIOSK_CONFIG": str(synced), "KIOSK_DATA_DIR": str(tmp_path / "other"),
           "KIOSK_API_URL": demo_api.base_url}
    done = kiosk("sync", env=env)
    assert done.returncode == 0 and (tmp_path / "other" / "catalogue.sqlite").exists()


def test_import_catalogue_and_serve(tmp_path: Path) -> None:
    file = tmp_path / "province.json"
    file.write_text(json.dumps(catalogue(), ensure_ascii=False), encoding="utf-8")
    done = kiosk("import-catalogue", str(file), "--db", str(tmp_path / "api.sqlite"))
    assert done.returncode == 0, done.stderr
    assert "1 new" in done.stdout
    broken = tmp_path / "broken.json"
    data = catalogue()
    data["procedures"][0]["channels"][0]["time_unit"] = "fortnight"
    broken.write_text(json.dumps(data), encoding="utf-8")
    done = kiosk("import-catalogue", str(broken), "--db", str(tmp_path / "api.sqlite"))
    assert done.returncode == 1
    assert "procedures[0].channels[0].time_unit" in done.stderr and "Traceback" not in done.stderr


def test_import_catalogue_lists_every_problem_at_once(tmp_path: Path) -> None:
    data = catalogue()
    data["procedures"][0]["channels"][0]["time_unit"] = "fortnight"
    data["procedures"][0]["updated_at"] = "yesterday"
    data["procedures"].append(dict(data["procedures"][0], code="1.001193", name="Bản sao",
                                   updated_at="2025-07-01T00:00:00+07:00"))
    del data["procedures"][1]["channels"]
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(data), encoding="utf-8")
    db = tmp_path / "api.sqlite"
    done = kiosk("import-catalogue", str(broken), "--db", str(db))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.splitlines() == [
        f"{broken}: procedures[0].channels[0].time_unit: must be one of working_day, day, "
        "hour, month",
        f"{broken}: procedures[0].updated_at: must be an ISO 8601 time with a UTC offset",
        f"{broken}: procedures[1].channels: is missing",
        f"kiosk import-catalogue: {broken}: nothing imported; problems found: 3, each on a "
        "line above"]
    assert not db.exists()


def test_help_texts_list_every_command() -> None:
    done = kiosk("--help")
    for command in ("demo", "run", "serve-api", "import-catalogue", "sync", "search",
                    "add-kiosk", "hash-pin", "scan", "status"):
        assert command in done.stdout


def test_demo_starts_the_api_syncs_and_summarises(tmp_path: Path) -> None:
    done = kiosk("demo", env={"DISPLAY": "", "WAYLAND_DISPLAY": "",
                              "KIOSK_DATA_DIR": str(tmp_path / "demo")})
    assert done.returncode == 0, done.stderr
    synced = re.search(r"full sync: (\d+) procedures", done.stdout)
    assert synced and int(synced.group(1)) >= 60
    assert "scripts/dev tour" in done.stdout  # no display here: it says so
    assert (tmp_path / "demo" / "catalogue.sqlite").exists()


def test_show_prints_the_procedure_as_the_detail_screen(synced: Path) -> None:
    done = kiosk("show", "1.001193", "--json", "--config", str(synced))
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout)
    assert (shown["code"], shown["fields"], shown["levels"]) == ("1.001193", ["Hộ tịch"],
                                                                 ["commune"])
    forms = [f for case in shown["cases"] for c in case["components"] for f in c["forms"]]
    assert forms and all(f["available"] for f in forms)  # the sync fetched them
    text = kiosk("show", "1.001193", "--config", str(synced))
    assert text.stdout.splitlines()[0] == "Đăng ký khai sinh"
    for heading in ("Kết quả nhận được", "Giấy tờ cần mang theo"):
        assert heading in text.stdout
