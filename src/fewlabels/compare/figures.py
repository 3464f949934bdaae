"""The learning-curve figure a paper would show: every method with its band, on both budget axes."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

AXIS_LABELS = {"fraction": "labelled utterances used (%)", "per_class": "labelled utterances per class"}


def plot_learning_curves(curves: dict[str, dict[str, pd.DataFrame]], path, unit: str, confidence: float) -> None:
    """One column per classifier, one row per budget axis (``curves[classifier][x_name]``: the x column, one
    column per method and its ``_low`` / ``_high`` bounds); weighted F1 with ``confidence`` bands, saved as PNG."""
    names = list(curves)
    axes_names = list(next(iter(curves.values())))
    fig, axes = plt.subplots(len(axes_names), len(names), figsize=(3.6 * len(names), 3.2 * len(axes_names)), dpi=100,
                             sharey=True, squeeze=False)
    for column, name in enumerate(names):
        for row, x_name in enumerate(axes_names):
            ax, table = axes[row, column], curves[name][x_name]
            x = table[x_name] * (100 if x_name == "fraction" else 1)
            methods = [c for c in table.columns if c != x_name and not c.endswith(("_low", "_high"))]
            for method in methods:
                run = table[method].notna()  # a method may have run on fewer budgets, or not at all
                if not run.any():
                    continue
                line, = ax.plot(x[run], table.loc[run, method], marker="." if x_name == "per_class" else None,
                                label=method)
                ax.fill_between(x[run], table.loc[run, f"{method}_low"], table.loc[run, f"{method}_high"],
                                color=line.get_color(), alpha=0.2, linewidth=0)
            if x_name == "per_class":
                ax.set_xscale("log", base=2)
            ax.set(title=name, xlabel=AXIS_LABELS[x_name])
            ax.grid(alpha=0.3)
            if column == 0:
                ax.set_ylabel(f"weighted F1 ({unit} level)")
            ax.legend(loc="lower right", fontsize="x-small", frameon=False)
    fig.suptitle(f"bands: {confidence:.0%} intervals over test speakers and label draws", fontsize="small")
    fig.tight_layout()
    fig.savefig(path, format="png", metadata={"Software": None})
    plt.close(fig)
