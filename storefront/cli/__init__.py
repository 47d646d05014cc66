"""Command-line tools: one module per area, each defining one click group `group`.

`flask <area> <command>`: catalog, accounts, search, orders, certificates, mail, origin, kiosk,
ops, settlement. The app factory registers every group the same way (`register_cli`); a new area adds a module here and
one line to AREAS.
"""

from __future__ import annotations

from flask import Flask

from . import (
    accounts,
    catalog,
    certificates,
    kiosk,
    mail,
    ops,
    orders,
    origin,
    search,
    settlement,
)

AREAS = (catalog, accounts, search, orders, certificates, mail, origin, kiosk, ops, settlement)


def register_cli(app: Flask) -> None:
    for area in AREAS:
        app.cli.add_command(area.group)
