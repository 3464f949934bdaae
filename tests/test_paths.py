"""The artifact paths of fewlabels.paths and dvc.yaml's deps and outs are the same paths."""
from pathlib import Path

import yaml

from fewlabels import paths
from fewlabels.compare.curves import PLOTTED_FAMILIES
from tests.conftest import ROOT

CONTAINERS = {paths.DATA, paths.MODELS, paths.PLOTS, paths.METRICS, paths.FEATURES, paths.PREDICTIONS}  # folders whose files dvc.yaml names one by one
NETWORK_STAGES = ("finetune", "end_to_end")


def dvc_paths() -> set[Path]:
    """Every dep, out and metric of dvc.yaml that is an artifact (not source code, not a templated corpus path)."""
    found = set()
    for stage in yaml.safe_load((ROOT / "dvc.yaml").read_text())["stages"].values():
        for key in ("deps", "outs", "metrics"):
            for entry in stage.get(key, []):
                path = next(iter(entry)) if isinstance(entry, dict) else entry
                if not path.startswith("src/") and "${" not in path:
                    found.add(Path(path))
    return found


def declared_paths() -> set[Path]:
    """Every path fewlabels.paths declares, its functions called with every split, family, stage and metric (the
    split tables lie in the declared folder data/splits)."""
    constants = {value for value in vars(paths).values() if isinstance(value, Path)} - CONTAINERS
    labelled_test = ("labelled", "test")
    return (constants
            | {paths.spectrograms(split) for split in labelled_test}
            | {paths.features(split, family) for split in labelled_test for family in paths.FEATURE_FILES}
            | {paths.predictions(stage) for stage in ("classify", *NETWORK_STAGES)}
            | {paths.network_logs(stage) for stage in NETWORK_STAGES}
            | {paths.metrics(name) for name in ("corpus", "split", "data", "autoencoder", "f1", *NETWORK_STAGES)})


def test_dvc_yaml_names_exactly_the_declared_artifact_paths():
    dvc, declared = dvc_paths(), declared_paths()
    assert dvc - declared == set(), "dvc.yaml names paths that fewlabels.paths does not declare"
    assert declared - dvc == set(), "fewlabels.paths declares paths that no stage of dvc.yaml names"


def test_dvc_yaml_plots_draw_the_families_every_curves_table_has():
    plots = [next(iter(entry.values())) for entry in yaml.safe_load((ROOT / "dvc.yaml").read_text())["plots"]]
    fields = [fields for plot in plots for path, fields in plot["y"].items() if path.startswith("plots/f1/")]
    assert fields and all(found[:len(PLOTTED_FAMILIES)] == list(PLOTTED_FAMILIES) for found in fields)
