"""The base of every ipssim agent: a Mesa agent whose id counter lets its model be freed.

Mesa 3.3 numbers each model's agents from a class-level table keyed by the model itself, which
holds every model that ever had an agent for the life of the process (mesa#3179, fixed after
Mesa 3.3.1). A worker running replications one after another kept each finished model, event
log and all, and the dashboard kept every model a reset replaced. ``ServiceAgent`` reads its
model's counter from the model instead, so the counter goes when the model does; ids stay
unique within a model, counted from 1 as in Mesa.
"""

from __future__ import annotations

import itertools

import mesa


class _CounterOnModel:
    """Stands in for Mesa's table of id counters: each model carries its own counter."""

    def __getitem__(self, model: mesa.Model) -> itertools.count:
        try:
            return model._agent_ids
        except AttributeError:
            model._agent_ids = counter = itertools.count(1)
            return counter


class ServiceAgent(mesa.Agent):
    """A Mesa agent of an IPS service (client, specialist, clinician or employer)."""

    _ids = _CounterOnModel()
