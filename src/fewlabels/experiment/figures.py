"""The learning-curve figure a paper would show."""
import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

LABELS = {"handcrafted": "hand-crafted (pyAudioAnalysis)", "code": "code (autoencoder)"}


def plot_learning_curves(curves: dict[str, pd.DataFrame], path, unit: str) -> None:
    """One panel per classifier: mean weighted F1 of both families vs labelled fraction, with 95 % bands."""
    columns = min(3, len(curves))
    rows = math.ceil(len(curves) / columns)
    fig, axes = plt.subplots(rows, columns, figsize=(4.2 * columns, 3.4 * rows), dpi=100, sharey=True, squeeze=False)
    for ax, (name, table) in zip(axes.flat, curves.items()):
        for family, label in LABELS.items():
            line, = ax.plot(table["fraction"] * 100, table[family], label=label)
            ax.fill_between(table["fraction"] * 100, table[f"{family}_low"], table[f"{family}_high"],
                            color=line.get_color(), alpha=0.2, linewidth=0)
        ax.set(title=name, xlabel="labelled utterances used (%)")
        ax.grid(alpha=0.3)
    for ax in axes[:, 0]:
        ax.set_ylabel(f"weighted F1 ({unit} level)")
    for ax in axes.flat[len(curves):]:
        ax.axis("off")
    axes.flat[0].legend(loc="lower right", fontsize="small", frameon=False)
    fig.tight_layout()
    fig.savefig(path, format="png", metadata={"Software": None})
    plt.close(fig)
