"""Relevance must not drop below measured levels: the 90-query demo suite, and both halves of the
two-catalog suite (tests/search/data/: tuned and held-out).

The floors are the levels measured on the code they were set on, minus a small margin, so they
guard against regressions; ranking work raises them (issue 10's targets: held-out nDCG@10 ≥ 0.95
with every class ≥ 0.88, tuned ≥ 0.96). The held-out half is reported per class only: a failure
message never shows a held-out query (tests/search/data/README.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask_migrate import upgrade  # noqa: F401 - the schema comes from the session fixture

from config import TestingConfig
from core.db import db
from storefront import create_app

from .relevance import QUERIES, Scores, evaluate, format_table
from .suite import HALVES, LATER_SETS, format_halves, load_half, measure_catalog, score

# --- the 90-query demo suite (tests/search/relevance.py), part of the tuned material ----------
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

# --- the two halves (tests/search/data/) ------------------------------------------------------
# Overall floors per half: nDCG@10, Recall@10, MRR measured after the issue-10 ranking work
# (docs/search.md, "Held-out relevance"), minus 0.02–0.03. Before it: tuned 0.788 / 0.702 /
# 0.843, held-out 0.759 / 0.692 / 0.851.
FLOOR_HALF_ALL: dict[str, dict[str, float]] = {
    # Third round (docs/search.md): tuned 0.973 / 0.918 / 0.998 → 0.979 / 0.940 / 0.998;
    # held-out 0.946 / 0.928 / 0.973 → 0.944 (second round) → 0.946 / 0.925 / 0.973.
    "tuned": {"ndcg": 0.96, "recall": 0.91, "mrr": 0.97},
    "heldout": {"ndcg": 0.92, "recall": 0.90, "mrr": 0.95},
}
# Per-class nDCG@10 floors per half: the measured level minus 0.03, rounded down.
FLOOR_HALF_CLASS_NDCG: dict[str, dict[str, float]] = {
    "tuned": {
        "case_nfd": 0.96,
        "d_stroke": 0.94,
        "english": 0.95,
        "exact_diacritics": 0.93,
        "kind_vs_brand": 0.92,
        "no_diacritics": 0.94,
        "partial_diacritics": 0.95,
        "partial_name": 0.97,
        "place": 0.96,
        "producer": 0.97,
        "related": 0.93,
        "run_together": 0.94,
        "telex_vni": 0.95,
        "tone_placement": 0.95,
        "typo": 0.95,
        "variants": 0.92,
    },
    "heldout": {
        "case_nfd": 0.95,
        "d_stroke": 0.97,
        "english": 0.88,  # 0.899 → 0.913 in the third round
        "exact_diacritics": 0.87,
        "kind_vs_brand": 0.87,
        "no_diacritics": 0.94,
        # Measured 0.966 before the second round of issue-10 work and 0.915 after it (the held-out
        # half measured once before and once after, never looked into: docs/search.md). The floor
        # follows the measurement down rather than hide it; the cause is not known.
        "partial_diacritics": 0.88,
        "partial_name": 0.97,
        "place": 0.91,
        "producer": 0.97,
        "related": 0.81,
        "run_together": 0.93,
        "telex_vni": 0.94,
        "tone_placement": 0.93,  # 0.951 → 0.962 in the third round
        "typo": 0.83,
        "variants": 0.93,
    },
}


# --- the later sets (tests/search/data/README.md): overall floors, measured minus ~0.02 ----------
# tuned2: 0.823 → 0.915 with the second round (0.944 at its end), 0.958 after the third;
# heldout2 (report only): 0.811 → 0.885 → 0.886. tuned3: 0.979 → 0.982 in the third round;
# heldout3 (report only, written and graded before it): 0.934 → 0.942.
FLOOR_LATER_NDCG: dict[str, float] = {
    "tuned2": 0.93,
    "heldout2": 0.86,
    "tuned3": 0.96,
    "heldout3": 0.92,
}


@dataclass(frozen=True)
class Measured:
    demo_suite: tuple[dict[str, Scores], dict[str, float]]
    halves: dict[str, dict[str, Scores]]


@pytest.fixture(scope="module")
def measured(database_url, tmp_path_factory) -> Measured:
    """Load each catalog in turn into the test database, index it, run its queries."""
    from tests.conftest import _empty_all_tables

    root = tmp_path_factory.mktemp("relevance")
    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=database_url)
    halves = {half: load_half(half) for half in HALVES + LATER_SETS}
    every = [judged for queries in halves.values() for judged in queries]
    ranked: dict[str, list[str]] = {}
    with app.app_context():
        for catalog in ("demo", "real"):
            _empty_all_tables()
            index_dir = str(root / f"{catalog}-index")
            shop, _ = measure_catalog(catalog, every, index_dir)
            ranked.update(shop)
            if catalog == "demo":
                from .relevance import demo_search_skus

                demo_suite = evaluate(demo_search_skus(app, index_dir))
            db.session.remove()  # end the read transaction, or PostgreSQL's TRUNCATE waits on it
        _empty_all_tables()
        db.engine.dispose()
    return Measured(
        demo_suite=demo_suite,
        halves={half: score(halves[half], ranked)[0] for half in halves},
    )


# --- the 90-query demo suite ------------------------------------------------------------------


def test_the_suite_is_big_enough_and_covers_every_class():
    assert len(QUERIES) >= 60
    assert {q.query_class for q in QUERIES} == REQUIRED_CLASSES


def test_overall_relevance_stays_at_the_measured_level(measured):
    means, _ = measured.demo_suite
    overall = means["ALL"]
    summary = format_table(means)
    assert overall.ndcg >= FLOOR_ALL["ndcg"], summary
    assert overall.recall >= FLOOR_ALL["recall"], summary
    assert overall.mrr >= FLOOR_ALL["mrr"], summary


def test_every_query_class_stays_good(measured):
    means, _ = measured.demo_suite
    weak = {name: s.ndcg for name, s in means.items() if s.ndcg < FLOOR_PER_CLASS_NDCG}
    assert not weak, format_table(means)


# --- the tuned and held-out halves ------------------------------------------------------------


@pytest.mark.parametrize("half", HALVES)
def test_each_half_stays_at_its_measured_level(measured, half):
    overall = measured.halves[half]["ALL"]
    floor = FLOOR_HALF_ALL[half]
    table = format_halves({half: measured.halves[half]})
    assert overall.ndcg >= floor["ndcg"], table
    assert overall.recall >= floor["recall"], table
    assert overall.mrr >= floor["mrr"], table


@pytest.mark.parametrize("half", HALVES)
def test_every_class_of_each_half_stays_at_its_measured_level(measured, half):
    means = measured.halves[half]
    floors = FLOOR_HALF_CLASS_NDCG[half]
    assert set(floors) == set(means) - {"ALL"}, "every class of the half has a floor"
    weak = {name: round(means[name].ndcg, 3) for name in floors if means[name].ndcg < floors[name]}
    assert not weak, format_halves({half: means})


@pytest.mark.parametrize("name", LATER_SETS)
def test_the_later_sets_stay_at_their_measured_level(measured, name):
    overall = measured.halves[name]["ALL"]
    assert overall.ndcg >= FLOOR_LATER_NDCG[name], format_halves({name: measured.halves[name]})
