"""The benchmarks: every package they import is declared; the pitch-spread statistics and F0 estimator measure
what they say on signals whose answer is known."""
import ast
import importlib.metadata
import importlib.util
import re
import sys
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = ROOT / "benchmarks"


def load(name: str):
    spec = importlib.util.spec_from_file_location(f"benchmark_{name}", BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


pitch_spread = load("pitch_spread")


def distribution(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_package_a_benchmark_imports_is_declared_with_the_locked_version():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = dict(requirement.split("==") for requirement in
                    project["dependencies"] + project["optional-dependencies"]["bench"])
    declared = {distribution(name): version for name, version in declared.items()}
    locked = dict(line.split("==") for line in (ROOT / "requirements.lock").read_text().split())
    locked = {distribution(name): version for name, version in locked.items()}
    assert {name: locked.get(name) for name in declared} == declared  # exact pins, the lock's versions
    imported = set()
    for path in BENCHMARKS.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                imported |= {alias.name.partition(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and not node.level:
                imported.add(node.module.partition(".")[0])
    packages = importlib.metadata.packages_distributions()
    undeclared = {module for module in imported - set(sys.stdlib_module_names) - {"fewlabels"}
                  if not {distribution(name) for name in packages[module]} & declared.keys()}
    assert not undeclared, f"benchmarks import {sorted(undeclared)}, not declared in pyproject.toml"


@pytest.mark.parametrize("vibrato", [0.0, 0.03])
@pytest.mark.parametrize("f0", [45.0, 73.0, 100.0, 220.0, 450.0, 550.0])  # periods mostly not whole samples
def test_f0_estimator_finds_the_pitch_of_a_noisy_harmonic_tone(f0, vibrato):
    rate, rng = pitch_spread.RATE, np.random.default_rng(2)
    t = np.arange(2 * rate) / rate
    phase = 2 * np.pi * f0 * (t - vibrato / (2 * np.pi * 5) * np.cos(2 * np.pi * 5 * t))  # F0 (1 + vibrato sin 5 Hz)
    harmonics = sum(np.sin(k * phase) / k for k in range(1, int(3500 // f0) + 1))
    signal = 0.3 * harmonics / np.abs(harmonics).max() + 0.01 * rng.standard_normal(t.size)
    hz, voiced = pitch_spread.frame_f0(signal)
    assert voiced.mean() > 0.9
    assert np.median(hz[voiced]) == pytest.approx(f0, rel=0.01)


def test_f0_estimator_calls_noise_unvoiced():
    _, voiced = pitch_spread.frame_f0(np.random.default_rng(3).standard_normal(pitch_spread.RATE))
    assert voiced.mean() < 0.05


def test_spread_recovers_a_known_design():
    rng = np.random.default_rng(4)
    speakers, per = 400, 21
    baseline = rng.normal(0, 2.0, speakers)  # between-speaker SD 2
    label = np.tile(np.resize(["negative", "neutral", "positive"], per), speakers)
    step = pd.Series(label).map({"negative": -1, "neutral": 0, "positive": 1}).to_numpy() * 3.0  # a step of 3
    values = np.repeat(baseline, per) + step + rng.normal(0, 1.0, speakers * per)  # jitter SD 1
    frame = pd.DataFrame({"speaker": np.repeat(np.arange(speakers), per), "label": label, "x": values})
    stats = pitch_spread.spread(frame, "x")
    assert stats["between"] == pytest.approx(2.0, rel=0.1)
    assert stats["jitter"] == pytest.approx(1.0, rel=0.05)
    assert stats["within"] == pytest.approx(np.sqrt(2 / 3 * 9 + 1), rel=0.05)
    assert stats["step"] == pytest.approx(3.0, rel=0.05)
    within_variance = 2 / 3 * 9 + 1
    assert stats["icc"] == pytest.approx(4 / (4 + within_variance), abs=0.05)
    assert stats["acc_centred"] > stats["acc_absolute"] > 0.5
