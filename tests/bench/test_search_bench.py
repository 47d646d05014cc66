"""bench/search_bench.py's fresh-searcher measurement: what "fresh" runs is what a worker does."""

from __future__ import annotations

import search_bench

from core.clock import today_in_vietnam
from search.snapshot import load_for_sale_snapshot

BATCH = [("nuoc mam", {}), ("mat ong", {"stars": 5}), ("tea", {"sort": "price_asc"})]


def test_fresh_runs_measure_a_new_service_cold_during_and_after_its_warm_up(built_index):
    today = today_in_vietnam()
    snapshot = load_for_sale_snapshot(today)
    cost: dict = {}
    wall, cpu, warmed = search_bench._fresh_run(
        built_index, BATCH, today, snapshot, warm="finish", cost=cost
    )
    assert len(wall) == len(cpu) == len(BATCH)
    generation = warmed._generations.latest
    # Warmed as the app warms a worker (start_warm_up, in a thread), finished before the first
    # query, and its cost reported.
    assert warmed.warm_ups == 1 and generation.warmed.is_set()
    assert generation.complete and cost["wall_ms"] >= 0 and cost["cpu_ms"] >= 0

    _, _, during = search_bench._fresh_run(built_index, BATCH, today, snapshot, warm="start")
    assert during.warm_ups == 1 and during._generations.latest.warmed.is_set()

    _, _, cold = search_bench._fresh_run(built_index, BATCH, today, snapshot, warm=None)
    # Truly cold: nothing warmed; only what its own queries read.
    assert cold.warm_ups == 0 and not cold._generations.latest.complete
    assert cold._snapshot[1] is snapshot  # the same for-sale snapshot for all three
