"""The one day the test run seeds its demo servers as of.

The demo dossiers' codes carry their receiving date (…-YYMMDD-NNNN). A server seeded as
of `date.today()` at one moment and a test asking `date.today()` later meet different
codes when the run crosses midnight; both take this day instead.
"""

from datetime import date

DEMO_DAY = date.today()
