"""Render a chart of `dvc plots show` / `dvc plots diff` to PNG, for READMEs and papers.

    python -m fewlabels.render_plots "f1 RandomForest" plots/diff.png HEAD my-experiment

runs ``dvc plots diff --json`` on the given revisions (``dvc plots show`` when there are none)
and renders the named plot's Vega-Lite spec with vl-convert (no browser needed).
"""
import argparse
import json
import subprocess
from pathlib import Path

import vl_convert

from fewlabels.io import atomic_path


def vega_lite_spec(plot: str, revisions: list[str]) -> dict:
    """The Vega-Lite spec DVC renders for ``plot``, data inlined; a clear error if DVC has no such plot."""
    command = ["dvc", "plots", "diff", *revisions, "--json"] if revisions else ["dvc", "plots", "show", "--json"]
    output = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
    charts = output.get("data", {}).get(plot)
    if not charts:
        raise ValueError(f"no plot {plot!r}; dvc knows: {', '.join(sorted(output.get('data', {})))}")
    return charts[0]["content"]


def render_png(spec: dict, path: str | Path, scale: float = 2.0) -> None:
    """Write a Vega-Lite ``spec`` as a PNG image to ``path``."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(vl_convert.vegalite_to_png(vl_spec=spec, scale=scale))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("plot", help="plot id in dvc.yaml, e.g. 'f1 RandomForest'")
    parser.add_argument("output", help="PNG file to write")
    parser.add_argument("revisions", nargs="*", help="git revisions or experiment names to compare")
    args = parser.parse_args()
    render_png(vega_lite_spec(args.plot, args.revisions), args.output)


if __name__ == "__main__":
    main()
