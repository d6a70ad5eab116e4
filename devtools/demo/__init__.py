"""The demo data of `make run` (`manage.py seed_demo`), contributed part by part.

Each part is one module here with one function, `load(context)`, which reads what earlier parts
put in the shared context (programmes, units, accounts) and adds what later parts need. The parts
run in the order of CONTRIBUTORS: programmes, units and accounts first, then one subject after
another; the acceptance evaluation reads the reports, plans and spending present when it runs, so
it comes after them. Reordering changes the data. No part imports another; what they share is in
`devtools.demo.context`. Loading again changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from devtools.demo import (
    acceptance,
    funds,
    inspections,
    leadership,
    places,
    programmes,
    publicity,
    reporting,
)
from devtools.demo.context import DEMO_PASSWORD, DemoContext, DemoLogin

__all__ = ["CONTRIBUTORS", "DEMO_PASSWORD", "DemoLogin", "load_demo"]

CONTRIBUTORS: list[Callable[[DemoContext], None]] = [
    programmes.load,
    leadership.load,
    reporting.load,
    places.load,
    funds.load,
    acceptance.load,
    publicity.load,
    inspections.load,
]


@transaction.atomic
def load_demo() -> list[DemoLogin]:
    context = DemoContext()
    for contribute in CONTRIBUTORS:
        contribute(context)
    return context.logins
