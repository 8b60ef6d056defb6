"""Interactive relationship maps: a networkx graph → one self-contained, offline HTML page.

* :mod:`.page` draws the page (``render_map``), folds big graphs (``reduce_graph``) and groups;
* :mod:`.evidence` reads what the evidence panel shows (quotes, citations, statuses, level, place);
* :mod:`.selection` applies ``--scope`` and ``--min-reliability`` to a projected graph.
"""

from .evidence import map_details
from .page import (DRAWN_LINKS_MIN, FOLD_MIN, FONT_STACK, KINDS, LABEL_LIMIT, MAX_NODES, PHYSICS_LIMIT, aliases_from_graph, display,
                   kind_style, measure_scores, reduce_graph, render_map)
from .selection import GRADES, SCOPES, filter_reliability, filter_scope

__all__ = ["render_map", "reduce_graph", "display", "kind_style", "PHYSICS_LIMIT", "MAX_NODES", "LABEL_LIMIT", "FOLD_MIN",
           "DRAWN_LINKS_MIN", "FONT_STACK", "KINDS", "aliases_from_graph", "measure_scores", "map_details", "filter_scope",
           "filter_reliability", "GRADES", "SCOPES"]
