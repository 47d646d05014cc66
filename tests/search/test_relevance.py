"""The graded relevance suite (tests/search/relevance.py) must not drop below measured levels."""

from __future__ import annotations

import pytest
from flask_migrate import upgrade  # noqa: F401 - the schema comes from the session fixture

from catalog.importer import import_catalog
from config import TestingConfig
from core.clock import utcnow
from core.db import db
from search.indexer import rebuild_index
from storefront import create_app

from .relevance import DEMO_CSV, QUERIES, demo_search_skus, evaluate, format_table

# Measured on the demo catalog (see docs/search.md), minus a small margin for tie-order noise.
FLOOR_ALL = {"ndcg": 0.96, "recall": 0.96, "mrr": 0.98}
FLOOR_PER_CLASS_NDCG = 0.88
REQUIRED_CLASSES = {
    "no_diacritics",
    "partial_diacritics",
    "tone_placement",
    "d_stroke",
    "province",
    "english",
    "typo",
    "phrase",
    "producer",
    "glued",
    "exact_diacritics",
    "case_nfd",
}


@pytest.fixture(scope="module")
def demo_results(database_url, tmp_path_factory):
    app = create_app(
        TestingConfig,
        SQLALCHEMY_DATABASE_URI=database_url,
        SEARCH_INDEX_DIR=str(tmp_path_factory.mktemp("relevance") / "index"),
    )
    with app.app_context():
        from tests.conftest import _empty_all_tables

        _empty_all_tables()
        report = import_catalog(DEMO_CSV.read_text(encoding="utf-8"), actor_id=None, now=utcnow())
        assert report.ok, report.errors
        rebuild_index(app.config["SEARCH_INDEX_DIR"])
        results = evaluate(demo_search_skus(app, app.config["SEARCH_INDEX_DIR"]))
        db.session.remove()  # end the read transaction, or PostgreSQL's TRUNCATE waits on it
        _empty_all_tables()
        db.engine.dispose()
    return results


def test_the_suite_is_big_enough_and_covers_every_class():
    assert len(QUERIES) >= 60
    assert {q.query_class for q in QUERIES} == REQUIRED_CLASSES


def test_overall_relevance_stays_at_the_measured_level(demo_results):
    means, _ = demo_results
    overall = means["ALL"]
    summary = format_table(means)
    assert overall.ndcg >= FLOOR_ALL["ndcg"], summary
    assert overall.recall >= FLOOR_ALL["recall"], summary
    assert overall.mrr >= FLOOR_ALL["mrr"], summary


def test_every_query_class_stays_good(demo_results):
    means, _ = demo_results
    weak = {name: s.ndcg for name, s in means.items() if s.ndcg < FLOOR_PER_CLASS_NDCG}
    assert not weak, format_table(means)
