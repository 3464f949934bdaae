"""experiment stage: learning curves of hand-crafted vs code features for every classifier."""
from pathlib import Path

from fewlabels.experiment.curves import aligned_split, curve, run_learning_curves, summarise
from fewlabels.experiment.figures import plot_learning_curves
from fewlabels.experiment.sampling import fractions
from fewlabels.io import atomic_path, read_pickle, write_csv, write_json
from fewlabels.params import load_params
from fewlabels.stages import run

FEATURES = Path("data/features")
CURVES_DIR = Path("plots/f1")
FIGURE = Path("plots/f1_curves.png")
METRICS = Path("metrics/f1.json")
RUNS = Path("metrics/f1_runs.csv")


def load_split(name: str):
    handcrafted, code = (read_pickle(FEATURES / f"{name}_{suffix}.pkl") for suffix in ("hlf", "cf"))
    return aligned_split(handcrafted, code), handcrafted["classes"]


def main() -> None:
    params = load_params().experiment
    train, classes = load_split("labelled")
    test, _ = load_split("test")
    runs = run_learning_curves(train, test, params.classifiers, fractions(params.fraction_step), params.repeats,
                               params.unit, params.seed, n_classes=len(classes))
    write_csv(RUNS, runs.round(6))
    curves = {name: curve(own).round(6) for name, own in runs.groupby("classifier", sort=False)}
    for name, table in curves.items():
        write_csv(CURVES_DIR / f"{name}.csv", table)
    summary = summarise(runs)
    write_json(METRICS, summary)
    with atomic_path(FIGURE) as tmp:
        plot_learning_curves(curves, tmp, params.unit)
    print(f"\nweighted F1 ({params.unit} level), {params.repeats} draws per fraction")
    print(f"{'classifier':>12} | {'AULC hand':>9} {'AULC code':>9} | {'F1@100% hand':>12} {'code':>6} | "
          f"{'code wins up to':>15} | {'mean diff':>9} {'p':>8}")
    for name, s in summary.items():
        print(f"{name:>12} | {s['handcrafted']['aulc']:9.3f} {s['code']['aulc']:9.3f} | "
              f"{s['handcrafted']['f1_full']:12.3f} {s['code']['f1_full']:6.3f} | {s['code_wins_up_to']:15.0%} | "
              f"{s['paired_test']['mean_difference']:+9.3f} {s['paired_test']['p_value']:8.2g}")
    for name, s in summary.items():
        for fraction, change in s.get("adapted", {}).items():
            print(f"adapted to small draws: {name} at fraction {fraction}: {change}")


if __name__ == "__main__":
    run(main)
