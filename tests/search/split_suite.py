"""Split a file of judged queries into the tuned and held-out halves (run once, before tuning).

    .venv/bin/python tests/search/split_suite.py ALL.tsv

Per query class, the queries (ordered by id) are shuffled with a fixed seed and the first 40 %
(rounded) go to `tests/search/data/heldout.tsv`, the rest to `tests/search/data/tuned.tsv`.
The held-out half is for reporting only: see tests/search/data/README.md.

New queries added later must not be appended to the held-out half by someone who has seen the
ranking's behaviour on them; add them to the tuned half, or write a fresh batch blind and split
it with this tool under a new seed.
"""

from __future__ import annotations

import random
import sys
from collections import defaultdict
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
SEED = 20261110  # issue 10, fixed so the split is reproducible
HELDOUT_SHARE = 0.4


def split(lines: list[str], seed: int = SEED) -> tuple[list[str], list[str]]:
    """(tuned, held-out) data lines, stratified by the class column; order kept by id."""
    by_class: dict[str, list[str]] = defaultdict(list)
    for line in lines:
        by_class[line.split("\t")[1]].append(line)
    rng = random.Random(seed)
    heldout: list[str] = []
    for name in sorted(by_class):
        members = sorted(by_class[name])
        rng.shuffle(members)
        heldout.extend(members[: round(HELDOUT_SHARE * len(members))])
    held = set(heldout)
    return sorted(line for line in lines if line not in held), sorted(heldout)


def main(argv: list[str]) -> int:
    source = Path(argv[0])
    header, *lines = source.read_text(encoding="utf-8").splitlines()
    tuned, heldout = split([line for line in lines if line.strip()])
    for name, half in (("tuned.tsv", tuned), ("heldout.tsv", heldout)):
        (DATA_DIR / name).write_text("\n".join([header, *half]) + "\n", encoding="utf-8")
    print(f"tuned {len(tuned)}, held-out {len(heldout)}")  # noqa: T201 - a script
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
