#!/usr/bin/env python3
"""Keeps each notebook (.ipynb) and its plain-Python copy (.py, percent format) in sync.

    python3 sync.py            clear the notebooks' outputs and rewrite every .py from its .ipynb
    python3 sync.py --check    change nothing; exit 1 naming every notebook whose .py differs
                               or which still holds outputs
    python3 sync.py --from-py  rewrite every .ipynb from its .py (for edits made in the .py)

Run it from anywhere; it works on the notebooks beside it (or on the directory given with
--dir). The percent format is the one jupytext and editors (VS Code, Spyder, PyCharm) read:
a cell starts with `# %%` (code), `# %% tags=["parameters"]` (code with tags) or
`# %% [markdown]` (markdown, every line commented with `# `); cells are separated by one
blank line. Only the json module is used, so no jupytext is needed.
"""
import argparse
import json
import pathlib
import sys

MARKDOWN = "# %% [markdown]"


def notebook_to_percent(notebook):
    """The percent-format text of a notebook (a dict as read from .ipynb JSON)."""
    blocks = []
    for cell in notebook["cells"]:
        source = "".join(cell["source"]).rstrip("\n")
        if cell["cell_type"] == "markdown":
            lines = [MARKDOWN] + [("# " + line).rstrip() for line in source.split("\n")]
        else:
            tags = cell.get("metadata", {}).get("tags", [])
            header = "# %%" + (" tags=" + json.dumps(tags) if tags else "")
            lines = [header] + (source.split("\n") if source else [])
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def percent_to_cells(text):
    """The cells of a percent-format text: (cell_type, tags, source) triples."""
    cells, current = [], None
    for line in text.rstrip("\n").split("\n"):
        if line.startswith("# %%"):
            if current:
                cells.append(current)
            kind = "markdown" if line.strip() == MARKDOWN else "code"
            tags = json.loads(line.split("tags=", 1)[1]) if "tags=" in line else []
            current = (kind, tags, [])
        elif current:
            if current[0] == "markdown":
                line = line[2:] if line.startswith("# ") else line[1:]
            current[2].append(line)
    if current:
        cells.append(current)
    return [(kind, tags, "\n".join(lines).rstrip("\n")) for kind, tags, lines in cells]


def cleared(notebook):
    """The notebook with every output and execution count removed."""
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    return notebook


def source_lines(text):
    lines = text.split("\n")
    return [line + "\n" for line in lines[:-1]] + [lines[-1]] if text else []


def percent_to_notebook(text, previous=None):
    """A notebook (nbformat 4.5) from percent-format text; keeps `previous`'s metadata."""
    cells = []
    for index, (kind, tags, source) in enumerate(percent_to_cells(text)):
        cell = {"cell_type": kind, "id": "cell-%02d" % (index + 1),
                "metadata": {"tags": tags} if tags else {}, "source": source_lines(source)}
        if kind == "code":
            cell.update(execution_count=None, outputs=[])
        cells.append(cell)
    metadata = (previous or {}).get("metadata") or {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"}}
    return {"cells": cells, "metadata": metadata, "nbformat": 4, "nbformat_minor": 5}


def dump(notebook):
    """JSON text as Jupyter itself writes it (indent 1, sorted keys), so saving is a no-op."""
    return json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def problems(directory):
    """(notebook name, problem) for every notebook out of sync or holding outputs."""
    found = []
    notebooks = sorted(directory.glob("*.ipynb"))
    if not notebooks:
        found.append((str(directory), "no notebooks found"))
    for path in notebooks:
        notebook = json.loads(path.read_text(encoding="utf-8"))
        copy = path.with_suffix(".py")
        if not copy.exists():
            found.append((path.name, "has no percent-format copy %s" % copy.name))
        elif copy.read_text(encoding="utf-8") != notebook_to_percent(notebook):
            found.append((path.name, "differs from its copy %s" % copy.name))
        if any(cell.get("outputs") or cell.get("execution_count") for cell in notebook["cells"]):
            found.append((path.name, "holds outputs (commit it with outputs cleared)"))
    for copy in sorted(directory.glob("[0-9]*.py")):
        if not copy.with_suffix(".ipynb").exists():
            found.append((copy.name, "has no notebook %s" % copy.with_suffix(".ipynb").name))
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="change nothing, report what is out of sync")
    mode.add_argument("--from-py", action="store_true", help="rewrite the notebooks from the .py copies")
    parser.add_argument("--dir", type=pathlib.Path, default=pathlib.Path(__file__).resolve().parent)
    args = parser.parse_args()
    if args.check:
        found = problems(args.dir)
        for name, problem in found:
            print("out of sync: %s %s (run `python3 Notebooks-export/sync.py`)" % (name, problem))
        print("%d notebooks checked, %d problems" % (len(list(args.dir.glob("*.ipynb"))), len(found)))
        return 1 if found else 0
    if args.from_py:
        for copy in sorted(args.dir.glob("[0-9]*.py")):
            path = copy.with_suffix(".ipynb")
            previous = json.loads(path.read_text(encoding="utf-8")) if path.exists() else None
            path.write_text(dump(percent_to_notebook(copy.read_text(encoding="utf-8"), previous)), encoding="utf-8")
            print("wrote", path)
        return 0
    for path in sorted(args.dir.glob("*.ipynb")):
        notebook = cleared(json.loads(path.read_text(encoding="utf-8")))
        path.write_text(dump(notebook), encoding="utf-8")
        path.with_suffix(".py").write_text(notebook_to_percent(notebook), encoding="utf-8")
        print("wrote", path.with_suffix(".py"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
