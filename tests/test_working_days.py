"""Working days and appointment dates: weekends, Tết, the government's swaps, the 15:00
cut-off and a province's own days off, in the calendar module, `kiosk due-date`, overdue
dossiers and the reference API's appointments."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
import requests
from catalogue_samples import catalogue, procedure

from kiosk.catalogue.dossier import Dossier
from kiosk.catalogue.model import Catalogue
from kiosk.catalogue.working_days import (
    VIETNAM,
    Calendar,
    add_working_days,
    due_date,
    holiday_name,
    is_working_day,
    start_day,
)
from kiosk.config import ConfigError, parse_config
from kiosk.server.catalogue_files import DEMO_API_KEY, demo_dossiers
from kiosk.server.db import ServerDB
from kiosk.server.run import start_in_thread


def test_weekends_are_not_working_days() -> None:
    # the case: one working day, sent Thursday 03/12/2026, is due Friday, not Sunday
    assert due_date(datetime(2026, 12, 3, 9, 30), 1) == date(2026, 12, 4)
    assert due_date(datetime(2026, 12, 4, 9, 30), 1) == date(2026, 12, 7)  # Fri -> Mon
    assert not is_working_day(date(2026, 12, 5)) and not is_working_day(date(2026, 12, 6))
    assert due_date(date(2026, 12, 3), 5) == date(2026, 12, 10)


def test_tet_and_the_other_public_holidays_are_skipped() -> None:
    # Tết Bính Ngọ: 16-20/02/2026 off, so Friday 13/02 + 1 working day is Monday 23/02
    assert holiday_name(date(2026, 2, 17)) == "Tết Nguyên Đán"
    assert due_date(datetime(2026, 2, 13, 10, 0), 1) == date(2026, 2, 23)
    # 30/4 and 1/5 (Thu, Fri) then the weekend
    assert due_date(date(2026, 4, 29), 1) == date(2026, 5, 4)
    # Giỗ Tổ falls on Sunday 26/04/2026 and is made up on Monday 27/04
    assert not is_working_day(date(2026, 4, 27))
    # Ngày Văn hoá Việt Nam, 24/11 from 2026
    assert not is_working_day(date(2026, 11, 24))
    assert is_working_day(date(2025, 11, 24))


def test_an_official_swap_makes_a_saturday_a_working_day() -> None:
    # Saturday 22/08/2026 is worked in exchange for Monday 31/08/2026 off
    assert is_working_day(date(2026, 8, 22)) and not is_working_day(date(2026, 8, 31))
    assert due_date(datetime(2026, 8, 21, 9, 0), 1) == date(2026, 8, 22)
    assert due_date(datetime(2026, 8, 28, 9, 0), 1) == date(2026, 9, 3)  # 31/8, 1-2/9 off


def test_received_after_three_or_on_a_day_off_counts_from_the_next_working_day() -> None:
    assert start_day(datetime(2026, 12, 3, 14, 59)) == date(2026, 12, 3)
    assert start_day(datetime(2026, 12, 3, 15, 0)) == date(2026, 12, 4)
    assert start_day(datetime(2026, 12, 4, 16, 0)) == date(2026, 12, 7)
    assert start_day(date(2026, 12, 6)) == date(2026, 12, 7)
    # N = 0 is the start day itself
    assert due_date(datetime(2026, 12, 3, 16, 0), 0) == date(2026, 12, 4)
    assert due_date(datetime(2026, 12, 5, 9, 0), 0) == date(2026, 12, 7)
    assert due_date(datetime(2026, 12, 3, 15, 30), 1) == date(2026, 12, 7)


def test_other_units_never_end_on_a_day_off() -> None:
    assert due_date(date(2026, 12, 3), 3, "day") == date(2026, 12, 7)  # Sun 6/12 -> Mon
    assert due_date(date(2026, 12, 3), 16, "hour") == date(2026, 12, 7)  # two working days
    assert due_date(date(2026, 1, 30), 1, "month") == date(2026, 3, 2)  # 28/02 is Saturday
    for start in (date(2026, 1, 1) + timedelta(days=n) for n in range(0, 365, 7)):
        for unit in ("working_day", "day", "hour", "month"):
            assert is_working_day(due_date(start, 2, unit))
    with pytest.raises(ValueError, match="unknown time unit"):
        due_date(date(2026, 12, 3), 1, "week")


def test_the_province_adds_days_off_and_working_days() -> None:
    own = Calendar.of(days_off=["2026-12-04"], working_days=["2026-12-05"], cutoff="16:30")
    assert due_date(datetime(2026, 12, 3, 16, 0), 1, calendar=own) == date(2026, 12, 5)
    assert due_date(datetime(2026, 12, 3, 16, 0), 1) == date(2026, 12, 7)
    assert add_working_days(date(2026, 12, 3), 2, own) == date(2026, 12, 7)
    with pytest.raises(ValueError, match="not a date"):
        Calendar.of(days_off=["04/12/2026"])


def test_the_config_has_a_calendar_section() -> None:
    config = parse_config('[calendar]\ndays_off = ["2026-12-31"]\ncutoff = "16:00"\n')
    assert config.working_calendar == Calendar(frozenset({date(2026, 12, 31)}),
                                               frozenset(), datetime(1, 1, 1, 16).time())
    assert parse_config("").working_calendar == VIETNAM
    with pytest.raises(ConfigError) as bad:
        parse_config('[calendar]\ndays_off = ["31/12/2026"]\nworking_days = ["2026-01-02"]'
                     '\ncutoff = "3pm"\n')
    assert "31/12/2026" in str(bad.value)
    with pytest.raises(ConfigError, match="share 2026-12-31"):
        parse_config('[calendar]\ndays_off = ["2026-12-31"]\nworking_days = ["2026-12-31"]\n')


def test_the_example_config_documents_the_calendar() -> None:
    text = (Path(__file__).resolve().parents[1] / "config" / "kiosk.toml").read_text()
    assert "[calendar]" in text and parse_config(text).working_calendar == VIETNAM


def test_overdue_counts_working_days_and_an_appointment_on_a_day_off_moves() -> None:
    def dossier(appointment: str) -> Dossier:
        return Dossier.from_dict({
            "code": "000.00.20.H29-261201-0001", "procedure_code": "1.001193",
            "applicant_name": "Nguyễn Văn An", "status": 4, "received": "2026-12-01",
            "appointment": appointment})

    friday, sunday = dossier("2026-12-04"), dossier("2026-12-06")
    assert friday.is_overdue(date(2026, 12, 5)) and friday.days_late(date(2026, 12, 7)) == 1
    # an appointment set on Sunday is kept on Monday: not late on Monday
    assert not sunday.is_overdue(date(2026, 12, 7)) and sunday.is_overdue(date(2026, 12, 8))
    own = Calendar.of(days_off=["2026-12-07"])
    assert not sunday.is_overdue(date(2026, 12, 8), own)


def run_due_date(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kiosk.cli.main", "due-date", *args],
                          capture_output=True, text=True, timeout=60)


def test_the_due_date_command() -> None:
    assert run_due_date("2026-12-03", "1").stdout == "2026-12-04\n"
    assert run_due_date("2026-12-03T15:10", "1").stdout == "2026-12-07\n"
    assert run_due_date("2026-12-03", "3", "--unit", "day").stdout == "2026-12-07\n"
    bad = run_due_date("03/12/2026", "1")
    assert bad.returncode != 0 and "2026-12-03T16:10" in bad.stderr


def online_catalogue(days: int) -> Catalogue:
    return Catalogue.from_dict(catalogue(procedure(
        "1.000894", "Đăng ký kết hôn", online_level="full",
        channels=[{"method": "in_person", "time": 30, "time_unit": "working_day"},
                  {"method": "online", "time": days, "time_unit": "working_day"}])))


@pytest.mark.parametrize("own_days_off", [False, True])
def test_the_reference_api_gives_appointments_on_working_days(
        tmp_path: Path, own_days_off: bool) -> None:
    today = date.today()
    # a province closing the next ten days pushes the appointment past them
    closed = [today + timedelta(days=n) for n in range(1, 11)]
    calendar = Calendar(frozenset(closed)) if own_days_off else VIETNAM
    db = ServerDB(tmp_path / "api.sqlite")
    db.import_catalogue(online_catalogue(2), {})
    db.add_api_key(DEMO_API_KEY, "test-kiosk")
    server = start_in_thread(db, calendar=calendar)
    try:
        answer = requests.post(
            f"{server.base_url}/submissions", timeout=5,
            json={"procedure_code": "1.000894", "agency": "000.00.20.H29",
                  "applicant": {"full_name": "Trần Thị Bình"}},
            headers={"X-Api-Key": DEMO_API_KEY, "Idempotency-Key": "sub-0001-abcdef"})
    finally:
        server.stop()
    assert answer.status_code == 201
    appointment = date.fromisoformat(answer.json()["appointment"])
    received = date.fromisoformat(answer.json()["received"])
    assert is_working_day(appointment, calendar)
    # two working days of the online channel (not the 30 of the counter), from the start
    assert appointment in {due_date(received, 2, calendar=calendar),
                           due_date(datetime.combine(received, datetime.max.time()), 2,
                                    calendar=calendar)}
    if own_days_off:
        assert appointment > closed[-1]


@pytest.mark.parametrize("today", [date(2026, 12, 7), date(2026, 12, 6), date(2026, 2, 23),
                                   date(2026, 8, 24)])
def test_the_demo_dossiers_have_appointments_on_working_days(today: date) -> None:
    dossiers = [d for d, _ in demo_dossiers(today)]
    assert all(is_working_day(d.appointment) for d in dossiers if d.appointment)
    assert sum(d.is_overdue(today) for d in dossiers) >= 5


def test_the_holiday_tables_are_asked_of_another_process() -> None:
    # the `holidays` package loads ~250 countries' calendars: ~15 MB that would stay in
    # the kiosk's process; a year's table comes back from a process of its own, the same
    from kiosk.catalogue.national_holidays import asked_here
    from kiosk.system.holidays_apart import asked_apart

    for year in (2025, 2026):
        assert asked_apart(year) == asked_here(year)
    check = ("import sys, datetime\n"
             "from kiosk.system import holidays_apart\n"
             "from kiosk.catalogue.working_days import holiday_name, is_working_day\n"
             "holidays_apart.use()\n"
             "print(holiday_name(datetime.date(2026, 2, 17)),"
             " is_working_day(datetime.date(2026, 8, 22)), 'holidays' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", check], capture_output=True, check=True,
                          timeout=120)
    assert done.stdout.decode("utf-8").split() == ["Tết", "Nguyên", "Đán", "True", "False"]
