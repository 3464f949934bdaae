"""docs/results.md and README's answer are rendered from the metrics: the committed ones must be what the committed
metrics render, and the rendering follows whatever methods and comparisons the metrics hold."""
import json
import shutil
import subprocess
import sys

import pytest

from fewlabels.compare.report import (ANSWER_END, ANSWER_START, Inputs, Provenance, answer, answer_block, page,
                                      parse_provenance, readme_block, reference_changes, with_answer)
from fewlabels.errors import FewlabelsError
from fewlabels.paths import RESULTS_PAGE as PAGE
from fewlabels.stages.results import read_inputs
from tests.conftest import ROOT

PROVENANCE = Provenance("abc1234 + uncommitted changes", "Some CPU @ 2.00GHz, 4 cores")


def test_the_committed_page_is_what_the_committed_metrics_render():
    committed = (ROOT / PAGE).read_text()
    rendered = page(read_inputs(ROOT), parse_provenance(committed))
    assert rendered == committed, "docs/results.md is stale: run PYTHONPATH=src python -m fewlabels.stages.results"


def test_readme_answer_is_what_the_committed_metrics_render():
    readme = (ROOT / "README.md").read_text()
    if readme_block(readme) is None:
        pytest.skip("README has no answer block")
    f1 = json.loads((ROOT / "metrics/f1.json").read_text())
    assert readme_block(readme) == answer_block(f1), "README's answer is stale: render it with report.with_answer"
    if "code/SVM vs egemaps/SVM" in f1["comparisons"]:  # eGeMAPS is a reference: its own verdict is on the page only
        assert "code − eGeMAPS" in answer(f1) and "eGeMAPS − pyAudioAnalysis" not in answer(f1)
        assert "| egemaps/SVM − handcrafted/SVM |" in (ROOT / "docs/results.md").read_text()


def area(value: float) -> dict:
    return {"": value, "_low": round(value - 0.04, 3), "_high": round(value + 0.04, 3)}


def method(aulc: float, fraction: bool = True) -> dict:
    """A method entry of metrics/f1.json: AULC and low-budget AULC on each of its axes."""
    axes = ("", "_per_class") if fraction else ("_per_class",)
    entry = {f"{name}{axis}{end}": value for name in ("aulc", "low_budget_aulc") for axis in axes
             for end, value in area(aulc).items()}
    entry.update(aulc_axis="fraction" if fraction else "count", draws=3)
    if not fraction:
        entry.update({f"aulc{end}": value for end, value in area(aulc).items()})
    return entry


def result(difference: float, decision: str, p_holm: float = 0.032) -> dict:
    return {"difference": difference, "ci_low": round(difference - 0.05, 3), "ci_high": round(difference + 0.05, 3),
            "p_value": 0.001, "effect_size": 0.1, "decision": decision, "p_holm": p_holm}


def comparison(reference: str, decisions: list[str], axis: str = "fraction", better_up_to_per_class=None) -> dict:
    """A comparison entry: its per-class-axis budgets 1, 2, 4, 8 decided by ``decisions``, every AULC difference
    decided by the first of them."""
    budgets = [(axis_, budget) for axis_ in ({"fraction", "count"} if axis == "fraction" else {"count"})
               for budget in ((0.5, 1.0) if axis_ == "fraction" else (1.0, 2.0, 4.0, 8.0))]
    decided = iter(decisions * 2)
    headline = result({"better": 0.1, "no evidence": 0.0, "worse": -0.1}[decisions[0]], decisions[0])
    entry = {"reference": reference, "aulc_per_class": headline, "low_budget_aulc_per_class": headline,
             "per_budget": [{"axis": a, "budget": b, **result(0.0, next(decided) if a == "count" else "no evidence", 1.0)}
                            for a, b in sorted(budgets)],
             "better_up_to_per_class": better_up_to_per_class, "aulc_axis": axis,
             "aulc_difference": headline["difference"], **{k: v for k, v in headline.items() if k != "difference"}}
    if axis == "fraction":
        entry.update({"low_budget_aulc": headline, "better_up_to_fraction": None})
    return entry


UNIT = "test speaker (cluster bootstrap over test speakers, with the spread of the label draws)"
F1 = {"unit_of_replication": UNIT, "test_speakers": 12, "repeats": 3, "bootstrap": 500, "confidence": 0.9,
      "decisions": {"aulc_level": "holm", "aulc_level_tests": 18, "per_budget": "unadjusted", "per_budget_tests": 28,
                    "alpha": 0.1, "min_test_speakers": 10, "min_draws": 2},
      "methods": {"handcrafted/SVM": method(0.5), "code/SVM": method(0.6), "handcrafted/kNN": method(0.45),
                  "code/kNN": method(0.3), "egemaps/SVM": method(0.55), "finetune": method(0.4, fraction=False)},
      "comparisons": {"code/SVM": comparison("handcrafted/SVM", ["better", "better", "better", "no evidence"],
                                             better_up_to_per_class=4.0),
                      "code/kNN": comparison("handcrafted/kNN", ["worse"] * 4),
                      "egemaps/SVM": comparison("handcrafted/SVM", ["no evidence"] * 4),
                      "finetune": comparison("handcrafted/SVM", ["worse", "no evidence", "worse", "worse"], "count"),
                      "finetune vs code/SVM": comparison("code/SVM", ["worse"] * 4, "count")}}
CURVES = {"SVM": [{"per_class": 1.0, "handcrafted": 0.4, "handcrafted_low": 0.35, "handcrafted_high": 0.45,
                   "code": 0.3, "code_low": 0.25, "code_high": 0.35, "egemaps": 0.33, "egemaps_low": 0.3,
                   "egemaps_high": 0.36, "finetune": 0.31, "finetune_low": 0.28, "finetune_high": 0.34},
                  {"per_class": 2.0, "handcrafted": 0.5, "handcrafted_low": 0.45, "handcrafted_high": 0.55,
                   "code": 0.35, "code_low": 0.3, "code_high": 0.4, "egemaps": 0.4, "egemaps_low": 0.35,
                   "egemaps_high": 0.45, "finetune": None, "finetune_low": None, "finetune_high": None}]}


def test_a_page_shows_every_method_and_comparison_the_metrics_hold():
    text = page(Inputs(F1, curves=CURVES, params={"low_budgets": 2}), PROVENANCE)
    lines = text.splitlines()
    # the families and classifiers come from the metrics: egemaps/SVM has a column, no egemaps/kNN cell
    assert ("| classifier | pyAudioAnalysis, fraction axis [90 %] | code, fraction axis [90 %] | eGeMAPS, fraction axis "
            "[90 %] | pyAudioAnalysis, per-class axis [90 %] | code, per-class axis [90 %] | eGeMAPS, per-class axis "
            "[90 %] |") in lines
    assert "| SVM | 0.500 [0.460, 0.540] | 0.600 [0.560, 0.640] | 0.550 [0.510, 0.590] | 0.500 [0.460, 0.540] | " \
           "0.600 [0.560, 0.640] | 0.550 [0.510, 0.590] |" in lines
    assert "| kNN | 0.450 [0.410, 0.490] | 0.300 [0.260, 0.340] |  | 0.450 [0.410, 0.490] | 0.300 [0.260, 0.340] |  |" \
        in lines
    assert "| code/kNN − handcrafted/kNN | −0.100 [−0.150, −0.050] | 0.032 | worse | −0.100 [−0.150, −0.050] | 0.032 " \
           "| worse |" in lines
    assert "| code/SVM − handcrafted/SVM | +0.100 [+0.050, +0.150] | 0.032 | better |" in text
    # the crossover and the families without one
    assert "With SVM, code features are better than pyAudioAnalysis features at every budget up to 4 utterances per class." \
        in " ".join(lines)
    assert ("There is no budget from which eGeMAPS features are better than pyAudioAnalysis features all the way down"
            in " ".join(lines))
    assert "(50–100 % of the labelled utterances and 1–2 utterances per class)" in " ".join(lines)
    # the method without a classifier beside its paired difference from its reference on the same draws
    assert "| utterances per class | finetune [90 %] | finetune − handcrafted/SVM [90 %] |" in lines
    assert "| 1 | 0.310 [0.280, 0.340] | +0.000 [−0.050, +0.050] |" in lines
    assert "| AULC (log2 count, 1 utterance per class) | 0.400 [0.360, 0.440] | −0.100 [−0.150, −0.050] |" in lines
    assert "ran on draws of their own (3 per budget)" in " ".join(lines)
    assert ("| finetune − handcrafted/SVM | per-class axis | −0.100 [−0.150, −0.050] | 0.032 | worse | worse at 1, "
            "no evidence at 2, worse at 4 and 8 |") in lines
    assert "| finetune − code/SVM | per-class axis | −0.100 [−0.150, −0.050] | 0.032 | worse | worse at every budget |" \
        in lines
    # every interval says its level and unit of replication, every decision how it was made
    note = (f"Brackets are 90 % intervals over 12 test speakers and the 3 label draws per budget; unit of "
            f"replication: {UNIT}, 500 resamples.")
    words = " ".join(text.split())
    assert words.count(note) == 4 and "conditional on one speaker split and one autoencoder seed" in words
    assert "AULC-level decisions are Holm-adjusted over the 18 AULC-level tests: better or worse where p_holm < 0.1" \
        in words
    assert ("Per-budget decisions are unadjusted: each is read from its own interval. Of the 12 per-budget differences "
            "between code and pyAudioAnalysis features, 3 have their interval above zero (better) and 4 below (worse); "
            "without any real difference, tests at the 10 % level would put 1.2 outside zero on average, and more "
            "than 3 in at most 1 study of 20 (binomial, were they independent") in words
    assert "Too few test speakers" not in words
    assert parse_provenance(text) == PROVENANCE


def test_too_few_test_speakers_are_said_instead_of_decisions():
    undecided = {**result(-0.1, "too few test speakers"), "p_holm": None}
    entry = {**comparison("handcrafted/SVM", ["worse"] * 4),
             **{k: v for k, v in undecided.items() if k != "difference"},
             "per_budget": [{"axis": "count", "budget": b, **undecided} for b in (1.0, 2.0, 4.0, 8.0)]}
    for name in ("aulc_per_class", "low_budget_aulc", "low_budget_aulc_per_class"):
        entry[name] = undecided
    f1 = {**F1, "test_speakers": 3, "methods": {m: F1["methods"][m] for m in ("handcrafted/SVM", "code/SVM")},
          "comparisons": {"code/SVM": entry}}
    words = " ".join(page(Inputs(f1), PROVENANCE).split())
    warning = ("Too few test speakers: 3, where the intervals keep their coverage from 10 on (simulated: "
               "docs/methods.md); no comparison is decided, and the brackets do not hold their level.")
    assert warning in words and warning in " ".join(answer(f1).split())
    assert "| code/SVM − handcrafted/SVM | −0.100 [−0.150, −0.050] | – | too few test speakers |" in words
    assert "code features are not compared with pyAudioAnalysis features (too few test speakers) with SVM" in " ".join(
        answer(f1).split())
    assert "per-budget differences" not in words and "| worse |" not in words


def test_a_page_without_networks_corpus_or_curves_leaves_their_sections_out():
    f1 = {**F1, "methods": {k: v for k, v in F1["methods"].items() if "/" in k},
          "comparisons": {k: v for k, v in F1["comparisons"].items() if k.startswith(("code", "egemaps"))}}
    text = page(Inputs(f1), PROVENANCE)
    assert "Methods without a classifier" not in text and "Further comparisons" not in text
    assert "Corpus:" not in text and "finetune" not in text and "## Low budgets" in text
    corpus = {"source": "emodb", "utterances": 535, "speakers": 10, "hours": 0.4}
    split = {"test": {"utterances": 100, "speakers": 3}}
    text = page(Inputs(f1, corpus=corpus, split=split), PROVENANCE)
    assert "Corpus: emodb, 535 utterances of 10 speakers (0.4 h). Split (speaker-independent): test 100 utterances " \
           "of 3 speakers." in " ".join(text.split())


def test_the_answer_names_figures_with_intervals_the_unit_and_the_page():
    text = " ".join(answer(F1).split())
    assert text.startswith("Over the whole learning curve, code features are better than pyAudioAnalysis features with "
                           "SVM and worse than them with kNN (code − pyAudioAnalysis, AULC on the fraction axis: −0.100 "
                           "[−0.150, −0.050] with kNN to +0.100 [+0.050, +0.150] with SVM).")
    assert "eGeMAPS features are level with pyAudioAnalysis features (no evidence either way) with SVM" in text
    assert "better than pyAudioAnalysis features at every budget up to 4 utterances per class" in text
    assert "unit of replication: test speaker" in text and text.endswith("[the results page](docs/results.md).")
    assert "conditional on one speaker split and one autoencoder seed" in text
    assert "(docs/methods.md#replicates)" in text
    assert "AULC-level decisions are Holm-adjusted over the 18 AULC-level tests" in text
    readme = f"# title\n\n{ANSWER_START}\nold text\n{ANSWER_END}\n\nmore\n"
    assert readme_block(with_answer(readme, F1)) == answer_block(F1)
    assert with_answer("no block", F1) == "no block"


def test_the_stage_renders_the_page_and_says_when_the_metrics_are_missing(tmp_path):
    for name in ("params.yaml", "metrics", "plots/f1"):
        source, target = ROOT / name, tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if source.is_dir() else shutil.copy)(source, target)
    run = [sys.executable, "-m", "fewlabels.stages.results"]
    env = {"PYTHONPATH": str(ROOT / "src"), "PATH": ""}
    subprocess.run(run, cwd=tmp_path, env=env, check=True, capture_output=True)
    rendered = (tmp_path / PAGE).read_text()
    assert parse_provenance(rendered).commit == "unknown (not a git repository)"
    assert rendered == page(read_inputs(tmp_path), parse_provenance(rendered))
    (tmp_path / "metrics/f1.json").unlink()
    with pytest.raises(FewlabelsError, match="run the compare stage first"):
        read_inputs(tmp_path)
    failed = subprocess.run(run, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert failed.returncode == 1 and failed.stderr.startswith("error: metrics/f1.json: missing")


def test_what_measuring_against_egemaps_instead_of_pyaudioanalysis_changes_is_said():
    def entry(reference, decision):
        return {"reference": reference, "decision": decision}
    f1 = {"comparisons": {"code/SVM": entry("handcrafted/SVM", "worse"),
                          "code/SVM vs egemaps/SVM": entry("egemaps/SVM", "no evidence"),
                          "code/kNN": entry("handcrafted/kNN", "worse"),
                          "code/kNN vs egemaps/kNN": entry("egemaps/kNN", "worse"),
                          "egemaps/SVM": entry("handcrafted/SVM", "better"),
                          "finetune": entry("handcrafted/SVM", "worse")}}
    assert reference_changes(f1) == [
        "Measured against eGeMAPS instead of pyAudioAnalysis features, the AULC-level decisions of code features "
        "change with SVM (worse → no evidence) and stay the same with kNN."]
    del f1["comparisons"]["code/SVM vs egemaps/SVM"]
    assert reference_changes(f1) == [
        "Measured against eGeMAPS instead of pyAudioAnalysis features, the AULC-level decisions of code features "
        "stay the same with kNN."]
    assert reference_changes({"comparisons": {"code/SVM": entry("handcrafted/SVM", "worse")}}) == []
