"""Invisible characters (issue 11): a right-to-left override or a zero-width space in a name or a
commune could make one producer look like another; `core.text.clean_text` removes them on the
way in, and everything typed into the shop goes through it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from accounts.models import User
from catalog.enums import ProducerKind
from catalog.producers import ApplicationDetails, submit_application
from core.db import db
from core.text import clean_text
from tests.fixtures.portal import PASSWORD


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("HTX \u202eam Mắm", "HTX am Mắm"),  # right-to-left override
        ("Ph\u200bú\u200c Qu\u200dốc\u2060", "Phú Quốc"),  # zero-width space, joiners
        ("\ufeffBến Tre\u2066\u2069", "Bến Tre"),  # BOM, isolates
        ("Tân\u00adPhú\u200e\u200f", "TânPhú"),  # soft hyphen, direction marks
        ("Dòng 1\nDòng 2\tcuối", "Dòng 1\nDòng 2\tcuối"),  # line breaks and tabs stay
        ("  Nước mắm  ", "Nước mắm"),
    ],
)
def test_clean_text_removes_invisible_characters(given, kept):
    assert clean_text(given) == kept


def test_register_stores_the_name_without_invisible_characters(client):
    response = client.post(
        "/account/register",
        data={
            "name": "Nguyễn\u202e Văn\u200b An",
            "email": "an@example.vn",
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
    )
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "an@example.vn"))
    assert user.name == "Nguyễn Văn An"


def test_a_producer_application_stores_names_and_commune_clean(make_user):
    applicant = make_user()
    application = submit_application(
        applicant,
        ApplicationDetails(
            kind=ProducerKind.COOPERATIVE,
            name="HTX\u200b Mắm\u202e Cá",
            registration_no="123",
            province_code="86",
            commune_code="29581",
            commune="Xã\u200d Tân\u2066 Phú",
            address="Ấp 1",
            contact_name="An\ufeff",
            phone="0912345678",
            email="htx@example.vn",
        ),
    )
    assert (application.name, application.commune, application.contact_name) == (
        "HTX Mắm Cá",
        "Xã Tân Phú",
        "An",
    )
