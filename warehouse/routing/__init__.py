"""Walking routes over a parallel-aisle layout (pure functions, no database).

* `geometry` — the layout (aisles, blocks, cross aisles, depot), pick locations and the exact
  shortest walking distance between two locations;
* `single_block` — Ratliff & Rosenthal's exact dynamic programme for one block of aisles;
* `two_block` — Roodbergen & de Koster's exact dynamic programme for a middle cross aisle
  (two blocks), written over any number of cross aisles (used exactly up to three blocks);
* `multi_block` — four or more blocks: Held–Karp (exact) on small instances, else iterated
  local search (`local_search`: 2-opt, or-opt, double-bridge kicks) over the true aisle-graph
  distances;
* `sshape` — the traversal (S-shape) route that every pick list is compared against;
* `route` — `route_plan(...)` picks the method and returns the order, length and S-shape length.
"""

from .geometry import Layout, Location
from .route import RoutePlan, route_plan

__all__ = ["Layout", "Location", "RoutePlan", "route_plan"]
