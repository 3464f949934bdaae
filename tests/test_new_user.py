"""A new user's first runs on public corpora in their published layouts: each run ends with a result,
or stops early with one error line that says how to go on, and following it gets further."""
import json
import re

import pytest

from tests import corpus_trees as trees
from tests.conftest import update_params

pytestmark = pytest.mark.e2e


def add_corpus(project, *folders: str) -> None:
    """Hash-track ``folders`` with ``dvc add`` and commit, as README's "Bring your own corpus" says."""
    project.dvc("add", *folders)
    project.run("git", "add", "-A")
    project.run("git", "commit", "-qm", "corpus")


def exp_run(project, *settings: str, check: bool = True):
    args = [arg for setting in settings for arg in ("-S", setting)]
    return project.dvc("exp", "run", *args, check=check)


def one_error_line(result) -> str:
    """The run failed with exactly one ``error:`` line and no traceback; that line."""
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    errors = [line for line in output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, output
    return errors[0]


def test_ravdess_stops_at_the_split_with_the_quotas_that_fit_then_runs_to_the_end(project):
    """24 actors; with the default quotas the split cannot fill three speaker-disjoint sets."""
    trees.ravdess(project.path / "data/corpora/ravdess", actors=range(1, 25), seconds=3.2)
    update_params(project.path / "params.yaml", {"classify": {"classifiers": {"kNN": {}}}, "draws": {"fraction_step": 0.05}})
    add_corpus(project, "data/corpora/ravdess")
    corpus = ("corpus.source=ravdess", "corpus.path=data/corpora/ravdess")
    error = one_error_line(exp_run(project, *corpus, "split.labelled_per_class=100", "split.test_per_class=150",
                                   check=False))
    # RAVDESS has 4 negative emotions x 1 file per actor here: 96 < 100, so labelled takes every actor
    assert "class 'negative' would be missing from the test split" in error
    assert "Quotas not met: labelled negative 96 of 100 (24 speakers)" in error
    assert "The corpus has negative 96 utterances from 24 speakers, neutral 48 utterances from 24 speakers, " \
           "positive 24 utterances from 24 speakers" in error
    both = int(re.search(r"split\.labelled_per_class and split\.test_per_class (\d+)", error)[1])

    # the suggested quotas split; the default 3.75 s chunks are longer than every 3.2 s clip
    quotas = (f"split.labelled_per_class={both}", f"split.test_per_class={both}")
    error = one_error_line(exp_run(project, *corpus, *quotas, check=False))
    assert re.search(r"is at least audio\.min_signal 30000 samples \(3\.75 s at 8000 Hz\) long: lower "
                     r"audio\.min_signal", error), error
    split = json.loads((project.path / "metrics/split.json").read_text())
    assert split["labelled"]["per_class"]["positive"] == both and split["unlabelled"]["utterances"] > 0

    # README's RAVDESS settings: 3 s chunks of every clip (the whole study on them: tests/test_readme_corpora.py)
    ran = project.stages_ran("exp", "run", "spectrograms", *(arg for s in (*corpus, *quotas, "audio.min_signal=24000")
                                                              for arg in ("-S", s)))
    assert "spectrograms" in ran
    kept = json.loads((project.path / "metrics/data.json").read_text())["labelled"]["total"]
    assert kept["utterances"] == kept["kept"] == 3 * both and kept["chunks"] == 3 * both, kept  # one chunk a clip


def test_emodb_with_chunks_too_short_for_the_autoencoder_stops_in_the_first_stage(project):
    """1.5 s chunks at 8 kHz are (29, 200) spectrograms, too small for AE3: refused before anything runs."""
    trees.emodb(project.path / "data/corpora/emodb", seconds=2.0)
    add_corpus(project, "data/corpora/emodb")
    result = exp_run(project, "corpus.source=emodb", "corpus.path=data/corpora/emodb", "audio.min_signal=12000",
                     check=False)
    error = one_error_line(result)
    assert error.startswith("error: params.yaml: autoencoder.architecture AE3 cannot encode spectrograms of shape "
                            "(29, 200)"), error
    assert "raise audio.min_signal to at least 14800 samples, or set autoencoder.architecture to AE1 or AE2 or AE4" in error
    assert "Running stage 'synthesise'" in result.stdout and "Running stage 'corpus'" not in result.stdout
    # the way out it names gets past the check (the whole EmoDB study: tests/test_readme_corpora.py)
    settings = ("corpus.source=emodb", "corpus.path=data/corpora/emodb", "audio.min_signal=12000",
                "autoencoder.architecture=AE4")
    assert "spectrograms" in project.stages_ran("exp", "run", "spectrograms", *(a for s in settings for a in ("-S", s)))
    assert json.loads((project.path / "metrics/corpus.json").read_text())["excluded"] == {}


def test_a_network_budget_the_split_cannot_fill_is_refused_by_the_split_and_its_advice_runs(project):
    """The tiny corpus' split holds 2 labelled utterances per class: a count budget of 4 cannot be drawn, and the
    split (the first stage that knows) says so before any audio is read; ``all`` as advised is then drawn."""
    grid = ("draws.largest_count=8",)
    result = project.dvc("exp", "run", "split", "-S", *grid, "-S", "finetune.budgets.count=[1,4]", check=False)
    error = one_error_line(result)
    assert error == ("error: params.yaml: finetune.budgets.count 4 cannot be drawn from this corpus (the split's "
                     "biggest class has 2 labelled utterances): its count budgets are 1, all (2); pick from those, "
                     "or set finetune.budgets.count to auto"), error
    assert "Running stage 'split'" in result.stdout and "Running stage 'spectrograms'" not in result.stdout
    project.dvc("exp", "run", "split", "-S", *grid, "-S", "finetune.budgets.count=[1,all]")


def test_network_budgets_all_and_auto_resolve_on_the_drawn_grid_and_are_recorded(reproduced_project):
    project = reproduced_project  # tiny params: 2 labelled utterances per class, networks on count 1 and 2
    predictions = (project.path / "data/predictions/end_to_end.parquet").read_bytes()
    for budgets in ([1, "all"], "auto"):
        update_params(project.path / "params.yaml", {"end_to_end": {"budgets": {"count": budgets}}})
        assert project.repro_ran() == {"end_to_end"}  # the same draws: the same predictions, compare stays
        assert (project.path / "data/predictions/end_to_end.parquet").read_bytes() == predictions
        assert json.loads((project.path / "metrics/end_to_end.json").read_text())["budgets"] == {"count": [1.0, 2.0]}
    update_params(project.path / "params.yaml", {"draws": {"largest_count": 8}, "end_to_end": {"budgets": {"count": [1, 4]}}})
    error = one_error_line(project.dvc("repro", check=False))
    assert error.startswith("error: params.yaml: end_to_end.budgets.count 4 cannot be drawn from this corpus (the "
                            "biggest class has 2 labelled utterances with audio long enough)"), error
