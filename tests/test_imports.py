"""The data flows one way: no import circle, and no module imports one from a layer above it.

The graph is grimp's, with the imports made only for type checking counted too: a circle that
exists only for the type checker still ties two modules together.
"""

from __future__ import annotations

import graphlib

import grimp
import pytest

# lowest first; a module may import from its own layer or any layer below it
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "foundation",
        (
            "ipssim.version",
            "ipssim.errors",
            "ipssim.ranks",
            "ipssim.streams",
            "ipssim.clock",
            "ipssim.events",
            "ipssim.store",
            "ipssim.formatting",
            "ipssim.metrics",
            "ipssim.evidence",
        ),
    ),
    ("scenario", ("ipssim.schema", "ipssim.scenario")),
    ("population", ("ipssim.population",)),
    ("agents", ("ipssim.agents",)),
    ("model", ("ipssim.model",)),
    (
        "outcomes",
        (
            "ipssim.costing",
            "ipssim.outcomes",
            "ipssim.retention",
            "ipssim.service_rates",
            "ipssim.fidelity",
            "ipssim.fidelity_log",
            "ipssim.timecourse",
        ),
    ),
    (
        "experiment",
        (
            "ipssim.parameters",
            "ipssim.experiment",
            "ipssim.pool",
            "ipssim.executors",
            "ipssim.workers",
            "ipssim.trial",
            "ipssim.cluster_trial",
            "ipssim.sites",
            "ipssim.sweeps",
            "ipssim.sweep_runner",
            "ipssim.results",
            "ipssim.result_folder",
            "ipssim.odd",
            "ipssim.readme",
            "ipssim.calibration_doc",
        ),
    ),
    ("analysis", ("ipssim.analysis",)),
    ("calibration", ("ipssim.calibration",)),
    (
        "faces",
        (
            "ipssim.figures",
            "ipssim.plots",
            "ipssim.timecourse_figures",
            "ipssim.report",
            "ipssim.dashboard",
            "ipssim.calibration.figures",
            "ipssim.calibration.report",
        ),
    ),
    ("command line", ("ipssim.commands", "ipssim.cli")),
    ("api", ("ipssim", "ipssim.api")),  # the package's top (the module itself) and the API
)


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("ipssim", exclude_type_checking_imports=False)


def layer(module: str) -> int:
    """The rank of the layer a module belongs to (the longest matching prefix decides)."""
    best, rank = "", -1
    for i, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            inside = module == prefix or (prefix != "ipssim" and module.startswith(prefix + "."))
            if inside and len(prefix) > len(best):
                best, rank = prefix, i
    return rank


def imports(graph: grimp.ImportGraph) -> dict[str, set[str]]:
    return {m: graph.find_modules_directly_imported_by(m) for m in sorted(graph.modules)}


def test_every_module_has_a_layer(graph: grimp.ImportGraph) -> None:
    missing = sorted(m for m in graph.modules if layer(m) < 0)
    assert not missing, f"add these modules to a layer of LAYERS: {missing}"


def test_no_module_imports_from_a_layer_above(graph: grimp.ImportGraph) -> None:
    upward = []
    for importer, imported in imports(graph).items():
        for target in sorted(imported):
            if layer(importer) >= 0 and layer(target) > layer(importer):
                line = graph.get_import_details(importer=importer, imported=target)[0]
                upward.append(
                    f"{importer} ({LAYERS[layer(importer)][0]}) imports {target} "
                    f"({LAYERS[layer(target)][0]}), line {line['line_number']}: "
                    f"{line['line_contents']}"
                )
    assert not upward, "imports that run up the layers:\n" + "\n".join(upward)


def test_no_import_circle(graph: grimp.ImportGraph) -> None:
    deps = imports(graph)
    # a package's __init__ re-exporting its own modules is not a circle between modules
    for module in deps:
        deps[module] = {t for t in deps[module] if not module.startswith(t + ".")}
    try:
        tuple(graphlib.TopologicalSorter(deps).static_order())
    except graphlib.CycleError as error:
        pytest.fail("an import circle: " + " -> ".join(error.args[1]))


def test_the_check_sees_a_circle() -> None:
    """The circle test is not vacuous: a graph with a circle fails it."""
    graph = grimp.ImportGraph()
    graph.add_import(importer="ipssim.agents.client", imported="ipssim.agents.clinician")
    graph.add_import(importer="ipssim.agents.clinician", imported="ipssim.agents.client")
    with pytest.raises(pytest.fail.Exception, match="circle"):
        test_no_import_circle(graph)
    assert layer("ipssim.agents.client") < layer("ipssim.model") < layer("ipssim.commands.run")
