"""The judged-query files, the real-products catalog and the baseline ranker are sound.

No search runs here (tests/search/test_relevance.py measures); these tests make sure what is
measured is well-formed: every graded product exists and is for sale on the suite's day, the
halves are the seeded 60/40 split, each class is big enough, the catalog is the TSV's 3–5★ rows.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import date

import pytest

from core.clock import today_in_vietnam

from .real_catalog import REAL_TSV, csv_text, real_rows
from .relevance import SUITE_DAY
from .split_suite import DATA_DIR, HELDOUT_SHARE, split
from .suite import HALVES, SuiteDataError, catalog_csv, load_half, parse_queries

MIN_PER_CLASS = 15
MIN_QUERIES = 300


@pytest.fixture(scope="module")
def halves():
    return {half: load_half(half) for half in HALVES}


def _for_sale_skus(catalog: str) -> set[str]:
    """SKUs (without "OCOP-") whose CSV row holds a verified 3–5★ certificate valid on SUITE_DAY."""
    skus = set()
    for row in csv.DictReader(io.StringIO(catalog_csv(catalog))):
        valid = (
            row["certificate_status"] == "verified"
            and 3 <= int(row["stars"]) <= 5
            and date.fromisoformat(row["issued_on"]) <= SUITE_DAY
            and date.fromisoformat(row["expires_on"]) >= SUITE_DAY
        )
        if valid:
            skus.add(row["sku"].removeprefix("OCOP-"))
    return skus


def test_the_suite_is_big_and_every_class_has_enough_queries(halves):
    every = halves["tuned"] + halves["heldout"]
    assert len(every) >= MIN_QUERIES
    per_class = Counter(judged.query_class for judged in every)
    assert min(per_class.values()) >= MIN_PER_CLASS, per_class
    assert {j.query_class for j in halves["tuned"]} == {j.query_class for j in halves["heldout"]}


def test_ids_and_queries_are_unique_across_both_halves(halves):
    every = halves["tuned"] + halves["heldout"]
    ids = Counter(judged.qid for judged in every)
    assert not [qid for qid, n in ids.items() if n > 1]
    texts = Counter((judged.catalog, judged.query.casefold()) for judged in every)
    assert not [key for key, n in texts.items() if n > 1]


def test_the_halves_are_the_seeded_stratified_split():
    """Nobody moved a query between halves by hand: re-splitting the union gives the same files."""
    lines = []
    for half in HALVES:
        lines += (DATA_DIR / f"{half}.tsv").read_text(encoding="utf-8").splitlines()[1:]
    tuned, heldout = split(lines)
    for half, expected in (("tuned", tuned), ("heldout", heldout)):
        assert (DATA_DIR / f"{half}.tsv").read_text(encoding="utf-8").splitlines()[1:] == expected
    per_class = Counter(line.split("\t")[1] for line in lines)
    held_per_class = Counter(line.split("\t")[1] for line in heldout)
    for name, count in per_class.items():
        assert held_per_class[name] == round(HELDOUT_SHARE * count)


@pytest.mark.parametrize("catalog", ["demo", "real"])
def test_every_graded_product_exists_and_is_for_sale(halves, catalog):
    for_sale = _for_sale_skus(catalog)
    missing = {
        (judged.qid, sku)
        for judged in halves["tuned"] + halves["heldout"]
        if judged.catalog == catalog
        for sku in judged.grades
        if sku not in for_sale
    }
    assert not missing


def test_nfd_queries_really_change_when_decomposed(halves):
    nfd = [j for j in halves["tuned"] + halves["heldout"] if j.input_form == "nfd"]
    assert nfd
    assert all(judged.typed != judged.query for judged in nfd)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("q1\tx\tmoon\ttyped\tnuoc mam\tRC-002=3", "unknown catalog"),
        ("q1\tx\treal\tshouted\tnuoc mam\tRC-002=3", "unknown input form"),
        ("q1\tx\treal\ttyped\tnuoc mam\tRC-002=4", "bad grade"),
        ("q1\tx\treal\ttyped\tnuoc mam\tRC-002=3 RC-002=2", "graded twice"),
        ("q1\tx\treal\ttyped\tnuoc mam\t", "no graded product"),
        ("q1\tx\treal\ttyped\tnuoc mam", "columns"),
        ("q1\tx\treal\ttyped\tnu\u031bo\u031bc\tRC-002=3", "NFC"),
    ],
)
def test_malformed_lines_are_rejected_with_their_reason(line, reason):
    header = "id\tclass\tcatalog\tinput\tquery\tgrades"
    with pytest.raises(SuiteDataError, match=reason):
        parse_queries(f"{header}\n{line}\n")


# --- the real-products catalog ----------------------------------------------------------------


def test_the_real_catalog_is_every_rated_row_of_the_tsv_as_announced():
    with REAL_TSV.open(encoding="utf-8") as handle:
        source = list(csv.DictReader(handle, delimiter="\t"))
    rated = [row for row in source if row["stars"].strip() in {"3", "4", "5"}]
    rows = list(csv.DictReader(io.StringIO(csv_text())))
    assert len(rows) == len(rated) == len(real_rows()) >= 250
    assert [row["name"] for row in rows] == [row["name"].strip() for row in rated]
    assert [row["province"] for row in rows] == [row["province"].strip() for row in rated]
    assert len({row["sku"] for row in rows}) == len(rows)
    # Real rows come without English names or stories: the catalog keeps them that way.
    assert not any(row["name_en"] or row["story"] or row["story_en"] for row in rows)


def test_the_real_catalog_is_deterministic_and_for_sale_on_the_suite_day():
    # It goes through the shop's importer in test_relevance.py (measure_catalog fails on errors).
    assert csv_text() == csv_text()
    assert len(_for_sale_skus("real")) == len(real_rows())


# --- the baseline ranker ----------------------------------------------------------------------


def test_the_baseline_folds_and_requires_every_word(app, make_product, make_producer):
    from .baseline import baseline_searcher

    home = make_producer(name="HTX Nước mắm Phú Quốc", province_code="91")
    sauce = make_product(name="Nước mắm cá cơm", producer=home, certificate={"stars": 4})
    other = make_product(name="Mắm tôm", producer=home, certificate={"stars": 5})
    search = baseline_searcher(today_in_vietnam())
    assert search("NUOC MAM ca com") == [sauce.sku]  # folded; "cá cơm" only in the sauce's name
    assert search("mam tom phu quoc") == [other.sku]  # every word, in name or producer
    assert search("mam") == [other.sku, sauce.sku]  # same words in the name: more stars first
    assert search("nuoc") == [sauce.sku, other.sku]  # a word in the name beats the producer's
    assert search("mam ruoc") == []


# --- the later sets (tuned2, heldout2, tuned3, heldout3) ---------------------------------------------------------


def test_the_later_sets_are_sound_and_share_nothing_with_the_halves(halves):
    from .suite import LATER_SETS

    later = {name: load_half(name) for name in LATER_SETS}
    every = [j for queries in (*halves.values(), *later.values()) for j in queries]
    assert len({j.qid for j in every}) == len(every)
    texts = Counter((j.catalog, j.query.casefold()) for j in every)
    assert not [key for key, n in texts.items() if n > 1]
    assert len(later["heldout2"]) >= 40
    assert len(later["heldout3"]) >= 20
    for catalog in ("demo", "real"):
        for_sale = _for_sale_skus(catalog)
        missing = {
            (j.qid, sku)
            for queries in later.values()
            for j in queries
            if j.catalog == catalog
            for sku in j.grades
            if sku not in for_sale
        }
        assert not missing
