"""Shared fixtures: tiny params, temporary git + DVC copies of the project (built once per test run: as committed,
and after a whole `dvc repro`), and the order in which the tests run."""
import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
# Everything a stage needs to run; outputs and caches are left behind.
PROJECT_FILES = ("dvc.yaml", "params.yaml", "pyproject.toml", "src", ".dvc/config", ".dvcignore", ".gitignore",
                 "data/unlabelled/.gitkeep")

TINY_PARAMS = {
    "corpus": {"synthetic": {"speakers": 9, "utterances_per_speaker": 6}},
    "split": {"labelled_per_class": 2, "test_per_class": 2, "unlabelled_per_class": None},
    "spectrogram": {"shard_size": 16},  # the unlabelled spectrograms in a few shards
    "handcrafted": {"sets": ["pyaudioanalysis"]},  # openSMILE's sets: tests/test_e2e.py adds them where it tests them
    "autoencoder": {"latent_dim": 8, "batch_size": 16, "max_epochs": 2, "patience": 2},
    "draws": {"fraction_step": 0.5, "largest_count": 2, "repeats": 2},
    "classify": {"classifiers": {"SVM": {}, "kNN": {"n_neighbors": 1}, "DecisionTree": {},
                                 "RandomForest": {"n_estimators": 10}, "AdaBoost": {"n_estimators": 5}}},
    "finetune": {"budgets": {"count": [1, 2]}, "repeats": 1, "max_epochs": 2, "fixed_epochs": 2, "batch_size": 8},
    "end_to_end": {"budgets": {"count": [1, 2]}, "repeats": 1, "max_epochs": 2, "fixed_epochs": 2, "batch_size": 8,
                   "filters": [2], "lstm_units": 4, "hidden_units": 4},
    "compare": {"bootstrap": 200, "low_budgets": 1},
}


def update_params(path: Path, overrides: dict) -> None:
    """Overwrite nested keys of the YAML file at ``path``; a mapping value updates the mapping it replaces."""
    def merge(into: dict, changes: dict) -> None:
        for key, value in changes.items():
            if isinstance(value, dict) and isinstance(into.get(key), dict) and value:
                merge(into[key], value)
            else:
                into[key] = value
    params = yaml.safe_load(path.read_text())
    merge(params, overrides)
    path.write_text(yaml.safe_dump(params, sort_keys=False))


class Project:
    """A temporary git repo holding a copy of the project, with the real ``dvc`` CLI."""

    def __init__(self, path: Path):
        self.path = path
        self.env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "DVC_NO_ANALYTICS": "1",
                    "PYTHONPATH": str(path / "src")}

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run(args, cwd=self.path, env=self.env, capture_output=True, text=True)
        if check and result.returncode != 0:
            raise AssertionError(f"{' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
        return result

    def dvc(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return self.run("dvc", *args, check=check)

    def stale_stages(self, *targets: str) -> set[str]:
        """Stages (of ``targets`` and upstream, or all) whose own deps or params changed."""
        with_deps = ("--with-deps", *targets) if targets else ()
        return set(json.loads(self.dvc("status", "--json", *with_deps).stdout))

    def stages_ran(self, *args: str) -> set[str]:
        """Run ``dvc *args`` (``repro``, ``exp run``, ...); the stages it ran."""
        return set(re.findall(r"Running stage '([\w-]+)'", self.dvc(*args).stdout))

    def repro_ran(self, *args: str) -> set[str]:
        """Run ``dvc repro *args``; the stages it ran."""
        return self.stages_ran("repro", *args)


def copy_tree(source: Path, target: Path) -> None:
    """Copy a repo (its .git and DVC cache included) into ``target``; mtimes kept, links kept as links."""
    shutil.copytree(source, target, symlinks=True, dirs_exist_ok=True)


def built_once(tmp_path_factory, name: str, build) -> Path:
    """``build(path)`` run once per test run, shared by the xdist workers (the first to ask builds it, the
    others wait for it); the path of what it built. Nobody may change what it built: tests copy it."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = tmp_path_factory.getbasetemp().parent  # this run's folder, shared by its workers
    else:
        root = tmp_path_factory.getbasetemp()
    path, done, failed = root / name, root / f"{name}.done", root / f"{name}.failed"
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if failed.is_file():  # once is enough
            pytest.fail(f"building the {name} project failed in another worker:\n{failed.read_text()}", pytrace=False)
        if not done.is_file():
            try:
                build(path)
            except BaseException as error:
                failed.write_text(f"{type(error).__name__}: {error}")
                raise
            done.touch()
    return path


def build_project(path: Path) -> None:
    """The project copied into a fresh git repo with tiny params, committed."""
    for name in PROJECT_FILES:
        source = ROOT / name
        target = path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        else:
            shutil.copy2(source, target)
    update_params(path / "params.yaml", TINY_PARAMS)
    repo = Project(path)
    repo.run("git", "init", "-q", "-b", "main")
    repo.run("git", "config", "user.name", "fewlabels tests")
    repo.run("git", "config", "user.email", "tests@fewlabels.invalid")
    repo.run("git", "add", "-A")
    repo.run("git", "commit", "-q", "-m", "project")


@pytest.fixture(scope="session")
def project_template(tmp_path_factory) -> Path:
    """The committed project with tiny params, built once per test run; never changed (copy it)."""
    return built_once(tmp_path_factory, "project", build_project)


@pytest.fixture(scope="session")
def baseline_template(tmp_path_factory, project_template) -> Path:
    """The project after one whole ``dvc repro``, its results committed, built once per test run; never changed."""
    def build(path: Path) -> None:
        copy_tree(project_template, path)
        repo = Project(path)
        repo.dvc("repro")
        repo.run("git", "add", "-A")
        repo.run("git", "commit", "-qm", "baseline results")
    return built_once(tmp_path_factory, "baseline", build)


@pytest.fixture
def project(tmp_path, project_template) -> Project:
    """The project in a fresh git repo with tiny params, committed (a copy of one built per run)."""
    copy_tree(project_template, tmp_path)
    return Project(tmp_path)


@pytest.fixture
def reproduced_project(tmp_path, baseline_template) -> Project:
    """``project`` after a whole ``dvc repro`` with the results committed as the baseline (a copy of one
    reproduction per run: its outputs, dvc.lock, DVC cache and git history)."""
    copy_tree(baseline_template, tmp_path)
    return Project(tmp_path)


# The longest tests, longest first (a few minutes each on 2 cores); other end-to-end tests follow them, then the rest.
LONGEST = ("test_queued_sweep_exp_show", "test_params_rerun_exactly_their_stages",
           "test_dvc_repro_on_a_crema_d_tree", "test_full_dvc_repro_then_plots_show", "test_dvc_repro_code_features",
           "test_the_opensmile_sets_run_on_the_same_chunks",
           "test_network_budgets_all_and_auto", "test_ravdess_stops_at_the_split", "test_emodb_with_chunks_too_short")


def pytest_configure(config) -> None:
    """Under pytest-xdist, hand tests to the workers one at a time (``--maxschedchunk 1`` unless given), so
    that a worker never queues a long test behind another while the other worker idles."""
    if getattr(config.option, "maxschedchunk", 0) is None:
        config.option.maxschedchunk = 1


def pytest_collection_modifyitems(config, items) -> None:
    """The longest first, so that the two workers of ``make test`` end together: the first test that needs the
    reproduced baseline (one worker builds it), then the end-to-end tests that start from nothing (the other
    worker runs them meanwhile), then the other end-to-end tests, then the rest; each group longest first."""
    def rank(item) -> tuple[int, int]:
        longest = next((i for i, name in enumerate(LONGEST) if item.name.startswith(name)), len(LONGEST))
        if item.get_closest_marker("e2e") is None:
            return 3, longest
        return (2 if "reproduced_project" in item.fixturenames else 1), longest
    items.sort(key=rank)  # stable: the file order within a rank
    first = next((i for i, item in enumerate(items) if rank(item)[0] == 2), None)
    if first is not None:
        items.insert(0, items.pop(first))


def pytest_terminal_summary(terminalreporter) -> None:
    """The rates the calibration tests record (``record_property("calibration", line)``), passed or not: a
    passing test's output is never shown, and under pytest-xdist its user properties still reach this report."""
    found = {}
    for reports in terminalreporter.stats.values():
        for report in reports:
            if getattr(report, "when", None) == "call":
                for name, value in getattr(report, "user_properties", ()):
                    if name == "calibration":
                        found.setdefault(report.nodeid, []).append(f"{report.outcome}: {value}")
    if found:
        terminalreporter.write_sep("=", "calibration of the compare statistics")
        for nodeid in sorted(found):
            terminalreporter.write_line(nodeid.rsplit("::", 1)[-1])
            for line in found[nodeid]:
                terminalreporter.write_line(f"    {line}")
