"""Plots a user can open offline: DVC's pages inline Vega (the template `make install` writes) and load no script
from the network; every axis says what it shows, in dvc.yaml's plot definitions and in the PNG renderer."""
import re

import pytest
import yaml

from fewlabels import render_plots
from tests.conftest import ROOT, Project

PLOTS = yaml.safe_load((ROOT / "dvc.yaml").read_text())["plots"]
PLOT = "f1 SVM"  # one of the project's own definitions, drawn on tiny data
CURVE = ("fraction,handcrafted,code,egemaps,compare2016,embeddings\n"
         "0.5,{:.2f},0.40,0.52,,\n1.0,0.60,0.45,0.62,,\n")  # no ComParE, no embeddings: empty columns


def definitions(plots: list[dict]) -> dict[str, dict]:
    return {name: props for entry in plots for name, props in entry.items()}


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Project:
    """A git + DVC repo with the project's "f1 SVM" plot: revisions ``a`` and ``b`` define it without axis labels,
    the workspace with the project's; DVC's page is the offline template, set up as the Makefile does."""
    repo = Project(tmp_path_factory.mktemp("plots"))
    (repo.path / "plots/f1").mkdir(parents=True)
    repo.run("git", "init", "-q", "-b", "main")
    repo.run("git", "config", "user.name", "fewlabels tests")
    repo.run("git", "config", "user.email", "tests@fewlabels.invalid")
    repo.dvc("init", "-q")
    project = definitions(PLOTS)[PLOT]
    unlabelled = {key: value for key, value in project.items() if key not in ("x_label", "y_label")}
    for revision, handcrafted in (("a", 0.50), ("b", 0.55)):
        (repo.path / "dvc.yaml").write_text(yaml.safe_dump({"plots": [{PLOT: unlabelled}]}))
        (repo.path / "plots/f1/SVM.csv").write_text(CURVE.format(handcrafted))
        repo.run("git", "add", "-A")
        repo.run("git", "commit", "-q", "-m", revision)
        repo.run("git", "tag", revision)
    (repo.path / "dvc.yaml").write_text(yaml.safe_dump({"plots": [{PLOT: project}]}))
    render_plots.write_html_template(repo.path / ".dvc/plots.html")
    repo.dvc("config", "--local", "plots.html_template", "plots.html")
    return repo


def test_dvc_plots_page_inlines_vega_and_loads_no_script(repo, tmp_path):
    template = (repo.path / ".dvc/plots.html").read_text()
    assert "{plot_divs}" in template and "{scripts}" not in template  # DVC's CDN tags have nowhere to go
    repo.dvc("plots", "diff", "a", "-o", str(tmp_path / "page"))
    page = (tmp_path / "page/index.html").read_text()
    tags = re.findall(r"<script\b[^>]*>", page, flags=re.IGNORECASE)
    assert tags and not [tag for tag in tags if re.search(r"\bsrc\s*=", tag, flags=re.IGNORECASE)]
    assert not re.search(r"""<(?:link|img|iframe)\b[^>]*\b(?:href|src)\s*=\s*["']?(?:https?:)?//""", page,
                         flags=re.IGNORECASE)
    assert "window.vegaEmbed=" in page  # vl-convert's bundle, inlined
    assert "vegaEmbed('#" in page and '"weighted F1"' in page  # DVC's chart, drawn by it


@pytest.mark.parametrize("name", sorted(definitions(PLOTS)))
def test_every_plot_definition_titles_its_axes(name):
    props = definitions(PLOTS)[name]
    columns = props["y"].values() if isinstance(props["y"], dict) else [props["y"]]  # y: file -> field(s)
    fields = {"x", "y", props["x"], *(field for c in columns for field in ([c] if isinstance(c, str) else c))}
    for key in ("x_label", "y_label"):
        assert isinstance(props.get(key), str) and props[key].strip() and props[key] not in fields, (name, key)


def test_png_renderer_titles_the_axes_from_the_workspace_definition(repo, monkeypatch, tmp_path):
    monkeypatch.chdir(repo.path)
    monkeypatch.setenv("PATH", repo.env["PATH"])
    monkeypatch.setenv("DVC_NO_ANALYTICS", "1")

    def titles(spec: dict) -> set[tuple[str, str]]:
        found = set()
        for layer in [spec, *spec.get("layer", [])]:
            for channel in ("x", "y"):
                if channel in layer.get("encoding", {}):
                    found.add((channel, layer["encoding"][channel]["title"]))
        return found

    # a and b define the plot without labels: DVC alone titles the axes by the field names
    assert titles(render_plots.vega_lite_spec(PLOT, ["a", "b"])) == {("x", "fraction"), ("y", "y")}
    rendered, render_png = [], render_plots.render_png

    def spy(spec: dict, path) -> None:
        rendered.append(spec)
        render_png(spec, path)

    monkeypatch.setattr(render_plots, "render_png", spy)
    monkeypatch.setattr("sys.argv", ["render_plots", PLOT, str(tmp_path / "f1.png"), "a", "b"])
    render_plots.main()
    assert titles(rendered[0]) == {("x", "fraction of the labelled utterances used"), ("y", "weighted F1")}
    assert (tmp_path / "f1.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
