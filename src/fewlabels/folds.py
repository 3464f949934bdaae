"""Pool leave-speakers-out folds of the study, so that every speaker is tested once.

    dvc exp run --queue -S split.folds=5 -S 'split.fold=0,1,2,3,4'
    dvc queue start -j 1
    python -m fewlabels.folds -o metrics/folds.json --page docs/folds.md

Each fold is a DVC experiment of the same params but ``split.fold``: its own split, draws, encoder and
methods. Their test speakers are disjoint, so their prediction tables are pooled and compared as the compare
stage compares one run's: a cluster bootstrap over every fold's test speakers, paired across methods, draw
``r`` of each fold pooled into the pooled draw ``r`` (the draws' spread then holds every fold's). The unit of
replication is the test speaker; the compare params are the workspace's. The page sets each comparison's
interval beside the baseline commit's single split.
"""
import argparse
import json
import sys
from pathlib import Path

import dvc.api
import pandas as pd

from fewlabels import paths, provenance
from fewlabels.compare.report import interval, p_text, paragraph, sides, table
from fewlabels.compare.results import compare_tables
from fewlabels.errors import FewlabelsError, run
from fewlabels.experiments import comparison_line, costs, read_output, read_tables, revisions, write_report
from fewlabels.params import load_params

UNIT_OF_REPLICATION = ("test speaker (every fold's test speakers pooled in one cluster bootstrap, with the spread "
                       "of the pooled label draws)")


def flat(params: dict, prefix: str = "") -> dict[str, object]:
    """Nested params as ``{"split.fold": 0, ...}``."""
    found = {}
    for key, value in params.items():
        found.update(flat(value, f"{prefix}{key}.") if isinstance(value, dict) else {f"{prefix}{key}": value})
    return found


def fold_runs(names: list[str], baseline: str = "HEAD") -> dict[int, dict]:
    """Fold -> ``{"name", "rev"}`` of the fold experiments among ``names`` (all of the baseline's if none): one per
    fold of the same ``split.folds``, every other param equal. A :class:`FewlabelsError` saying what is missing."""
    runs = revisions(names, baseline, command="folds")
    runs.pop(baseline)
    params = {name: flat(dvc.api.params_show(rev=found["rev"])) for name, found in runs.items()}
    folded = {name: found for name, found in runs.items() if params[name].get("split.folds") is not None}
    if not folded:
        raise FewlabelsError(f"folds: no experiment of {baseline} sets split.folds; queue one per fold: dvc exp run "
                             "--queue -S split.folds=5 -S 'split.fold=0,1,2,3,4', then dvc queue start")
    first = next(iter(folded))
    k = params[first]["split.folds"]
    by_fold: dict[int, list[str]] = {}
    for name in folded:
        differ = sorted(key for key in params[name].keys() | params[first].keys()
                        if key != "split.fold" and params[name].get(key) != params[first].get(key))
        if differ:
            raise FewlabelsError(f"folds: experiments {first} and {name} differ in {', '.join(differ[:3])}: name the "
                                 "fold experiments of one configuration")
        by_fold.setdefault(params[name]["split.fold"], []).append(name)
    twice = {fold: names for fold, names in by_fold.items() if len(names) > 1}
    if twice:
        fold, names = min(twice.items())
        raise FewlabelsError(f"folds: fold {fold} has experiments {', '.join(names)}: name one per fold")
    missing = sorted(set(range(k)) - set(by_fold))
    if missing:
        raise FewlabelsError(f"folds: fold {', '.join(map(str, missing))} of split.folds {k} has no experiment: run "
                             f"it with dvc exp run -S split.folds={k} -S split.fold={missing[0]}")
    return {fold: {"name": names[0], "rev": runs[names[0]]["rev"]} for fold, names in sorted(by_fold.items())}


def pooled_report(names: list[str], baseline: str = "HEAD") -> dict:
    """The folds' predictions compared as one study, with every fold's test speakers (``metrics/f1.json``'s
    layout), each fold's experiment, and what each cost to train; the baseline's single split beside them."""
    folds = fold_runs(names, baseline)
    tables = {fold: read_tables(found["rev"]) for fold, found in folds.items()}
    speakers = [set(rows["speaker"]) for rows in tables.values()]
    if sum(map(len, speakers)) != len(set().union(*speakers)):
        raise FewlabelsError("folds: the folds share test speakers: pool folds of one split.seed and split.folds")
    params = load_params().compare
    pooled = pd.concat(tables.values(), ignore_index=True)
    _, summary = compare_tables(pooled, params)
    single = read_output(baseline, paths.metrics("f1"))
    return {"unit_of_replication": UNIT_OF_REPLICATION, "folds": len(folds),
            "test_speakers": len(set().union(*speakers)),
            "test_speakers_per_fold": {fold: len(s) for fold, s in zip(folds, speakers)},
            "repeats": int(pooled["repeat"].nunique()), "bootstrap": params.bootstrap, "confidence": params.confidence,
            "experiments": folds, "costs": {found["name"]: costs(found["rev"]) for found in folds.values()},
            "single_split": headlines(json.loads(single)) if single else None, **summary}


def headlines(f1: dict) -> dict:
    """Of a single split's ``metrics/f1.json``: its test speakers and each comparison's headline AULC difference,
    interval and decision (what the page sets beside the folds')."""
    kept = ("reference", "aulc_difference", "ci_low", "ci_high", "decision")
    return {"test_speakers": f1["test_speakers"],
            "comparisons": {key: {name: entry[name] for name in kept} for key, entry in f1["comparisons"].items()}}


def width(entry: dict) -> float:
    return entry["ci_high"] - entry["ci_low"]


def page(report: dict, command: str) -> str:
    """A markdown page: every comparison pooled over the folds beside the single split's, with interval widths,
    and what the folds cost to train."""
    single = (report["single_split"] or {}).get("comparisons", {})
    single_speakers = (report["single_split"] or {}).get("test_speakers")
    rows = []
    for key, entry in report["comparisons"].items():
        method, reference = sides(key, entry)
        label = f"`{method}` vs `{reference}`"
        one = single.get(key)
        rows.append([label, interval(entry["aulc_difference"], entry["ci_low"], entry["ci_high"], signed=True),
                     f"{width(entry):.3f}", p_text(entry["p_holm"]), entry["decision"],
                     interval(one["aulc_difference"], one["ci_low"], one["ci_high"], signed=True) if one else "–",
                     f"{width(one):.3f}" if one else "–", one["decision"] if one else "–",
                     f"{width(entry) / width(one):.2f}" if one and width(one) else "–"])
    header = ["comparison", f"{report['folds']} folds: AULC difference", "width", "p_holm", "decision",
              "single split", "width", "decision", "width ratio"]
    cost = []
    for name, stages in report["costs"].items():
        trained = stages.get("autoencoder", {}).get("training_s")
        networks = sum(entry.get("seconds_total", 0) for stage in ("finetune", "end_to_end")
                       for entry in stages.get(stage, {}).values())
        cost.append([name, f"{trained} s" if trained is not None else "–", f"{networks:.0f} s"])
    return "\n\n".join([
        f"# The study over {report['folds']} speaker folds",
        f"Rendered by `{command}` at commit {provenance.commit()} on {provenance.machine()}.",
        paragraph(f"Every one of the {report['test_speakers']} speakers tested once "
                  f"({', '.join(map(str, report['test_speakers_per_fold'].values()))} per fold), against one split "
                  f"of {single_speakers or '–'} test speakers. Unit of replication: the "
                  f"{report['unit_of_replication']}; {report['confidence']:.0%} intervals from {report['bootstrap']} "
                  f"resamples, {report['repeats']} pooled draws. AULC-level decisions Holm-adjusted over "
                  f"{report['decisions']['aulc_level_tests']} tests."),
        "## Every comparison, pooled over the folds and from the single split", table(header, rows),
        "## What each fold cost to train",
        table(["fold experiment", "encoder training", "networks (finetune, scratch, cnn_lstm)"], cost),
    ]) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m fewlabels.folds", description=__doc__.split("\n\n")[0])
    parser.add_argument("experiments", nargs="*", help="the fold experiments (default: every one of the baseline)")
    parser.add_argument("--baseline", default="HEAD", help="the commit they branched from (default: HEAD)")
    parser.add_argument("-o", "--output", type=Path, help="write the pooled comparison as JSON here")
    parser.add_argument("--page", type=Path, help="write it as a markdown page here")
    args = parser.parse_args(argv)
    report = pooled_report(args.experiments, args.baseline)
    write_report(report, args.output, args.page, lambda found: page(found, " ".join(["python -m fewlabels.folds",
                                                                                   *argv])))
    print(f"{report['folds']} folds, {report['test_speakers']} test speakers; decisions: AULC-level Holm-adjusted")
    for key, entry in report["comparisons"].items():
        print(comparison_line(key, entry, 42))


if __name__ == "__main__":
    run(lambda: main(sys.argv[1:]))
