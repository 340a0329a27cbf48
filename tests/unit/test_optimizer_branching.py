"""Branch-and-price never lets the bound fall on a node it could not settle."""

from __future__ import annotations

import time

from optimizer import branching


def test_a_node_infeasible_with_the_columns_at_hand_keeps_its_parents_bound(monkeypatch) -> None:
    """An LP with no solution over the columns generated so far does not prove the node has
    none: columns pricing never offered might meet its decisions. Before, the node was
    dropped, the tree ran out of nodes and its bound fell to minus infinity, so a block whose
    schedule was worth 90 read as proven optimal although 100 was not disproved."""

    def no_lp_solution(*_args, **_kwargs):
        raise RuntimeError("the restricted master LP has no solution")

    monkeypatch.setattr(branching, "generate_columns", no_lp_solution)
    tree = branching.Tree(master=None, root_bound=100.0)

    tree.step("highs", time.perf_counter() + 5, incumbent=lambda: 90.0, offer=lambda lam: None)

    assert tree.bound == 100.0
