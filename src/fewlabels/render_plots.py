"""Render a chart of `dvc plots show` / `dvc plots diff` to PNG, for READMEs and papers; write the offline HTML
template for DVC's own pages.

    python -m fewlabels.render_plots "f1 RandomForest" plots/diff.png HEAD my-experiment
    python -m fewlabels.render_plots --html-template .dvc/plots.html

The first runs ``dvc plots diff --json`` on the given revisions (``dvc plots show`` when there are none)
and renders the named plot's Vega-Lite spec with vl-convert (no browser needed). The axes are titled by the
plot's ``x_label`` / ``y_label`` in the workspace's dvc.yaml (``--x-label`` / ``--y-label`` override them),
also where the compared revisions' own definitions have none.

The second writes the page DVC fills with its charts (``plots.html_template``): DVC's own page loads Vega
from a CDN, so offline it stays blank; this one holds Vega, Vega-Lite and vega-embed, from vl-convert.
"""
import argparse
import json
import subprocess
from pathlib import Path

import vl_convert
import yaml

from fewlabels.io import atomic_path

# DVC replaces these names in braces anywhere in the template: {plot_divs} with the charts, {refresh_tag} with a
# meta tag or nothing, and {scripts} with tags that load Vega from a CDN (hence absent from this page).
PAGE = """<!DOCTYPE html>
<html>
<head>
    <meta charset="utf-8">
    {refresh_tag}
    <title>DVC Plot</title>
    <script type="text/javascript">
(() => {
%(bundle)s
})();
    </script>
    <style>
        table {
            border-spacing: 15px;
        }
    </style>
</head>
<body>
    {plot_divs}
</body>
</html>
"""


def html_template() -> str:
    """DVC's page (``dvc_render.html.PAGE_HTML``) with vl-convert's bundle of Vega, Vega-Lite and vega-embed
    inlined instead of ``{scripts}``: the bundle sets ``window.vegaEmbed``, which DVC's chart divs call."""
    bundle = vl_convert.javascript_bundle()
    clashes = [text for text in ("</script", "{plot_divs}", "{refresh_tag}", "{scripts}") if text in bundle.lower()]
    if clashes:  # either would break the page: the browser ends the script there, DVC replaces the name
        raise ValueError(f"vl-convert's JavaScript bundle contains {clashes}; it cannot be inlined as it is")
    return PAGE % {"bundle": bundle}


def write_html_template(path: str | Path) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(html_template(), encoding="utf-8")


def axis_labels(plot: str, dvc_yaml: str | Path = "dvc.yaml") -> dict[str, str]:
    """``x_label`` / ``y_label`` of the plot ``plot`` in the top-level ``plots:`` of ``dvc_yaml`` (those it has)."""
    path = Path(dvc_yaml)
    definitions = (yaml.safe_load(path.read_text()) or {}).get("plots", []) if path.is_file() else []
    for definition in definitions:
        if isinstance(definition, dict) and plot in definition:
            return {key: value for key, value in (definition[plot] or {}).items() if key in ("x_label", "y_label")}
    return {}


def vega_lite_spec(plot: str, revisions: list[str], labels: dict[str, str] | None = None) -> dict:
    """The Vega-Lite spec DVC renders for ``plot``, data inlined, its axes titled by ``labels`` (``x_label``,
    ``y_label``: DVC's properties, here given to every revision's definition); a clear error if DVC has no such
    plot."""
    command = ["dvc", "plots", "diff", *revisions, "--json"] if revisions else ["dvc", "plots", "show", "--json"]
    for key, value in (labels or {}).items():
        command += [f"--{key.replace('_', '-')}", value]
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
    parser.add_argument("plot", nargs="?", help="plot id in dvc.yaml, e.g. 'f1 RandomForest'")
    parser.add_argument("output", nargs="?", help="PNG file to write")
    parser.add_argument("revisions", nargs="*", help="git revisions or experiment names to compare")
    parser.add_argument("--x-label", help="x axis title (default: the plot's x_label in dvc.yaml)")
    parser.add_argument("--y-label", help="y axis title (default: the plot's y_label in dvc.yaml)")
    parser.add_argument("--html-template", metavar="PATH",
                        help="instead, write the offline page for DVC's plots.html_template to PATH")
    args = parser.parse_args()
    if args.html_template:
        write_html_template(args.html_template)
        return
    if not args.output:
        parser.error("a plot id and an output file are required (or --html-template PATH)")
    labels = axis_labels(args.plot)
    labels.update({key: value for key, value in (("x_label", args.x_label), ("y_label", args.y_label)) if value})
    render_png(vega_lite_spec(args.plot, args.revisions, labels), args.output)


if __name__ == "__main__":
    main()
