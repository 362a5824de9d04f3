"""The fuzzer: mutated shipped scenarios, ``--set`` values and sweep files put through the
``ipssim`` command in this process (run, compare, fidelity, trial, sites and sweep). Every case
ends in exit 2 with one message per line and no traceback, or is accepted with every value
exactly of its schema type and exactly as the input gave it (no value coerced: a whole number
is taken for a number field as that number, nothing else); each test sees both kinds of case.

Cases come from a seeded generator (``random.Random`` of the case's number, so a failing case is
reproduced by its number). An accepted input stops at the simulation: the command's runner is
replaced by one that checks the scenarios it was handed and stops, so the cases run in
milliseconds and the suite's other tests cover the simulation itself.
"""

from __future__ import annotations

import json
import math
import random
import re
import tomllib
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ipssim import cli
from ipssim.scenario import Scenario
from ipssim.schema.fields import bounds, leaves
from tests.conftest import SCENARIOS
from tests.test_strict import type_exact

CASES = {"scenario": 160, "set": 160, "sweep": 160, "trial": 160}  # 640 a run
MESSAGE = re.compile(r"ipssim( [a-z]+)?: error: \S")
PROGRESS = re.compile(r"\S+: +\d+%\|")
ACCEPTED = "accepted"  # what outcome() says of an input that passed every check
LONGEST_LINE = 2000  # an error lists the allowed keys of a section; never a whole value
FIELDS = dict(leaves(Scenario))
KEYS = list(FIELDS)
SECTIONS = sorted({key.split(".")[0] for key in KEYS if "." in key})
NESTED = [1]
for _ in range(60):
    NESTED = [NESTED]
VALUES: list[Any] = [
    True,
    False,
    0,
    1,
    -1,
    3,
    2**63,
    2**64,
    0.5,
    3.0,
    -0.25,
    1e308,
    math.inf,
    -math.inf,
    math.nan,
    "",
    "4",
    "true",
    "no",
    "cohort",
    "stream",
    "x" * 5000,
    "\u00e9\u4e2d\U0001f600",
    [],
    [1, 2],
    [True, False],
    {"a": 1},
    NESTED,
]
RAW = [
    "yes",
    "true",
    "false",
    "3",
    "3.0",
    "-1",
    "1e400",
    "nan",
    "inf",
    '"x"',
    "'3'",
    "[1, 2]",
    "{a = 1}",
    "[" * 1200 + "]" * 1200,
    "{a = " * 600 + "1" + "}" * 600,
    "",
    "=",
    "a b",
    "'unterminated",
    '"' + "z" * 10_000 + '"',
    "1 # comment",
    "0x10",
    "1_000",
    "2026-12-07",
    "\u00e9",
    "3\nx = 1",
]


class Accepted(Exception):  # noqa: N818 - not an error: the input passed every check
    """Raised where the simulation would start, carrying the validated scenarios."""

    def __init__(self, scenarios: list[Scenario]) -> None:
        self.scenarios = scenarios


def toml_value(value: Any) -> str:
    """``value`` written as TOML."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return "{" + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + "}"


def toml_text(data: dict[str, Any]) -> str:
    """A scenario or sweep dictionary as a TOML document (every table inline)."""
    return "".join(f"{json.dumps(k)} = {toml_value(v)}\n" for k, v in data.items())


def mutate_scenario(rng: random.Random, data: dict[str, Any]) -> dict[str, Any]:
    """One to three changes of a scenario dictionary: a value of any type, an unknown key, a
    section replaced by a value, or a strange ``extends``."""
    for _ in range(rng.randint(1, 3)):
        kind = rng.random()
        if kind < 0.6:
            *sections, key = rng.choice(KEYS).split(".")
            node = data
            for section in sections:
                node = node.setdefault(section, {})
                if not isinstance(node, dict):
                    break
            else:
                node[key] = rng.choice(VALUES)
        elif kind < 0.75:
            section = rng.choice(SECTIONS)
            if isinstance(data.get(section), dict):
                data[section][rng.choice(["wibble", "specialist", "x" * 300])] = 1
        elif kind < 0.85:
            data[rng.choice(SECTIONS)] = rng.choice(VALUES)
        else:
            data["extends"] = rng.choice(
                [
                    "base.toml",
                    "gatekept.toml",
                    "../pyproject.toml",
                    "/etc/passwd",
                    "/etc/hostname.toml",
                    "a\x00.toml",
                    "a" * 300 + ".toml",
                    "",
                    "self.toml",
                    5,
                    str(SCENARIOS / "base.toml"),
                ]
            )
    return data


def plausible(rng: random.Random, key: str) -> Any:
    """A value of the field's own type within its bounds, so that many cases are accepted and
    what is accepted can be checked; None for a field of another kind (a table)."""
    field = FIELDS[key]
    kind = field.annotation
    low, high = bounds(field)
    if typing.get_origin(kind) is typing.Literal:
        return rng.choice(typing.get_args(kind))
    if kind is bool:
        return rng.random() < 0.5
    if kind is int:
        low = 0 if low is None else low
        return rng.randint(low, low + 3 if high is None else min(high, low + 3))
    if kind is float:
        low = 0.0 if low is None else low
        high = low + 1.0 if high is None else min(high, low + 10.0)
        return rng.choice([low + rng.random() * (high - low), int(low)])  # a whole number too
    return None


def random_override(rng: random.Random) -> str:
    """A ``--set`` of a real key to a plausible value (written as TOML or as bare text), or of a
    real, misspelt or partial key to a raw value."""
    key = rng.choice(KEYS)
    if rng.random() < 0.5 and (value := plausible(rng, key)) is not None:
        return f"{key}={rng.choice([toml_value(value), str(value)])}"
    key = rng.choice(
        [
            *rng.sample(KEYS, 3),
            rng.choice(SECTIONS),
            "service.wibble",
            "service.specialists.x",
            "",
            ".",
            "service..specialists",
            "x" * 500,
        ]
    )
    separator = rng.choice(["=", "=", "=", " = ", ":"])
    return f"{key}{separator}{rng.choice(RAW)}"


def value_for(rng: random.Random, key: str) -> Any:
    """Half the time a plausible value of field ``key``, else any value."""
    value = plausible(rng, key) if key in FIELDS and rng.random() < 0.5 else None
    return rng.choice(VALUES) if value is None else value


def mutate_sweep(rng: random.Random, base: Path) -> dict[str, Any]:
    """A sweep file on a shipped scenario with random levers, values and settings."""
    data: dict[str, Any] = {"base": str(base), "reps": 1}
    lever = rng.choice([*rng.sample(KEYS, 4), "service.specialists", "service.wibble", "run"])
    values = [value_for(rng, lever) for _ in range(rng.randint(1, 3))]
    table = rng.choice(["grid", "zip", "set", "sample"])
    if table == "sample":
        data["sample"] = {
            "n": rng.choice([2, 4, 0, "4", 2.5]),
            "method": rng.choice(["lhs", "sobol", "random"]),
            "ranges": {lever: rng.choice([values[:2], [0, 1], [False, True], 3, [1, 1]])},
        }
    else:
        data[table] = {lever: values if table != "set" else values[0]}
        if table == "set":
            data["grid"] = {"service.caseload_cap": [10, 20]}
    for key, choices in {
        "reps": [1, 0, -1, "2", True, 2**40],
        "seed": [0, 1, -1, 2**63, 2**64, 1.5, "1"],
        "name": ["ok", "", "../../escape", "a/b", "x" * 200, "\x00"],
        "metrics": [["employment_rate"], ["wibble"], "employment_rate", [1]],
        "base": [str(base), "nowhere.toml", "/etc/passwd", "../../x.toml", "a\x00.toml", "", 3],
    }.items():
        if rng.random() < 0.15:
            data[key] = rng.choice(choices)
    return data


Given = dict[str, list[Any]]  # the values an input gave each scenario field, by dotted key
UNCHECKED = ("name", "description")  # labels, which compare may change, not levers


def same(value: Any, given: Any) -> bool:
    """``value`` is ``given`` unconverted (an int given for a float field is the same number)."""
    if type(value) is float and type(given) is int:
        return value == given
    if isinstance(value, float) and isinstance(given, float) and math.isnan(value):
        return math.isnan(given)
    return type(value) is type(given) and value == given


def converted(scenarios: list[Scenario], given: Given) -> list[str]:
    """The fields whose accepted value is not one the input gave for them."""
    wrong = []
    for scenario in scenarios:
        for key, choices in given.items():
            value: Any = scenario
            for part in key.split("."):
                value = getattr(value, part)
            if not any(same(value, choice) for choice in choices):
                wrong.append(f"{key}={value!r:.60} from {choices!r:.60}")
    return wrong


def given_in(table: dict[str, Any], prefix: str = "") -> Given:
    """The scenario fields a (nested) table of a file gives values to."""
    found: Given = {}
    for key, value in table.items():
        dotted = prefix + key
        if isinstance(value, dict) and dotted not in KEYS:
            found |= given_in(value, dotted + ".")
        elif dotted in KEYS and dotted not in UNCHECKED:
            found[dotted] = [value]
    return found


def given_by_set(argv: list[str]) -> Given:
    """The fields that the ``--set`` options of ``argv`` give values to, read as the command
    documents: a TOML value, or the text of one bare word; the last one of a key wins."""
    found: Given = {}
    for option, text in zip(argv, argv[1:], strict=False):
        if option != "--set" or "=" not in text:
            continue
        dotted, raw = (part.strip() for part in text.split("=", 1))
        if dotted not in KEYS:
            continue
        try:
            found[dotted] = [tomllib.loads(f"v = {raw}")["v"]]
        except (tomllib.TOMLDecodeError, RecursionError):
            found[dotted] = [raw]
    return found


@pytest.fixture
def stop_at_simulation(monkeypatch) -> None:
    """The commands' runners replaced by one that raises Accepted with what they were given."""
    from ipssim import sites
    from ipssim.commands import compare, fidelity, run, sweep, trial

    def scenarios_of(scenario: Scenario, *args: Any, **kwargs: Any) -> Any:
        raise Accepted([scenario])

    def arms(arm_a: Scenario, arm_b: Scenario, *args: Any) -> Any:
        raise Accepted([arm_a, arm_b])  # before the trial's design sets its size and horizon

    def sweep_points(sweep: Any, *args: Any, **kwargs: Any) -> Any:
        raise Accepted(sweep.scenarios())

    for command in (run, compare, fidelity):
        monkeypatch.setattr(command, "replicate", scenarios_of)
    monkeypatch.setattr(trial, "design", arms)
    monkeypatch.setattr(sites, "simulate", scenarios_of)
    monkeypatch.setattr(sweep, "run_sweep", sweep_points)


def outcome(capsys, argv: list[str], given: Given) -> str:
    """ "" when the case behaved (refused in one-line messages, or accepted type-exact and as
    given), ACCEPTED when it was accepted, else what went wrong."""
    try:
        try:
            code = cli.main(argv)
        except SystemExit as exc:
            code = exc.code
    except Accepted as accepted:
        capsys.readouterr()
        wrong = [w for s in accepted.scenarios for w in type_exact(s)]
        wrong += converted(accepted.scenarios, given)
        return f"accepted values of another type: {wrong[:3]}" if wrong else ACCEPTED
    except Exception as exc:  # a traceback: the bug this test is for
        capsys.readouterr()
        return f"traceback: {type(exc).__name__}: {str(exc)[:200]}"
    out, err = capsys.readouterr()
    if code != 2:
        return f"exit {code}"
    lines = [line.strip() for line in err.splitlines() if line.strip()]
    lines = [line for line in lines if not (PROGRESS.match(line) or line.startswith("warning: "))]
    if not lines or not all(MESSAGE.match(line) for line in lines):
        return f"not one message per line: {err[:300]!r}"
    if max(len(line) for line in lines) > LONGEST_LINE or out:
        return f"a line of {max(len(line) for line in lines)} characters, or output on stdout"
    return ""


def fuzz(capsys, count: int, case: Callable[[random.Random, int], tuple[list[str], Given]]) -> None:
    """Run ``count`` cases; each must behave, and some must be accepted, some refused."""
    failures, accepted = [], 0
    for number in range(count):
        argv, given = case(random.Random(number), number)
        problem = outcome(capsys, argv, given)
        if problem == ACCEPTED:
            accepted += 1
        elif problem:
            failures.append(f"case {number} ({[a[:100] for a in argv]}): {problem}")
    assert failures == [], "\n".join(failures[:5])
    assert 0 < accepted < count, f"{accepted} of {count} cases accepted"


def test_mutated_shipped_scenarios(capsys, tmp_path: Path, stop_at_simulation: None) -> None:
    shipped = sorted(SCENARIOS.glob("*.toml"))

    def case(rng: random.Random, number: int) -> tuple[list[str], Given]:
        source = rng.choice(shipped)
        data = mutate_scenario(rng, tomllib.loads(source.read_text()))
        if data.get("extends") == "self.toml":
            data["extends"] = f"case{number}.toml"
        elif isinstance(data.get("extends"), str) and "/" not in data["extends"]:
            data["extends"] = str(SCENARIOS / data["extends"])
        path = tmp_path / f"case{number}.toml"
        path.write_text(toml_text(data), encoding="utf-8")
        command = rng.choice(["run", "run", "compare"])
        files = [str(path)] * (2 if command == "compare" else 1)
        return [command, *files, "--reps", "1"], given_in(data)

    fuzz(capsys, CASES["scenario"], case)


def test_random_set_values(capsys, stop_at_simulation: None) -> None:
    base = str(SCENARIOS / "base.toml")

    def case(rng: random.Random, number: int) -> tuple[list[str], Given]:
        argv = rng.choice(
            [
                ["run", base],
                ["run", base],
                ["fidelity", base],
                ["trial", base, base, "--trials", "2"],
                ["sites", "--n", "2"],  # the schema's defaults
                ["sites", "--n", "2", "--base", base],
            ]
        )
        for _ in range(rng.randint(1, 3)):
            argv += ["--set", random_override(rng)]
        if rng.random() < 0.2:
            argv += [rng.choice(["--reps", "--seed"]), rng.choice(RAW)]
        return argv, given_by_set(argv)

    fuzz(capsys, CASES["set"], case)


WHOLE = ["1", "3", "4", "6", "100001", "400000", "400001", "2" * 20]  # sizes, some too big
NOT_SIZES = ["0", "-4", "4.5", "2.0", "1e3", "0x4", "", "x"]


def test_random_trial_designs(capsys, monkeypatch, stop_at_simulation: None) -> None:
    """The sizes of both designs: a size the command lets through must fit the arms."""
    from ipssim import trial
    from ipssim.commands import trial as command
    from ipssim.scenario import ScenarioError

    def sized(arm_a: Scenario, arm_b: Scenario, n: int, months: float) -> Any:
        try:
            trial.design(arm_a, arm_b, n, months)
        except ScenarioError as exc:
            raise AssertionError(f"let through {n} clients a trial: {exc}") from None
        raise Accepted([arm_a, arm_b])

    monkeypatch.setattr(command, "design", sized)
    arms = [str(SCENARIOS / f"{name}.toml") for name in ("justice_trial", "justice_trial_control")]

    def case(rng: random.Random, number: int) -> tuple[list[str], Given]:
        argv = ["trial", *arms, "--trials", "1"]
        if rng.random() < 0.8:
            argv += ["--design", rng.choice(["cluster", "cluster", "cluster", "individual", "x"])]
        for option in ("--sites", "--clients-per-site", "--n"):
            if rng.random() < (0.3 if option == "--n" else 0.7):
                argv += [option, rng.choice(WHOLE if rng.random() < 0.75 else NOT_SIZES)]
        if rng.random() < 0.3:
            argv += ["--ips-levers", rng.choice(["drawn", "given", "", "Given"])]
        return argv, {}

    fuzz(capsys, CASES["trial"], case)


def test_mutated_sweep_files(capsys, tmp_path: Path, stop_at_simulation: None) -> None:
    shipped = sorted(SCENARIOS.glob("*.toml"))

    def case(rng: random.Random, number: int) -> tuple[list[str], Given]:
        path = tmp_path / f"sweep{number}.toml"
        data = mutate_sweep(rng, rng.choice(shipped))
        path.write_text(toml_text(data), encoding="utf-8")
        given = given_in(data.get("set", {}))
        for table in ("grid", "zip"):  # a point takes one of the lever's values
            for key, (values,) in given_in(data.get(table, {})).items():
                given[key] = values if isinstance(values, list) else [values]
        return ["sweep", str(path), "--out", str(tmp_path / f"out{number}")], given

    fuzz(capsys, CASES["sweep"], case)
