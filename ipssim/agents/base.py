"""The base of every ipssim agent: a Mesa agent whose id counter lets its model be freed.

Mesa 3.3 numbers each model's agents from a class-level table keyed by the model itself, which
holds every model that ever had an agent for the life of the process (mesa#3179, fixed after
Mesa 3.3.1). A worker running replications one after another kept each finished model, event
log and all, and the dashboard kept every model a reset replaced. ``ServiceAgent`` numbers
agents from the same kind of table, holding models weakly; ids stay unique within a model.
"""

from __future__ import annotations

import itertools
import weakref

import mesa


class _IdCounters(weakref.WeakKeyDictionary):
    """Each live model's counter of agent ids, from 1, made when the model's first agent is."""

    def __getitem__(self, model: mesa.Model) -> itertools.count:
        counter = self.get(model)
        if counter is None:
            counter = self[model] = itertools.count(1)
        return counter


class ServiceAgent(mesa.Agent):
    """A Mesa agent of an IPS service (client, specialist, clinician or employer)."""

    _ids = _IdCounters()
