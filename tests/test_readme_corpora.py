"""The command for each corpus (docs/corpora.md, and README's example), run as written on a fixture tree with the
published release's layout, speakers, files per speaker and class, and known quirks (tests/published_corpora.py),
up to the split."""
import json
import re
import shlex

import pytest
import yaml

from tests import corpus_trees as trees
from tests import published_corpora as published
from tests.conftest import ROOT, update_params

pytestmark = pytest.mark.e2e
MARKER = "<!-- run by tests/test_readme_corpora.py::test_the_readme_command_for_each_corpus_imports_and_splits_it -->"
PAGES = ("docs/corpora.md", "README.md")  # every corpus' command; README's example repeats one of them


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


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_the_readme_command_for_each_corpus_imports_and_splits_it(project, command):
    args, source = COMMANDS[command], command.split()[0]
    settings = dict(arg.split("=", 1) for arg in args if "=" in arg)
    path = project.path
    shipped = yaml.safe_load((ROOT / "params.yaml").read_text())
    update_params(path / "params.yaml", {"split": shipped["split"]})  # the quotas a new user starts from
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

    result = project.dvc(*args[1:3], "split", *args[3:], check=False)  # dvc exp run split -S ...
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    corpus = json.loads((path / "metrics/corpus.json").read_text())
    split = json.loads((path / "metrics/split.json").read_text())
    assert corpus["source"] == source
    for name in ("labelled", "test"):  # every quota met
        quota = int(settings.get(f"split.{name}_per_class", shipped["split"][f"{name}_per_class"]))
        assert set(split[name]["per_class"].values()) == {quota}, (name, split[name])
    if command.endswith("emotion"):
        assert set(split["labelled"]["per_class"]) == {"angry", "happy", "sad", "neutral"}
    assert split["unlabelled"]["utterances"] > 0
    expected = {"crema_d": lambda: corpus["skipped"] == {"unreadable_audio": 1},
                "tess": lambda: corpus["converted"] == 4 and "24414 Hz, 1 channel, AIFF" in corpus["formats"],
                "msp_podcast": lambda: corpus["proxy_speakers"]["utterances"] > 1000}
    assert expected.get(source, lambda: corpus["skipped"] == {})(), corpus
