"""Route quality: `route_plan` against the exact optimum or LKH-3 on random multi-block layouts.

    .venv/bin/pip install -e ".[bench]"           # elkai (LKH-3, the reference), OR-Tools
    .venv/bin/python bench/bench_routes.py        # --trials 4 --lkh-runs 5 [--ortools-ms 80]

No database. Instances: 1–6 blocks, 10, 16 or 24 aisles 3 m apart, blocks 12 or 20 m long,
2 m cross aisles; 10, 25, 50, 100 and 150 distinct stops; the depot at the front-left corner or
mid-front. Each pick list is routed by `warehouse.routing.route_plan` (what a wave does) and its
length compared with a reference:

* up to 12 stops: Held–Karp (exact, independent of the method under test);
* beyond: LKH-3 (elkai, `--lkh-runs` runs over the same exact aisle-graph distances, in mm).
  On one to three blocks `route_plan` is itself exact (dynamic programmes), so there it can only
  tie or beat LKH-3; from four blocks on it is iterated local search.

Excess = route / reference − 1. Time per list is `route_plan` alone (distance matrix, S-shape,
method, walk), measured as CPU time of this process (`time.process_time`, what the route costs
on one core whatever else the machine runs) and as wall time (inflated when the machine is
shared). `--ortools-ms N` also scores OR-Tools' routing solver (guided local search, N ms wall
time limit) on the same lists, for comparison.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _harness import machine

from warehouse.routing import Layout, route_plan
from warehouse.routing.geometry import DEPOT, distance_matrix
from warehouse.routing.multi_block import held_karp

STOPS = (10, 25, 50, 100, 150)
AISLES = (10, 16, 24)


def _instance(rng: random.Random, blocks: int, stops: int, depot: str):
    aisles = rng.choice(AISLES)
    layout = Layout(
        aisle_x=tuple((a + 0.5) * 3.0 for a in range(aisles)),
        block_length=rng.choice((12.0, 20.0)),
        cross_aisle_width=2.0,
        blocks=blocks,
        depot_x=0.0 if depot == "corner" else aisles * 1.5,
    )
    locs: set = set()
    while len(locs) < stops:
        locs.add(
            layout.location(
                aisle=rng.randrange(aisles),
                block=rng.randrange(blocks),
                position_m=round(rng.uniform(0.2, layout.block_length - 0.2), 1),
            )
        )
    return layout, sorted(locs)


def _lkh(layout: Layout, locs: list, runs: int) -> float:
    import elkai

    nodes = [DEPOT, *locs]
    d = distance_matrix(layout, nodes)
    scaled = [[round(v * 1000) for v in row] for row in d.tolist()]
    tour = elkai.DistanceMatrix(scaled).solve_tsp(runs=runs)
    return float(sum(d[tour[k - 1], tour[k]] for k in range(1, len(tour))))


def _ortools(layout: Layout, locs: list, ms: int) -> float | None:
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    nodes = [DEPOT, *locs]
    d = distance_matrix(layout, nodes)
    manager = pywrapcp.RoutingIndexManager(len(nodes), 1, 0)
    model = pywrapcp.RoutingModel(manager)
    arc = model.RegisterTransitMatrix([[round(v * 1000) for v in row] for row in d.tolist()])
    model.SetArcCostEvaluatorOfAllVehicles(arc)
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    params.time_limit.FromMilliseconds(ms)
    solution = model.SolveWithParameters(params)
    if solution is None:  # no first solution within the time limit
        return None
    index, tour = model.Start(0), []
    while not model.IsEnd(index):
        tour.append(manager.IndexToNode(index))
        index = solution.Value(model.NextVar(index))
    tour.append(0)
    return float(sum(d[tour[k - 1], tour[k]] for k in range(1, len(tour))))


def _line(label: str, rows: list[dict], key: str = "excess") -> str:
    ex = [r[key] * 100 for r in rows]
    cpu = [r["cpu"] * 1000 for r in rows]
    wall = [r["wall"] * 1000 for r in rows]
    return (
        f"{label:<34} n={len(rows):>3}  excess mean {statistics.fmean(ex):6.2f} %  "
        f"worst {max(ex):6.2f} %  | CPU ms/list mean {statistics.fmean(cpu):5.1f} "
        f"max {max(cpu):5.1f} | wall ms/list mean {statistics.fmean(wall):5.1f} "
        f"max {max(wall):5.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=4, help="lists per (blocks, stops, depot)")
    parser.add_argument("--blocks", default="1,2,3,4,5,6")
    parser.add_argument("--lkh-runs", type=int, default=5)
    parser.add_argument("--ortools-ms", type=int, default=0, help="also score OR-Tools GLS")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    print(f"machine: {machine()}")
    print(f"started {time.strftime('%Y-%m-%d %H:%M:%S %Z')}; command: {' '.join(sys.argv)}")
    rng = random.Random(args.seed)
    rows: list[dict] = []
    for blocks in [int(b) for b in args.blocks.split(",")]:
        for stops in STOPS:
            for depot in ("corner", "mid-front"):
                for _ in range(args.trials):
                    layout, locs = _instance(rng, blocks, stops, depot)
                    route_plan(layout, locs[:3])  # warm the transition caches
                    c0, w0 = time.process_time(), time.perf_counter()
                    plan = route_plan(layout, locs)
                    cpu, wall = time.process_time() - c0, time.perf_counter() - w0
                    if stops <= 12:
                        ref, ref_kind = held_karp(layout, locs)[1], "held_karp"
                    else:
                        ref, ref_kind = _lkh(layout, locs, args.lkh_runs), "lkh3"
                    row = {
                        "blocks": blocks,
                        "stops": stops,
                        "depot": depot,
                        "method": plan.method,
                        "ref": ref_kind,
                        "excess": plan.length_m / ref - 1,
                        "cpu": cpu,
                        "wall": wall,
                    }
                    if args.ortools_ms and blocks >= 3 and stops >= 50:
                        w1 = time.perf_counter()
                        found = _ortools(layout, locs, args.ortools_ms)
                        row["ortools"] = None if found is None else found / ref - 1
                        row["ortools_wall"] = time.perf_counter() - w1
                    rows.append(row)
                print(
                    _line(
                        f"{blocks} blk {stops:>3} stops {depot}",
                        [
                            r
                            for r in rows
                            if (r["blocks"], r["stops"], r["depot"]) == (blocks, stops, depot)
                        ],
                    ),
                    flush=True,
                )
    print()
    print("by number of blocks (method; reference):")
    by_blocks: dict[int, list[dict]] = defaultdict(list)
    for r in rows:
        by_blocks[r["blocks"]].append(r)
    for blocks, group in sorted(by_blocks.items()):
        methods = "/".join(sorted({r["method"] for r in group}))
        print(_line(f"{blocks} blocks ({methods})", group))
    exact = [r for r in rows if r["ref"] == "held_karp"]
    if exact:
        print(_line("≤ 12 stops vs Held–Karp (exact)", exact))
    target = [r for r in rows if r["blocks"] >= 3 and r["stops"] >= 50]
    if target:
        print()
        print(_line("GOAL 3–6 blocks, 50–150 stops vs LKH-3", target))
        print("     (goal: mean ≤ 1 %, worst ≤ 3 %, ≤ 100 ms per list on one core)")
        beyond = [r for r in target if r["blocks"] >= 4]
        if beyond:
            print(_line("  of which 4–6 blocks (local search)", beyond))
        if args.ortools_ms:
            ort = [
                {**r, "excess": r["ortools"], "wall": r["ortools_wall"]}
                for r in target
                if r["ortools"] is not None
            ]
            missed = len(target) - len(ort)
            if ort:
                label = f"OR-Tools GLS {args.ortools_ms} ms, same lists"
                print(_line(label, ort).split(" | CPU")[0], end="")
            print(f"  ({missed} list(s) without any solution within the limit)")


if __name__ == "__main__":
    main()
