"""The command for each corpus (docs/corpora.md, and README's example), run as written on a fixture tree with the
published release's layout, speakers, files per speaker and class, and known quirks (tests/published_corpora.py),
from the shipped params.yaml to metrics/f1.json, with only the tiny-run settings of TINY_RUN added."""
import json
import re
import shlex
import shutil

import pytest
import yaml

from fewlabels.compare.decisions import MIN_TEST_SPEAKERS
from tests import corpus_trees as trees
from tests import published_corpora as published
from tests.conftest import ROOT

pytestmark = pytest.mark.e2e
MARKER = "<!-- run by tests/test_readme_corpora.py::test_the_readme_command_for_each_corpus_runs_to_the_results -->"
PAGES = ("docs/corpora.md", "README.md")  # every corpus' command; README's example repeats one of them
# Added to every command: fewer budgets, draws, epochs and resamples than a study uses, a few unlabelled clips per class
# for the autoencoder, and padding for the fixtures' 0.05 s clips (a real corpus' clips are as long as its min_signal).
TINY_RUN = ("draws.fraction_step=0.5", "draws.repeats=2", "split.unlabelled_per_class=8", "autoencoder.max_epochs=1",
            "finetune.max_epochs=1", "finetune.fixed_epochs=1", "finetune.repeats=1", "end_to_end.max_epochs=1",
            "end_to_end.fixed_epochs=1", "end_to_end.repeats=1", "compare.bootstrap=200", "audio.short_signals=pad",
            "handcrafted.sets=[pyaudioanalysis,egemaps]")  # the default sets, which the tiny project trims
NETWORKS = ("finetune", "scratch", "cnn_lstm")


def readme_commands() -> dict[str, list[str]]:
    """corpus.source (with " emotion" for emotion classes) -> the docs' ``dvc exp run`` command, as arguments,
    from every bash block after MARKER on PAGES; a corpus' command written twice must read the same."""
    commands = {}
    for page in PAGES:
        for block in ROOT.joinpath(page).read_text().split(MARKER)[1:]:
            block = block.split("```bash\n", 1)[1].split("```", 1)[0]
            for line in block.replace("\\\n", " ").splitlines():
                if line.startswith("dvc exp run "):
                    args = shlex.split(line, comments=True)
                    key = (re.search(r"corpus\.source=(\w+)", " ".join(args))[1]
                           + (" emotion" if "corpus.classes=emotion" in args else ""))
                    assert commands.setdefault(key, args) == args, f"{page}: two commands for {key}"
    return commands


COMMANDS = readme_commands()


def test_every_corpus_has_a_command():
    assert {key.split()[0] for key in COMMANDS} == set(published.BUILDERS)


def settings_of(command: str) -> dict[str, str]:
    """The params ``command`` sets with -S, by name."""
    return dict(arg.split("=", 1) for arg in COMMANDS[command] if "=" in arg)


def with_corpus(project, command: str) -> tuple[list[str], dict[str, str]]:
    """``project`` with the shipped params.yaml and the fixture tree of ``command``'s corpus (plus a few clips from
    elsewhere where the command names corpus.unlabelled_path), hash-tracked and committed as README says; the
    command's arguments and its settings."""
    args, source, settings = COMMANDS[command], command.split()[0], settings_of(command)
    path = project.path
    shutil.copy(ROOT / "params.yaml", path / "params.yaml")  # the params a new user starts from
    project.dvc("config", "cache.type", "hardlink,symlink")  # as README advises for large corpora
    published.BUILDERS[source](path / settings["corpus.path"])
    folders = [settings["corpus.path"]]
    if "corpus.unlabelled_path" in settings:  # ESC-US and other clips from elsewhere: a few, in folders
        for i in range(6):
            trees.clip(path / settings["corpus.unlabelled_path"] / f"{i % 3:02d}" / f"{i}.ogg", 44100, 0.05,
                       seed=i, fmt="OGG")
        folders.append(settings["corpus.unlabelled_path"])
    project.dvc("add", *folders)
    project.run("git", "add", "-A")
    project.run("git", "commit", "-qm", f"{source} corpus")
    return args, settings


def check_corpus_and_split(path, command: str, settings: dict[str, str]) -> dict:
    """The corpus stage read the corpus with its quirks, and the split met every quota; the split's metrics."""
    source = command.split()[0]
    corpus = json.loads((path / "metrics/corpus.json").read_text())
    split = json.loads((path / "metrics/split.json").read_text())
    assert corpus["source"] == source
    shipped = yaml.safe_load((ROOT / "params.yaml").read_text())
    for name in ("labelled", "test"):  # every quota met
        quota = int(settings.get(f"split.{name}_per_class", shipped["split"][f"{name}_per_class"]))
        assert set(split[name]["per_class"].values()) == {quota}, (name, split[name])
    if command.endswith("emotion"):
        assert set(split["labelled"]["per_class"]) == {"angry", "happy", "sad", "neutral"}
    assert split["unlabelled"]["speakers"] >= 2
    expected = {"crema_d": lambda: corpus["skipped"] == {"unreadable_audio": 1},
                "tess": lambda: corpus["converted"] == 4 and "24414 Hz, 1 channel, AIFF" in corpus["formats"],
                "msp_podcast": lambda: corpus["proxy_speakers"]["utterances"] > 1000}
    assert expected.get(source, lambda: corpus["skipped"] == {})(), corpus
    return split


def succeeded(result) -> None:
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize("source", sorted(published.BUILDERS))
def test_the_readme_command_for_each_corpus_imports_and_splits_it(project, source):
    """Every corpus' commands up to the split, in ``make test``: the quotas, quirks and budget checks (a corpus with
    two commands, one tree: the second adds settings to the first's)."""
    commands = sorted(command for command in COMMANDS if command.split()[0] == source)
    with_corpus(project, commands[0])
    for command in commands:
        args = COMMANDS[command]
        succeeded(project.dvc(*args[1:3], "split", *args[3:], check=False))  # dvc exp run split -S ...
        check_corpus_and_split(project.path, command, settings_of(command))


@pytest.mark.slow
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_the_readme_command_for_each_corpus_runs_to_the_results(project, command):
    """Every corpus' command as written, to metrics/f1.json and the results page (``make test-slow``)."""
    args, settings = with_corpus(project, command)
    path = project.path
    succeeded(project.dvc(*args[1:], *(arg for setting in TINY_RUN for arg in ("-S", setting)), check=False))
    split = check_corpus_and_split(path, command, settings)

    # the whole study ran: every method on the draws, the networks on the budgets this corpus gives, said so
    f1 = json.loads((path / "metrics/f1.json").read_text())
    labelled = max(split["labelled"]["per_class"].values())
    auto = [budget for budget in (1, 4, 16, 64) if budget < labelled]
    auto += [labelled] if labelled >= 2 * auto[-1] else []
    for stage in ("finetune", "end_to_end"):
        assert json.loads((path / f"metrics/{stage}.json").read_text())["budgets"] == {"count": auto}, stage
    classifiers = yaml.safe_load((ROOT / "params.yaml").read_text())["classify"]["classifiers"]
    families = ("handcrafted", "code", "egemaps")
    assert set(f1["methods"]) == {f"{family}/{name}" for family in families for name in classifiers} | set(NETWORKS)
    for method in NETWORKS:
        assert f1["adapted"][method]["budgets"].startswith(f"count {', '.join(map(str, auto))} of 1, 2, 4"), f1["adapted"]
    if len(split["labelled"]["per_class"]) < 5:  # kNN's 5 neighbours meet draws of 1 (padded) chunk per class
        for family in families:
            assert f1["adapted"][f"{family}/kNN"]["count 1"].startswith("n_neighbors="), f1["adapted"]
    few_speakers = f1["test_speakers"] < MIN_TEST_SPEAKERS
    for comparison in f1["comparisons"].values():
        assert (comparison["decision"] == "too few test speakers") == few_speakers, comparison
    page = (path / "docs/results.md").read_text()
    assert f"| finetune | budgets | count {', '.join(map(str, auto))} of 1, 2, 4" in page
    shown = project.dvc("metrics", "show", "--json").stdout
    assert "adapted" in shown and "budgets" in shown
