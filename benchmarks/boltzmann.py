"""The reference: Mesa's own Boltzmann wealth example (mesa/examples/basic/boltzmann_wealth_model),
restated here because importing ``mesa.examples`` pulls in networkx for other examples.

Agents move to a random neighbouring cell of a Moore grid and give one unit of wealth to a random
cellmate; the DataCollector records the Gini coefficient and every agent's wealth each step.
"""

from __future__ import annotations

import mesa
from mesa.discrete_space import CellAgent, OrthogonalMooreGrid


class MoneyAgent(CellAgent):
    def __init__(self, model: mesa.Model, cell) -> None:
        super().__init__(model)
        self.cell = cell
        self.wealth = 1

    def move(self) -> None:
        self.cell = self.cell.neighborhood.select_random_cell()

    def give_money(self) -> None:
        cellmates = [a for a in self.cell.agents if a is not self]
        if cellmates:
            other = self.random.choice(cellmates)
            other.wealth += 1
            self.wealth -= 1

    def step(self) -> None:
        self.move()
        if self.wealth > 0:
            self.give_money()


class BoltzmannWealth(mesa.Model):
    def __init__(self, n: int = 100, width: int = 10, height: int = 10, seed: int | None = None):
        super().__init__(seed=seed)
        self.grid = OrthogonalMooreGrid((width, height), random=self.random)
        self.datacollector = mesa.DataCollector(
            model_reporters={"Gini": self.compute_gini}, agent_reporters={"Wealth": "wealth"}
        )
        MoneyAgent.create_agents(self, n, self.random.choices(self.grid.all_cells.cells, k=n))
        self.datacollector.collect(self)

    def step(self) -> None:
        self.agents.shuffle_do("step")
        self.datacollector.collect(self)

    def compute_gini(self) -> float:
        wealth = sorted(self.agents.get("wealth"))
        n = len(wealth)
        b = sum(x * (n - i) for i, x in enumerate(wealth)) / (n * sum(wealth))
        return 1 + (1 / n) - 2 * b
