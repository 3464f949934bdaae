"""README.md and docs/*.md: every bash command names the test that runs it (and that test runs it as written), every
relative link resolves, every -S setting names a param, and README stays a front page."""
import ast
import os
import re
import shlex
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest
import yaml

from tests.documented import commands, normalise

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
GENERATED = {"docs/results.md"}  # rendered by the pipeline, so absent from a fresh checkout
MARKER = re.compile(r"<!-- run by (tests/\w+\.py)::(\w+) -->")
MAKE_MARKER = "<!-- run by tests/test_docs.py::test_the_make_commands_run_the_study_and_the_suite -->"
FENCE = re.compile(r"^\s*```(\S*)\s*$")
README_LINES = 200



def bash_blocks() -> list[tuple[str, int, re.Match | None, list[str]]]:
    """(page, line number, the marker on the line before the fence or None, the block's lines) of every bash block."""
    found = []
    for page in PAGES:
        lines = page.read_text().splitlines()
        i = 0
        while i < len(lines):
            fence = FENCE.match(lines[i])
            if not fence:
                i += 1
                continue
            end = next(j for j in range(i + 1, len(lines)) if FENCE.match(lines[j]))
            if fence[1] == "bash":
                marker = MARKER.fullmatch(lines[i - 1].strip()) if i else None
                found.append((str(page.relative_to(ROOT)), i + 1, marker, lines[i + 1:end]))
            i = end + 1
    return found


BLOCKS = bash_blocks()


@cache
def source_of(path: str) -> str:
    return (ROOT / path).read_text()


@cache
def argument_lists(path: str) -> list[list[str]]:
    """Every command the test file spells as constant string arguments: ``project.dvc("exp", "run", ...)`` is
    ``dvc exp run ...``; ``project.run("python", "-m", ...)`` and ``subprocess.run(["make", ...])`` as they are."""
    found = []
    for node in ast.walk(ast.parse(source_of(path))):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        args = node.args
        if len(args) == 1 and isinstance(args[0], (ast.List, ast.Tuple)):
            args = args[0].elts
        if not all(isinstance(arg, ast.Constant) and isinstance(arg.value, str) for arg in args):
            continue
        values = [arg.value for arg in args]
        found.append(values)
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        if name in ("dvc", "stages_ran"):  # project.dvc(...) and project.stages_ran(...) run dvc
            found.append(["dvc", *values])
    return found


def run_by(command: str, path: str) -> bool:
    """The test file runs ``command`` as written: its text occurs in the file (whitespace normalised) as a whole
    quoted string — not as the start of a longer command — or the file spells it as arguments."""
    if re.search(r"([\"'`])" + re.escape(command) + r"\1", normalise(source_of(path))):
        return True
    return shlex.split(command) in argument_lists(path)


def test_every_bash_block_names_a_test_that_exists():
    assert BLOCKS
    for page, line, marker, _ in BLOCKS:
        assert marker, f"{page}:{line}: a bash block needs <!-- run by tests/<file>.py::<test> --> on the line before"
        path, name = marker.groups()
        assert (ROOT / path).is_file(), f"{page}:{line}: no {path}"
        functions = {node.name for node in ast.walk(ast.parse(source_of(path))) if isinstance(node, ast.FunctionDef)}
        assert name in functions, f"{page}:{line}: no test {name} in {path}"


def test_every_marker_stands_right_before_a_bash_block():
    for page in PAGES:
        lines = page.read_text().splitlines()
        for i, line in enumerate(lines):
            if MARKER.search(line):
                assert i + 1 < len(lines) and FENCE.match(lines[i + 1]) and FENCE.match(lines[i + 1])[1] == "bash", \
                    f"{page.relative_to(ROOT)}:{i + 1}: a run-by marker must stand on the line before a ```bash block"


def test_every_command_is_run_by_the_test_its_block_names():
    missing = []
    for page, line, marker, block in BLOCKS:
        if not marker:
            continue
        path, name = marker.groups()
        if marker[0] in source_of(path) and f'"{page}"' in source_of(path):  # the test reads the page's block
            continue
        for command in commands(block):
            if not run_by(command, path):
                missing.append(f"{page}:{line}: {path}::{name} does not run: {command}")
    assert not missing, "\n".join(missing)


def test_the_make_commands_run_the_study_and_the_suite():
    """README's two commands: a dry run of each make target ends in the command the end-to-end tests and the suite
    run (make -n executes nothing)."""
    if not shutil.which("make"):
        pytest.skip("make is not installed")
    readme = (ROOT / "README.md").read_text()
    block = readme.split(MAKE_MARKER, 1)[1].split("```bash\n", 1)[1].split("```", 1)[0].splitlines()
    expected = {"make repro": "dvc repro", "make test": "pytest "}  # the study as the end-to-end tests run it; pytest
    assert commands(block) == list(expected)
    for command, recipe in expected.items():
        outer = ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")  # under `make test` the suite itself runs inside make
        env = {key: value for key, value in os.environ.items() if key not in outer}
        dry = subprocess.run([*command.split(), "-n", "--no-print-directory"], cwd=ROOT, capture_output=True,
                             text=True, env=env)
        assert dry.returncode == 0, dry.stderr
        last = dry.stdout.splitlines()[-1]
        assert last == recipe or recipe.endswith(" ") and last.startswith(recipe), dry.stdout


def settings() -> list[tuple[str, str]]:
    """(page, the value of each -S) of every ``dvc exp run`` in a bash block."""
    found = []
    for page, _, _, block in BLOCKS:
        for command in commands(block):
            args = shlex.split(command)
            if args[:3] == ["dvc", "exp", "run"]:
                found += [(page, value) for flag, value in zip(args, args[1:]) if flag == "-S"]
    return found


def test_every_setting_names_a_param_of_params_yaml():
    params = yaml.safe_load((ROOT / "params.yaml").read_text())
    assert settings()
    for page, setting in settings():
        key = setting.split("=", 1)[0]
        *parents, leaf = key.lstrip("+").split(".")
        section = params
        for part in parents:
            assert isinstance(section, dict) and part in section, f"{page}: no param {key} in params.yaml"
            section = section[part]
        if key.startswith("+"):  # hydra's "+" adds a key that params.yaml lacks
            assert isinstance(section, dict) and leaf not in section, f"{page}: {key} adds a key that exists"
        else:
            assert isinstance(section, dict) and leaf in section, f"{page}: no param {key} in params.yaml"


def slug(heading: str) -> str:
    """GitHub's anchor for a heading."""
    text = re.sub(r"[`*_]|<[^>]+>", "", heading).strip().lower()
    return re.sub(r"\s", "-", re.sub(r"[^\w\s-]", "", text))


def anchors(page: Path) -> set[str]:
    found, seen = set(), {}
    for line in prose(page):
        heading = re.match(r"#{1,6}\s+(.*)", line)
        if heading:
            base = slug(heading[1])
            n = seen.get(base, 0)
            seen[base] = n + 1
            found.add(base if n == 0 else f"{base}-{n}")
    return found


def prose(page: Path) -> list[str]:
    """The page's lines outside fenced blocks, inline code removed."""
    lines, inside = [], False
    for line in page.read_text().splitlines():
        if FENCE.match(line):
            inside = not inside
        elif not inside:
            lines.append(re.sub(r"`[^`]*`", "", line) if not line.startswith("#") else line)
    return lines


def test_every_relative_link_points_to_a_file_and_heading_that_exist():
    broken = []
    for page in PAGES:
        for line in prose(page):
            for target in re.findall(r"\]\(([^)\s]+)\)", line):
                if re.match(r"[a-z]+:", target):
                    continue
                path, _, anchor = target.partition("#")
                file = (page.parent / path).resolve() if path else page
                name = str(file.relative_to(ROOT)) if file.is_relative_to(ROOT) else str(file)
                if not file.exists():
                    if name not in GENERATED:
                        broken.append(f"{page.relative_to(ROOT)}: {target} (no {name})")
                elif anchor and file.suffix == ".md" and anchor not in anchors(file):
                    broken.append(f"{page.relative_to(ROOT)}: {target} (no heading #{anchor} in {name})")
    assert not broken, "\n".join(broken)


def test_readme_is_a_front_page():
    lines = (ROOT / "README.md").read_text().splitlines()
    assert len(lines) <= README_LINES, f"README.md has {len(lines)} lines; move depth to docs/"
