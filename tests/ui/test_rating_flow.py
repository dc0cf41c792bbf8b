"""Rating the service: from a dossier look-up and from home, through the real outbox to
the reference server."""

from __future__ import annotations

from support.demo_day import DEMO_DAY
from support.driver import Driver

from kiosk import i18n
from kiosk.catalogue.dossier import Status
from kiosk.server.catalogue_files import demo_dossiers


def test_after_a_look_up_the_person_rates_and_the_rating_names_only_the_dossier(
        driver: Driver) -> None:
    app = driver.app
    code = next(d.code for d, pin in demo_dossiers(DEMO_DAY)
                if d.status == Status.PROCESSING and not pin)
    driver.tap("home:dossier")
    driver.tap("scan:type")
    driver.type(code)
    driver.tap("scan:submit")
    assert driver.until(lambda: app.screens.current == "status")
    driver.tap("status:rate")
    assert app.screens.current == "rate"
    assert not driver.find("rate:send").enabled  # the overall level first
    driver.tap("rate:overall:3")
    driver.tap("rate:staff:3")
    driver.tap("rate:trips:2")
    driver.tap("rate:send")
    assert driver.until(lambda: app.screen.sent)  # stored in the outbox, off the UI thread
    words = [str(getattr(w, "text", "")) for w in driver.widgets()]
    assert i18n._("Thank you! Your rating helps the office serve people better.") in words
    outbox = app.services.outbox
    assert driver.until(lambda: outbox.summaries() == [])  # delivered, then purged
    summary = app.services.api.client.get("ratings/summary").json()
    [agency] = [a for a in summary["agencies"] if a["agency"] == "000.00.20.H29"]
    assert agency["overall"]["3"] >= 1 and agency["criteria"]["trips"]["2"] >= 1
    driver.tap("rate:done")
    assert app.screens.current == "home"


def test_from_home_the_rating_can_be_changed_before_it_is_sent(driver: Driver) -> None:
    app = driver.app
    driver.tap("home:rate")
    driver.tap("rate:overall:1")
    driver.tap("rate:overall:2")
    assert app.screen.rating.overall == 2 and driver.find("rate:send").enabled
    driver.tap("rate:back")
    assert app.screens.current == "home"
