"""Compare a variant of the study with the study itself, test speaker by test speaker: the baseline commit's
methods and one DVC experiment's, on the same labelled draws and the same test utterances.

    dvc exp run -n cola -S autoencoder.objective=contrastive
    python -m fewlabels.paired_experiments cola --page docs/contrastive.md

The methods whose predictions the experiment changed join the baseline's under the experiment's name
(``cola:code/SVM``, ``cola:finetune``); ``compare`` then compares them as it compares any method (with
pyAudioAnalysis and each openSMILE set, or ``compare.reference``) and each with its baseline counterpart
(``cola:code/SVM vs code/SVM``), in the one Holm family of the AULC-level tests. The unit of replication is the
test speaker, as in ``metrics/f1.json``. Both revisions' outputs are read through DVC: nothing is copied by hand.
"""
import argparse
import dataclasses
import sys
from pathlib import Path

import pandas as pd

from fewlabels import paths, provenance
from fewlabels.compare.report import AXIS_NAMES, area, interval, p_text, paragraph, sides, table
from fewlabels.compare.results import UNIT_OF_REPLICATION, compare_tables
from fewlabels.errors import FewlabelsError, run
from fewlabels.experiments import comparison_line, costs, read_output, read_tables, revisions, write_report
from fewlabels.params import load_params

KEYS = ["axis", "budget", "repeat", "utterance"]  # with the method, a prediction's identity


def check_paired(baseline: pd.DataFrame, variant: pd.DataFrame, draws: tuple[bytes | None, bytes | None],
                 name: str) -> None:
    """A :class:`FewlabelsError` unless the two revisions drew the same labelled utterances and predicted the same
    test utterances: otherwise their differences mix the methods with the split or the draws."""
    if draws[0] != draws[1]:
        raise FewlabelsError(f"paired_experiments: {name} drew other labelled utterances than the baseline "
                             f"({paths.DRAWS} differs): compare experiments that change no split, corpus or draws "
                             "param, or pool seed variants with python -m fewlabels.replicates")
    if set(baseline["utterance"]) != set(variant["utterance"]):
        raise FewlabelsError(f"paired_experiments: {name} predicted other test utterances than the baseline: "
                             "compare experiments that keep the split and the chunks")


def pair_tables(baseline: pd.DataFrame, variant: pd.DataFrame, name: str) -> tuple[pd.DataFrame, list[str]]:
    """The baseline's prediction table plus the variant's rows of every method whose predictions differ (or that
    the baseline lacks), renamed ``<name>:<method>``; and those methods' baseline names."""
    changed = []
    for method, rows in variant.groupby("method", sort=False):
        own = baseline[baseline["method"] == method]
        same = len(own) == len(rows) and own.sort_values(KEYS).reset_index(drop=True).equals(
            rows.sort_values(KEYS).reset_index(drop=True))
        if not same:
            changed.append(method)
    renamed = variant[variant["method"].isin(changed)].assign(method=lambda t: f"{name}:" + t["method"])
    return pd.concat([baseline, renamed], ignore_index=True), changed


def paired_report(baseline: str, name: str) -> dict:
    """Every comparison of the experiment ``name`` of ``baseline`` with the baseline's methods and references."""
    runs = revisions([name], baseline, command="paired_experiments")
    tables = {key: read_tables(found["rev"]) for key, found in runs.items()}
    check_paired(tables[baseline], tables[name], tuple(read_output(runs[key]["rev"], paths.DRAWS)
                                                        for key in (baseline, name)), name)
    table_, changed = pair_tables(tables[baseline], tables[name], name)
    if not changed:
        raise FewlabelsError(f"paired_experiments: {name} predicts exactly what the baseline does: nothing to compare")
    params = load_params().compare
    also = [*params.also_compare, *(f"{name}:{method} vs {method}" for method in changed)]
    _, summary = compare_tables(table_, dataclasses.replace(params, also_compare=also))
    return {"unit_of_replication": UNIT_OF_REPLICATION, "baseline": baseline, "experiment": name,
            "revisions": {key: found["rev"] for key, found in runs.items()}, "changed": changed,
            "test_speakers": int(table_["speaker"].nunique()), "bootstrap": params.bootstrap,
            "confidence": params.confidence, "costs": {key: costs(found["rev"]) for key, found in runs.items()},
            **summary}


def experiment_comparisons(report: dict) -> dict[str, dict]:
    """The report's comparisons of the experiment's methods (``<experiment>:<method>``), by key."""
    return {key: entry for key, entry in report["comparisons"].items()
            if sides(key, entry)[0].startswith(f"{report['experiment']}:")}


def listed(entry: dict) -> str:
    return ", ".join(f"{key} {value}" for key, value in entry.items())


def cost_rows(costs: dict[str, dict]) -> list[list[str]]:
    """One row per revision and trained thing: the encoder (train_autoencoder), each network method."""
    rows = []
    for revision, stages in costs.items():
        for stage, entry in stages.items():
            if stage == "autoencoder":
                rows.append([revision, "train_autoencoder", listed(entry)])
            else:
                rows += [[revision, f"{stage}: {method}", listed(own)] for method, own in entry.items()]
    return rows


def page(report: dict, command: str) -> str:
    """A markdown page of the report: each changed method against its baseline counterpart (both AULCs), against
    its references (the method's AULC; the reference's on the method's own draws is in the difference), and what
    each revision's training cost. Each comparison on its headline axis."""
    name, baseline, methods = report["experiment"], report["baseline"], report["methods"]
    rules = report["decisions"]

    def row(key: str, entry: dict, both: bool) -> list[str]:
        method, reference = sides(key, entry)
        axis = entry["aulc_axis"]
        return [f"`{method}` − `{reference}`", AXIS_NAMES[axis], area(methods[method], "aulc", axis),
                *([area(methods[reference], "aulc", axis)] if both else []),
                interval(entry["aulc_difference"], entry["ci_low"], entry["ci_high"], signed=True),
                p_text(entry["p_holm"]), entry["decision"]]

    header = ["comparison", "axis", "AULC", "difference", "p_holm", "decision"]
    counterparts = {f"{name}:{method} vs {method}" for method in report["changed"]}
    ours = experiment_comparisons(report)
    return "\n\n".join([
        f"# {name} against {baseline}",
        f"Rendered by `{command}` at commit {provenance.commit()} on {provenance.machine()}.",
        paragraph(f"Methods whose predictions the experiment `{name}` changed ({', '.join(report['changed'])}), on "
                  f"the baseline's labelled draws and {report['test_speakers']} test speakers. Unit of replication: "
                  f"the {report['unit_of_replication']}; {report['confidence']:.0%} intervals from "
                  f"{report['bootstrap']} resamples. Decisions: Holm-adjusted over the {rules['aulc_level_tests']} "
                  "AULC-level tests of both revisions' methods. Each comparison on its headline axis (the "
                  "networks: the per-class axis, on their own draws)."),
        f"## {name} against {baseline}, method by method",
        table([*header[:3], "baseline AULC", *header[3:]],
              [row(key, entry, True) for key, entry in ours.items() if key in counterparts]),
        f"## {name} against the references of its methods",
        table(header, [row(key, entry, False) for key, entry in ours.items() if key not in counterparts]),
        "## Training cost", table(["revision", "what", "cost"], cost_rows(report["costs"])),
    ]) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m fewlabels.paired_experiments",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("experiment", help="the experiment's name (dvc exp show lists them)")
    parser.add_argument("--baseline", default="HEAD", help="the commit it branched from (default: HEAD)")
    parser.add_argument("-o", "--output", type=Path, help="write the comparison as JSON here")
    parser.add_argument("--page", type=Path, help="write it as a markdown page here")
    args = parser.parse_args(argv)
    report = paired_report(args.baseline, args.experiment)
    write_report(report, args.output, args.page,
                 lambda found: page(found, " ".join(["python -m fewlabels.paired_experiments", *argv])))
    for key, entry in experiment_comparisons(report).items():
        print(comparison_line(key, entry, 48))


if __name__ == "__main__":
    run(lambda: main(sys.argv[1:]))
