"""The generated tables of docs/odd.md (scenario parameters, constants still in the code), of
README.md (``ipssim.readme``) and of docs/calibration.md (``ipssim.calibration_doc``).

Usage: python -m ipssim.odd [--check] [PATH ...]

Rewrites the text between each pair of markers in those documents (or each PATH, by
its file name) from the code, so the tables cannot drift from it; ``--check`` changes nothing
and exits 1 if a table is out of date.
The parameter table comes from the scenario schema (description, unit, source, bounds); the
constants table from the module-level literal constants of the agents, the model and the
population, with the comment the code gives each one.
"""

from __future__ import annotations

import ast
import io
import re
import sys
import tokenize
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from ipssim import calibration_doc, readme
from ipssim.scenario import Scenario
from ipssim.schema.base import ASSUMPTION, CALIBRATED, EVIDENCE, SETTING, basis
from ipssim.schema.fields import bounds, extra, leaves

PACKAGE = Path(__file__).resolve().parent
DOCUMENT = PACKAGE.parent / "docs" / "odd.md"
README = PACKAGE.parent / "README.md"
CALIBRATION = PACKAGE.parent / "docs" / "calibration.md"
CONSTANT_MODULES = (
    "agents/client.py",
    "agents/reoffending.py",
    "agents/roster.py",
    "agents/service_day.py",
    "agents/specialist.py",
    "agents/clinician.py",
    "agents/employer.py",
    "model.py",
    "population.py",
)
MARKER = re.compile(
    r"(<!-- begin generated: (\w+) .*?-->\n)(.*?)(<!-- end generated: \2 -->)", re.DOTALL
)


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _allowed(field: FieldInfo) -> str:
    lo, hi = bounds(field)
    if lo is not None or hi is not None:
        low = _show(lo) if lo is not None else "-inf"
        return f"{low} to {_show(hi) if hi is not None else 'inf'}"
    if field.annotation is bool:
        return "true, false"
    if typing.get_origin(field.annotation) is typing.Literal:
        return ", ".join(_show(a) for a in typing.get_args(field.annotation))
    return "any"


def parameters(model: type[BaseModel] = Scenario) -> list[dict[str, str]]:
    """Every scenario parameter, in schema order, as table cells."""
    rows = []
    for name, field in leaves(model):
        kept = extra(field)
        if "source" not in kept:
            continue  # the scenario's name and description are labels, not parameters
        rows.append(
            {
                "name": name,
                "meaning": field.description or "",
                "unit": str(kept.get("unit", "")),
                "default": _show(field.default),
                "range": _allowed(field),
                "source": str(kept["source"]),
                "basis": basis(str(kept["source"])),
            }
        )
    return rows


def parameter_table() -> str:
    """The parameter table in Markdown, with a count of what the parameters stand on."""
    rows = parameters()
    counts = {
        b: sum(r["basis"] == b for r in rows) for b in (EVIDENCE, SETTING, CALIBRATED, ASSUMPTION)
    }
    lines = [
        f"{len(rows)} parameters: " + ", ".join(f"{n} {b}" for b, n in counts.items()) + ".",
        "",
        "| parameter | meaning | unit | default | range | source | basis |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            "| "
            + " | ".join(
                _cell(r[k])
                for k in ("name", "meaning", "unit", "default", "range", "source", "basis")
            )
            + " |"
        )
    return "\n".join(lines) + "\n"


def _comments(source: str) -> tuple[dict[int, str], dict[int, str]]:
    """Comment text by line number: comments after code, and comments on lines of their own."""
    trailing: dict[int, str] = {}
    alone: dict[int, str] = {}
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            own_line = token.line.strip().startswith("#")
            (alone if own_line else trailing)[token.start[0]] = token.string.lstrip("#").strip()
    return trailing, alone


def constants(modules: tuple[str, ...] = CONSTANT_MODULES) -> list[dict[str, str]]:
    """Module-level constants with literal values, with the comment on or just above their line."""
    rows = []
    for module in modules:
        source = (PACKAGE / module).read_text(encoding="utf-8")
        trailing, alone = _comments(source)
        for node in ast.parse(source).body:
            if not isinstance(node, ast.Assign):
                continue
            try:
                value = ast.literal_eval(node.value)
            except ValueError:
                continue  # computed from other names: not a free number
            targets = node.targets[0]
            names = [
                t.id
                for t in (targets.elts if isinstance(targets, ast.Tuple) else [targets])
                if isinstance(t, ast.Name)
            ]
            values = list(value) if isinstance(targets, ast.Tuple) else [value]
            note = trailing.get(node.lineno) or _comment_above(alone, node.lineno)
            for name, v in zip(names, values, strict=True):
                if name.isupper() and not name.startswith("_"):
                    rows.append(
                        {
                            "name": name,
                            "module": str(Path("ipssim") / module),
                            "value": _constant(v),
                            "comment": note,
                            "status": "assumption"
                            if "assumption" in note.lower()
                            else "no source given",
                        }
                    )
    return rows


def _comment_above(comments: dict[int, str], line: int) -> str:
    block: list[str] = []
    while line - 1 in comments:
        line -= 1
        block.insert(0, comments[line])
    return " ".join(block)


def _constant(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_show(v)}" for k, v in value.items())
    if isinstance(value, tuple):
        return ", ".join(_show(v) for v in value)
    return _show(value)


def constants_table() -> str:
    """Constants written in the code, assumptions first."""
    rows = sorted(constants(), key=lambda r: r["status"] != "assumption")
    lines = ["| constant | module | value | what the code says | status |", "|---|---|---|---|---|"]
    for r in rows:
        lines.append(
            "| "
            + " | ".join(_cell(r[k]) for k in ("name", "module", "value", "comment", "status"))
            + " |"
        )
    return "\n".join(lines) + "\n"


TABLES = {"parameters": parameter_table, "constants": constants_table}  # of docs/odd.md
DOCUMENTS: dict[Path, dict[str, Callable[[], str]]] = {
    DOCUMENT: TABLES,
    README: readme.TABLES,
    CALIBRATION: calibration_doc.TABLES,
}


# blocks another command writes (from files, not from the code), left as they are here
ELSEWHERE: dict[Path, dict[str, str]] = {
    CALIBRATION: {"posterior": "python -m ipssim.calibration.report"},
}


def render(text: str, tables: dict[str, Callable[[], str]] = TABLES) -> str:
    """``text`` with every generated block of ``tables`` rewritten from the code (any other
    block left as it is)."""

    def fill(match: re.Match[str]) -> str:
        make = tables.get(match.group(2))
        return match.group(0) if make is None else match.group(1) + make() + match.group(4)

    return MARKER.sub(fill, text)


def blocks(text: str) -> dict[str, str]:
    """The generated blocks of ``text`` by name."""
    return {m.group(2): m.group(3) for m in MARKER.finditer(text)}


def refresh(path: Path, check: bool) -> int:
    """Rewrite (or with ``check``, only check) the generated blocks of ``path``; 0 if all is
    well, 1 if a block is missing or, when checking, out of date."""
    tables = {d.name: t for d, t in DOCUMENTS.items()}.get(path.name)
    if tables is None:
        print(f"{path}: no generated tables are kept for a file of this name", file=sys.stderr)
        return 1
    text = path.read_text(encoding="utf-8")
    missing = set(tables) - set(blocks(text))
    if missing:
        print(f"{path}: no markers for {', '.join(sorted(missing))}", file=sys.stderr)
        return 1
    others = {d.name: e for d, e in ELSEWHERE.items()}.get(path.name, {})
    unknown = set(blocks(text)) - set(tables) - set(others)
    if unknown:
        print(f"{path}: no table is kept for {', '.join(sorted(unknown))}", file=sys.stderr)
        return 1
    new = render(text, tables)
    if check:
        stale = [name for name, body in blocks(new).items() if blocks(text)[name] != body]
        if stale:
            print(
                f"{path}: out of date ({', '.join(stale)}); run python -m ipssim.odd",
                file=sys.stderr,
            )
            return 1
        return 0
    path.write_text(new, encoding="utf-8")
    print(f"wrote the generated tables of {path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    check = "--check" in args
    paths = [Path(a) for a in args if a != "--check"] or list(DOCUMENTS)
    return max(refresh(path, check) for path in paths)


if __name__ == "__main__":
    sys.exit(main())
