"""The JSON API matches its OpenAPI document (docs/openapi.yaml, served at /api/openapi.json):
schemathesis generates requests from the document and checks every answer in-process (WSGI) —
no 5xx, status codes, content types and bodies as documented. Bounded: a few dozen examples per
operation, derandomised, so the run is repeatable and short."""

from __future__ import annotations

from pathlib import Path

import hypothesis
import pytest
import schemathesis
import yaml
from hypothesis import HealthCheck, given
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES_PER_OPERATION = 12

BOUNDED = hypothesis.settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
    phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
)


def test_the_document_is_served_as_json_and_is_the_one_in_docs(client):
    served = client.get("/api/openapi.json")
    assert served.status_code == 200
    assert served.mimetype == "application/json"
    on_disk = yaml.safe_load((ROOT / "docs" / "openapi.yaml").read_text(encoding="utf-8"))
    assert served.get_json() == on_disk
    assert served.get_json()["openapi"].startswith("3.")


def test_every_json_route_is_documented(app):
    """A JSON endpoint added without documenting it fails here."""
    documented = set(yaml.safe_load((ROOT / "docs" / "openapi.yaml").read_text())["paths"])
    json_routes = {
        rule.rule.replace("<", "{").replace(">", "}").replace("{path:", "{")
        for rule in app.url_map.iter_rules()
        if (
            rule.rule.startswith("/api/")
            or rule.rule.endswith(".json")
            or rule.rule
            in {
                "/search/suggest",
                "/healthz",
            }
        )
        and "GET" in rule.methods
    }
    assert json_routes <= documented, json_routes - documented


@pytest.fixture
def api_schema(app, built_index, make_product):
    make_product(sku="OCOP-FZ-001", name="Nước mắm Phú Quốc", price_vnd=120_000)
    return schemathesis.openapi.from_wsgi("/api/openapi.json", app)


def _operations(schema):
    return [result.ok() for result in schema.get_all_operations()]


def test_the_api_answers_as_documented_for_valid_requests(api_schema):
    failures = []
    for operation in _operations(api_schema):

        @BOUNDED
        @given(case=operation.as_strategy(GenerationMode.POSITIVE))
        def answers_as_documented(case):
            case.call_and_validate()

        try:
            answers_as_documented()
        except Exception as error:  # collect every operation's failure, then report them all
            failures.append(f"{operation.label}: {error}")
    assert not failures, "\n\n".join(failures)


def test_the_api_never_answers_5xx_to_invalid_requests(api_schema):
    failures = []
    for operation in _operations(api_schema):

        @BOUNDED
        @given(case=operation.as_strategy(GenerationMode.NEGATIVE))
        def no_server_error(case):
            case.call_and_validate(checks=[not_a_server_error])

        try:
            no_server_error()
        except hypothesis.errors.Unsatisfiable:
            continue  # nothing invalid can be said to this operation (no parameters)
        except Exception as error:
            failures.append(f"{operation.label}: {error}")
    assert not failures, "\n\n".join(failures)
