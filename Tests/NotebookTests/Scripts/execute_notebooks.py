#!/usr/bin/env python3
"""Executes notebooks headless with nbclient, as Jupyter would, without changing them.

    python3 execute_notebooks.py OUTDIR NOTEBOOK.ipynb...

Each notebook is validated against the nbformat 4 schema, then run in a fresh python3 kernel
with the notebook's own directory as working directory (as in Jupyter); the environment
(SELFASSEMBLE_RUN, SELFASSEMBLE_FIGURES, ...) is passed on to the kernel. The executed copy is
written to OUTDIR (never over the committed notebook). Prints `failed: NAME: ...` per notebook
that does not validate or raises, and exits 1 if any did.
"""
import os
import pathlib
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError


def main(outdir, paths):
    failures = []
    for path in paths:
        path = pathlib.Path(path).resolve()
        notebook = nbformat.read(path, as_version=4)
        try:
            nbformat.validate(notebook)
        except nbformat.ValidationError as error:
            failures.append(f"failed: {path.name}: not valid nbformat 4: {error.message}")
            continue
        client = NotebookClient(notebook, timeout=180, kernel_name="python3",
                                resources={"metadata": {"path": str(path.parent)}})
        try:
            client.execute()
        except CellExecutionError as error:
            failures.append(f"failed: {path.name}: {str(error)[-1500:]}")
        except Exception as error:  # the kernel could not start, a timeout, ...
            failures.append(f"failed: {path.name}: {type(error).__name__}: {error}")
        nbformat.write(notebook, os.path.join(outdir, path.name))
        print(f"executed {path.name}")
    for failure in failures:
        print(failure)
    return 1 if failures else 0


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2:]))
