"""A finished model can be freed: replications run one after another do not pile up."""

from __future__ import annotations

import gc
import weakref

import mesa

from ipssim.experiment import run_one
from ipssim.model import IPSModel
from tests.conftest import small


def test_a_finished_model_is_freed_once_dropped() -> None:
    model = IPSModel(small(), seed=1)
    model.run()
    ids = [agent.unique_id for agent in model.agents]
    assert len(ids) > 100 and len(set(ids)) == len(ids)  # ids stay unique within the model
    gone = weakref.ref(model)
    del model
    gc.collect()
    assert gone() is None


def test_replications_leave_no_model_behind() -> None:
    def live_models() -> int:
        gc.collect()
        return sum(isinstance(o, IPSModel) for o in gc.get_objects())

    before = live_models()
    for rep in range(3):
        run_one(small(), seed=2, rep=rep)
    assert live_models() == before
    assert not any(isinstance(m, IPSModel) for m in mesa.Agent._ids)
