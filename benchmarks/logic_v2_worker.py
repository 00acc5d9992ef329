"""Scores (query, candidate) pairs with nomenklatura's logic-v2; run by bench_screening.py in its own
virtualenv (benchmarks/.logic-v2), so nomenklatura never enters the project's dependencies.

Input (argv[1]): JSON [{"q": entity, "c": [entity, ...]}, ...] with FollowTheMoney entity dicts.
Output (argv[2]): JSON {"scores": [[score, ...], ...], "seconds": compare time, "comparisons": n}.
"""

import json
import sys
import time

from followthemoney import model
from nomenklatura.matching import ScoringConfig, get_algorithm


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as f:
        items = json.load(f)
    algorithm, config = get_algorithm("logic-v2"), ScoringConfig.defaults()
    pairs = [(model.get_proxy(i["q"]), [model.get_proxy(c) for c in i["c"]]) for i in items]
    started = time.perf_counter()
    scores = [[algorithm.compare(q, c, config).score for c in cands] for q, cands in pairs]
    seconds = time.perf_counter() - started
    with open(sys.argv[2], "w", encoding="utf-8") as out:
        json.dump({"scores": scores, "seconds": seconds, "comparisons": sum(map(len, scores))}, out)


if __name__ == "__main__":
    main()
