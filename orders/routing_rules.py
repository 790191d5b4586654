"""Pure routing: (demand, candidate warehouses with stock, config) → plan, with explanations.

No I/O here, so the same function routes live orders and replays draft configurations against
the candidate snapshots stored on past RoutingDecisions (`manage.py routing_replay`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from orders.choices import RoutingStrategy

_FAR = 10**9


@dataclass(frozen=True)
class Candidate:
    """A warehouse that feeds the channel, with its priority, distance and available units."""

    warehouse_id: int
    code: str
    priority: int
    distance_km: int | None
    available: Mapping[int, int]

    def as_dict(self) -> dict[str, Any]:
        return {
            "warehouse_id": self.warehouse_id,
            "code": self.code,
            "priority": self.priority,
            "distance_km": self.distance_km,
            "available": {str(k): v for k, v in self.available.items()},
        }

    @classmethod
    def from_dict(cls, row: Mapping[str, Any]) -> Candidate:
        return cls(
            warehouse_id=int(row["warehouse_id"]),
            code=str(row.get("code", "")),
            priority=int(row.get("priority", 1)),
            distance_km=row.get("distance_km"),
            available={int(k): int(v) for k, v in row.get("available", {}).items()},
        )


@dataclass(frozen=True)
class RoutingConfig:
    """The knobs of a routing policy."""

    strategy: str = RoutingStrategy.FEWEST_SHIPMENTS
    allow_split: bool = True
    shortage_policy: str = "backorder"
    max_distance_km: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "strategy": str(self.strategy),
            "allow_split": self.allow_split,
            "shortage_policy": str(self.shortage_policy),
            "max_distance_km": self.max_distance_km,
        }


@dataclass
class Plan:
    """What to take from which warehouse, what to backorder, and why."""

    allocations: dict[int, dict[int, int]] = field(default_factory=dict)
    backorder: dict[int, int] = field(default_factory=dict)
    explanations: list[dict[str, Any]] = field(default_factory=list)
    summary: str = ""

    @property
    def shipments(self) -> int:
        return sum(1 for units in self.allocations.values() if any(units.values()))

    @property
    def splits(self) -> int:
        return max(0, self.shipments - 1)

    @property
    def backordered_units(self) -> int:
        return sum(self.backorder.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "allocations": {
                str(w): {str(p): q for p, q in units.items()}
                for w, units in self.allocations.items()
            },
            "backorder": {str(p): q for p, q in self.backorder.items()},
            "shipments": self.shipments,
            "splits": self.splits,
            "backordered_units": self.backordered_units,
        }


def _fill(candidate: Candidate, demand: Mapping[int, int]) -> int:
    return sum(min(candidate.available.get(p, 0), q) for p, q in demand.items())


def _dist(c: Candidate) -> int:
    return _FAR if c.distance_km is None else int(c.distance_km)


def _order_key(strategy: str, c: Candidate, demand: Mapping[int, int]) -> tuple:
    if strategy == RoutingStrategy.NEAREST:
        return (_dist(c), c.priority, c.warehouse_id)
    if strategy == RoutingStrategy.PRIORITY:
        return (c.priority, _dist(c), c.warehouse_id)
    total = sum(demand.values())
    return (_fill(c, demand) < total, -_fill(c, demand), c.priority, _dist(c), c.warehouse_id)


def plan_routing(
    *, demand: Mapping[int, int], candidates: Sequence[Candidate], config: RoutingConfig
) -> Plan:
    """Decide which warehouses ship which units.

    * priority / nearest: walk the warehouses in that order; with splits, each takes what it
      can; without, the first one that can fill everything takes it all.
    * fewest_shipments: one warehouse if any can fill everything (best priority, then nearest);
      with splits otherwise, repeatedly the warehouse that covers most of what is left.
    * Without splits and with no warehouse able to fill all, everything waits (backorder).
    """
    demand = {p: q for p, q in demand.items() if q > 0}
    total = sum(demand.values())
    plan = Plan()
    rows: dict[int, dict[str, Any]] = {}
    kept: list[Candidate] = []
    for c in candidates:
        fill = _fill(c, demand)
        row = c.as_dict() | {"fill_units": fill, "fills_all": fill == total and total > 0}
        if config.max_distance_km is not None and _dist(c) > config.max_distance_km:
            row |= {"kept": False, "reason": f"farther than {config.max_distance_km} km"}
        elif fill == 0:
            row |= {"kept": False, "reason": "has none of the items available"}
        else:
            row |= {
                "kept": True,
                "reason": "can fill all" if row["fills_all"] else f"can fill {fill} of {total}",
            }
            kept.append(c)
        rows[c.warehouse_id] = row

    ordered = sorted(kept, key=lambda c: _order_key(config.strategy, c, demand))
    for rank, c in enumerate(ordered, start=1):
        rows[c.warehouse_id]["rank"] = rank
        rows[c.warehouse_id]["score"] = list(_order_key(config.strategy, c, demand))

    remaining = dict(demand)

    def take(c: Candidate) -> None:
        units = {}
        for p, q in remaining.items():
            n = min(q, c.available.get(p, 0))
            if n > 0:
                units[p] = n
        for p, n in units.items():
            remaining[p] -= n
        if units:
            plan.allocations[c.warehouse_id] = units
            rows[c.warehouse_id]["allocated"] = {str(p): n for p, n in units.items()}

    full = [c for c in ordered if _fill(c, demand) == total]
    if total == 0:
        plan.summary = "nothing to route"
    elif full and (not config.allow_split or config.strategy == RoutingStrategy.FEWEST_SHIPMENTS):
        take(full[0])
        plan.summary = f"{full[0].code} ships everything"
    elif not config.allow_split:
        plan.summary = "no single warehouse can fill the order and splits are not allowed: waits"
        for c in ordered:
            rows[c.warehouse_id]["reason"] += "; not chosen: splits not allowed"
    elif config.strategy == RoutingStrategy.FEWEST_SHIPMENTS:
        pool = list(ordered)
        while pool and any(remaining.values()):
            pool.sort(key=lambda c: _order_key(config.strategy, c, remaining))
            best = pool.pop(0)
            if _fill(best, remaining) == 0:
                break
            take(best)
        plan.summary = f"split over {plan.shipments} warehouse(s) to cover the most units"
    else:
        for c in ordered:
            if not any(remaining.values()):
                break
            take(c)
        plan.summary = f"{config.strategy}: {plan.shipments} warehouse(s)"

    plan.backorder = {p: q for p, q in remaining.items() if q > 0}
    if plan.backorder:
        plan.summary += f"; {sum(plan.backorder.values())} unit(s) backordered"
    for wid, row in rows.items():
        if row.get("kept") and wid not in plan.allocations and "not chosen" not in row["reason"]:
            row["reason"] += "; not needed"
    plan.explanations = [rows[c.warehouse_id] for c in candidates]
    return plan
