"""Hostile input to every route: nothing answers 500 or shows a traceback.

Every rule of the app's URL map is called by a visitor who may use it (anonymous, producer
owner, admin — from its @access level) with every kind of bad value in its URL parts, its
query string (every argument name the views read) and, for POST, its form (every field of every
form): empty, NUL, CR/LF, huge and 64-bit-edge integers, negative, oversized, malformed UTF-8,
bidi/zero-width characters, repeated keys, markup, URL tricks (five kinds, several in one
value, to keep the run short). Then hypothesis draws random
combinations (bounded, derandomised). Known defects owned by another engineer are listed in
KNOWN_ELSEWHERE with the reason: they make the matrix an expected failure (shown, not hidden)
until fixed on main; any other failure fails.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote, urlencode

import hypothesis
import pytest
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, given
from hypothesis import strategies as st
from wtforms.fields.core import UnboundField

import storefront
from storefront.access import ACCESS_ATTRIBUTE, ACCESS_LEVELS

SOURCE = Path(storefront.__file__).resolve().parent
_READ_ARG = re.compile(r"""(?:args|values)\.get\(\s*["'](\w+)["']""")
_READ_FORM = re.compile(r"""(?:form|values)\.get\(\s*["'](\w+)["']""")

NASTY: dict[str, str | bytes | list[str]] = {
    "nul_crlf_bidi": "a\x00b\r\nSet-Cookie: evil=1\u202e\u200b",
    "numbers": "9" * 40,  # odd-numbered fields get NEGATIVE instead (see _query)
    "oversized_markup": "<script>alert(1)</script>" + "Đ" * 1_000,
    "malformed_utf8": b"\xff\xfe\xc3(",
    "empty_repeated": ["", "//evil.example/%0d%0a..%2f"],
}
NEGATIVE = "-1e308"
# Integer URL parts only match digits: these are what an attacker can put there.
INT_PART_VALUES = {"numbers": "9" * 40, "empty_repeated": str(2**63), "zero": "0"}


def _all_forms() -> list[type[FlaskForm]]:
    import storefront.admin.forms  # noqa: F401 - every blueprint's forms are imported by the app

    found, todo = [], [FlaskForm]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            found.append(sub)
            todo.append(sub)
    return found


def field_names() -> list[str]:
    """Every name a form posts or a view reads from a form."""
    names = {
        name
        for form in _all_forms()
        for name in dir(form)
        if isinstance(getattr(form, name, None), UnboundField)
    }
    names.update(_source_names(_READ_FORM))
    names.discard("csrf_token")
    return sorted(names)


def arg_names() -> list[str]:
    """Every query-string argument a view reads."""
    return sorted(_source_names(_READ_ARG))


def _source_names(pattern: re.Pattern[str]) -> set[str]:
    return {
        name
        for path in SOURCE.rglob("*.py")
        for name in pattern.findall(path.read_text(encoding="utf-8"))
    }


def _encode(value: str | bytes) -> bytes:
    return value if isinstance(value, bytes) else value.encode("utf-8")


def _query(names: list[str], value: str | bytes | list[str]) -> str:
    pairs = []
    for index, name in enumerate(names):
        values = value if isinstance(value, list) else [value]
        if value == NASTY["numbers"] and index % 2:
            values = [NEGATIVE]
        for one in values:
            pairs.append((name, _encode(one)))
    return urlencode(pairs)


def _path_part(value: str | bytes | list[str]) -> str:
    one = value[0] if isinstance(value, list) else value
    return quote(_encode(one), safe="") or "x"


@pytest.fixture
def routes(app):
    return [
        rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static" and {"GET", "POST"} & rule.methods
    ]


@pytest.fixture
def clients(app, make_user, make_product):
    """A client per access level, signed in as someone who may use it."""
    from tests.fixtures.portal import PASSWORD  # noqa: F401 - ensures the helper module loads

    product = make_product(sku="OCOP-FUZZ-1")
    owner = make_user("producer", producer=product.producer, is_owner=True)
    admin = make_user("admin")
    buyer = make_user("buyer")
    by_level = {}
    for level, user in {
        "public": None,
        "buyer": buyer,
        "producer": owner,
        "producer_owner": owner,
        "kiosk_staff": admin,  # admins may use the kiosk's counter pages
        "admin": admin,
    }.items():
        client = app.test_client()
        if user is not None:
            with client.session_transaction() as session:
                session["_user_id"] = str(user.id)
                session["_fresh"] = True
        by_level[level] = client
    return by_level


def _level(app, rule) -> str:
    """The route's @access level (an unknown new level: tried as the admin, who may most)."""
    level = getattr(app.view_functions[rule.endpoint], ACCESS_ATTRIBUTE, "public")
    return level if level in ACCESS_LEVELS else "admin"


def _url(rule, value, kind: str = "") -> str:
    path = rule.rule
    for name, converter in rule._converters.items():
        if getattr(converter, "num_convert", None) is int:  # int converters, bounded or not
            part = INT_PART_VALUES.get(kind, "1")
        else:
            part = _path_part(value)
        path = re.sub(rf"<(?:[^<>:]+:)?{name}>", part, path)
    return path


def _send(client, method: str, url: str, body: str | None):
    """The answer, or the exception the app let escape (the test app propagates them: for a
    visitor it would have been a 500)."""
    try:
        if method == "GET":
            return client.get(url)
        return client.post(url, data=body, content_type="application/x-www-form-urlencoded")
    except Exception as error:
        return error


def _failure(response) -> str | None:
    if isinstance(response, Exception):
        return f"500 ({type(response).__name__}: {str(response).splitlines()[0][:120]})"
    text = response.get_data(as_text=True)
    if response.status_code >= 500 and response.status_code != 503:
        return f"{response.status_code}"
    if "Traceback (most recent call last)" in text:
        return "traceback shown"
    return None


# Defects another engineer owns (issue 11 defect 2, "hardening": NUL bytes and ids beyond 64
# bits reach PostgreSQL). Failures matching these are reported as an expected failure, not
# hidden, until that work lands on main; anything else fails the test.
KNOWN_ELSEWHERE = {
    "cannot contain NUL": "hardening, issue 11 defect 2: NUL bytes reach PostgreSQL",
    "integer out of range": "hardening, issue 11 defect 2: ids beyond 64 bits reach PostgreSQL",
    "too large to convert": "hardening, issue 11 defect 2: ids beyond 64 bits reach the driver",
}


def _known(problem: str) -> str | None:
    return next((why for text, why in KNOWN_ELSEWHERE.items() if text in problem), None)


def test_every_route_survives_every_kind_of_bad_value(app, routes, clients):
    fields, args = field_names(), arg_names()
    failures = []
    for rule in routes:
        client = clients[_level(app, rule)]
        for kind, value in NASTY.items():
            url = _url(rule, value, kind)
            for method in sorted({"GET", "POST"} & rule.methods):
                if method == "GET":
                    response = _send(client, "GET", f"{url}?{_query(args, value)}", None)
                else:
                    response = _send(client, "POST", url, _query(fields, value))
                problem = _failure(response)
                if problem:
                    failures.append(f"{method} {rule.rule} [{kind}] → {problem}")
    unexpected = [failure for failure in failures if not _known(failure)]
    assert not unexpected, "\n".join(unexpected)
    if failures:
        reasons = sorted({str(_known(failure)) for failure in failures})
        pytest.xfail(
            f"{len(failures)} known failure(s): {'; '.join(reasons)}; e.g. "
            + " | ".join(failures[:4])
        )


printable_or_not = st.one_of(
    st.text(max_size=60),
    st.binary(max_size=30),
    st.integers(min_value=-(2**80), max_value=2**80).map(str),
    st.sampled_from([v for v in NASTY.values() if not isinstance(v, list)]),
)


@hypothesis.settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@given(data=st.data())
def test_random_inputs_never_cost_a_500(app, routes, clients, data):
    names = sorted({*field_names(), *arg_names()})
    rule = data.draw(st.sampled_from(sorted(routes, key=lambda r: r.rule)), label="rule")
    client = clients[_level(app, rule)]
    url = _url(
        rule,
        data.draw(printable_or_not, label="path value"),
        data.draw(st.sampled_from([*INT_PART_VALUES, "other"]), label="int part"),
    )
    fields = data.draw(
        st.lists(st.tuples(st.sampled_from(names), printable_or_not), max_size=8), label="fields"
    )
    body = urlencode([(name, _encode(value)) for name, value in fields])
    method = data.draw(st.sampled_from(sorted({"GET", "POST"} & rule.methods)), label="method")
    if method == "GET":
        response = _send(client, "GET", f"{url}?{body}", None)
    else:
        response = _send(client, "POST", url, body)
    problem = _failure(response)
    assert problem is None or _known(problem), f"{method} {rule.rule} → {problem}"
