"""Taking a queue number and calling a staff member, in the real app against the reference
server; and what a person is told when the central API cannot be reached."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from api_process import free_port
from support.driver import Driver

from kiosk import i18n
from kiosk.store.central_api import CentralApi
from kiosk.store.client import ApiClient, ClientSettings
from kiosk.store.queue_numbers import QueueTicket, call_next, service_areas
from kiosk.store.staff_calls import staff_calls


def texts(driver: Driver) -> list[str]:
    return [str(getattr(w, "text", "")) for w in driver.widgets()]


PrinterHook = Callable[[QueueTicket], None]


@pytest.fixture
def ticket_printer(driver: Driver) -> Iterator[Callable[[PrinterHook], None]]:
    """Sets the printer's hook, as configured; the fixture takes it off after the test."""
    services = driver.app.services

    def set_hook(hook: PrinterHook) -> None:
        services.queue_ticket_printer = hook

    yield set_hook
    services.queue_ticket_printer = None


@contextmanager
def central_api_gone(driver: Driver, says_online: bool) -> Iterator[None]:
    """The kiosk's central API at a port nobody listens on; the network check says
    `says_online` (it can be right, or not yet have noticed)."""
    services = driver.app.services
    was_api, was_online = services.api, services.connectivity.online
    settings = ClientSettings.from_config(services.config)
    dead = ClientSettings(f"http://127.0.0.1:{free_port()}/v1", settings.key,
                          settings.kiosk_id, 1.0, 1.0, 2.0, 0)
    services.__dict__["api"] = CentralApi(ApiClient(dead))
    services.connectivity.online = says_online
    try:
        yield
    finally:
        services.__dict__["api"] = was_api
        services.connectivity.online = was_online


def test_a_person_takes_a_number_for_an_area_and_sees_who_waits_before_them(
        driver: Driver, ticket_printer: Callable[[PrinterHook], None]) -> None:
    app = driver.app
    client = app.services.api.client
    before = {a.code: a.waiting for a in service_areas(client)}["DD"]
    printed: list[QueueTicket] = []
    ticket_printer(printed.append)
    driver.tap("home:queue")
    assert driver.until(lambda: app.screen.state == "areas", 10)
    assert {w for w in ("queue:area:HT", "queue:area:DD") if driver.exists(w)} == \
        {"queue:area:HT", "queue:area:DD"}
    driver.tap("queue:area:DD")
    assert driver.until(lambda: app.screen.state == "ticket", 10)
    ticket = app.screen.ticket
    assert driver.until(lambda: app.screen.printed is not None, 10)
    assert ticket.area_name == "Đất đai – Xây dựng" and ticket.counters == ("3",)
    assert ticket.waiting == before  # everyone taken before and not yet called
    assert printed == [ticket]
    shown = texts(driver)
    assert f"{ticket.number:03d}" in shown
    assert i18n._("Your ticket is printing below the screen.") in shown
    # the counter calls until this number comes up: it is the one the screen showed
    called = [call_next(client, "DD", "3").number for _ in range(before + 1)]
    assert called[-1] == ticket.number
    driver.tap("queue:done")
    assert app.screens.current == "home"


def test_without_a_printer_the_person_is_asked_to_remember_the_number(
        driver: Driver, ticket_printer: Callable[[PrinterHook], None]) -> None:
    app = driver.app
    remember = i18n._("Please remember your number: watch the display and listen for it to "
                      "be called.")
    driver.tap("home:queue")
    assert driver.until(lambda: app.screen.state == "areas", 10)
    driver.tap("queue:area:CT")
    assert driver.until(lambda: app.screen.state == "ticket", 10)
    assert remember in texts(driver)
    assert i18n._("The ticket could not be printed.") not in texts(driver)

    def out_of_paper(_ticket: QueueTicket) -> None:
        raise OSError("paper out")

    ticket_printer(out_of_paper)
    app.home()
    driver.tap("home:queue")
    assert driver.until(lambda: app.screen.state == "areas", 10)
    driver.tap("queue:area:CT")
    assert driver.until(lambda: app.screen.state == "ticket", 10)
    assert driver.until(lambda: app.screen.printed is False, 10)
    driver.frames(2)
    shown = texts(driver)
    assert i18n._("The ticket could not be printed.") in shown and remember in shown
    assert f"{app.screen.ticket.number:03d}" in shown  # the number stays on screen


def test_a_printer_that_does_not_answer_holds_neither_the_number_nor_the_screen(
        driver: Driver, ticket_printer: Callable[[PrinterHook], None]) -> None:
    """A printer stuck mid-ticket (cable pulled, cover open) takes up to its time-out to
    answer: the number is on the screen meanwhile and the screen answers touches."""
    app = driver.app
    answer = threading.Event()
    started = threading.Event()

    def stuck(_ticket: QueueTicket) -> None:
        started.set()
        answer.wait(30)
        raise OSError("no answer from the printer")

    ticket_printer(stuck)
    driver.tap("home:queue")
    assert driver.until(lambda: app.screen.state == "areas", 10)
    driver.tap("queue:area:HT")
    assert driver.until(lambda: app.screen.state == "ticket", 10)
    assert started.wait(10) and app.screen.printed is None  # still printing
    driver.frames(2)
    assert f"{app.screen.ticket.number:03d}" in texts(driver)
    answer.set()
    assert driver.until(lambda: app.screen.printed is False, 10)
    driver.frames(2)
    assert i18n._("The ticket could not be printed.") in texts(driver)
    driver.tap("queue:done")
    assert app.screens.current == "home"


def test_without_the_central_api_there_is_no_number_and_the_desk_is_named(
        driver: Driver) -> None:
    app = driver.app
    with central_api_gone(driver, says_online=False):
        app.tick()
        app.home()
        driver.settle()
        assert not driver.find("home:queue").enabled
        app.go("queue")
        driver.settle()
        assert app.screen.state == "unavailable" and app.screen.ticket is None
        assert i18n._("Queue numbers need the network, which is down now.") in texts(driver)
    app.home()
    driver.tap("home:queue")
    assert driver.until(lambda: app.screen.state == "areas", 10)
    with central_api_gone(driver, says_online=True):  # down since the last network check
        driver.tap("queue:area:HT")
        assert driver.until(lambda: app.screen.state == "failed", 10)
        assert app.screen.ticket is None
        shown = texts(driver)
        assert i18n._("Please ask at the reception desk; staff will give you a number.") \
            in shown
        assert not any(text.isdigit() for text in shown)  # no number of the kiosk's own


def test_a_person_calls_staff_from_help_and_the_operator_closes_the_call(
        driver: Driver) -> None:
    app = driver.app
    client = app.services.api.client
    driver.tap("home:help")
    driver.tap("help:call_staff")
    assert driver.until(lambda: app.screen.caller.state == "called", 10)
    at = app.screen.caller.called_at
    shown = texts(driver)
    assert i18n._("A staff member has been called.") in shown
    assert i18n._("Called at {time}. Please wait here at the kiosk; staff will come to "
                  "you.").format(time=at.strftime("%H:%M")) in shown
    assert not driver.exists("help:call_staff")  # one call per person
    [call] = [c for c in staff_calls(client) if c.at == at]
    assert (call.kiosk_id, call.screen) == (app.services.config.kiosk.id, "help")
    app.go("operator")
    driver.tap("operator:calls")
    assert driver.until(lambda: app.screen.calls is not None, 10)
    driver.tap(f"operator:close_call:{call.id}")
    assert driver.until(lambda: app.screen.calls is not None
                        and call.id not in [c.id for c in app.screen.calls], 10)
    assert call.id not in [c.id for c in staff_calls(client)]
    [closed] = [c for c in staff_calls(client, include_closed=True) if c.id == call.id]
    assert closed.closed_by == app.services.config.kiosk.id


def test_offline_the_call_is_not_sent_and_the_person_is_sent_to_the_counter(
        driver: Driver) -> None:
    app = driver.app
    for says_online in (False, True):
        with central_api_gone(driver, says_online):
            app.go("help")
            driver.settle()
            driver.tap("help:call_staff")
            assert driver.until(lambda: app.screen.caller.state in ("offline", "failed"), 10)
            assert i18n._("Please go to the reception desk or the nearest counter; staff "
                          "there will help you.") in texts(driver)
            assert driver.exists("help:call_again")
        app.reset_session()
        driver.settle()


def test_help_from_any_screen_names_that_screen_in_the_call(driver: Driver) -> None:
    app = driver.app
    assert not driver.exists("nav:help")  # home has its own help button
    app.go("detail", code="1.001193")
    driver.settle()
    driver.tap("nav:help")
    assert app.screens.current == "help" and not driver.exists("nav:help")
    driver.tap("help:call_staff")
    assert driver.until(lambda: app.screen.caller.state == "called", 10)
    at = app.screen.caller.called_at
    [call] = [c for c in staff_calls(app.services.api.client) if c.at == at]
    assert call.screen == "detail"
    driver.tap("nav:back")
    assert app.screens.current == "detail"
