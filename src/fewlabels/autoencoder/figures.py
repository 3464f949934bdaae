"""Pictures of what the autoencoder does."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def plot_reconstructions(originals: np.ndarray, reconstructions: np.ndarray, titles: list[str], path) -> None:
    """Spectrograms (n, frames, bins) in [0, 1] above their reconstructions; saved as PNG to ``path``."""
    n = len(originals)
    fig, axes = plt.subplots(2, n, figsize=(3 * n, 5), dpi=100, sharex=True, sharey=True, squeeze=False)
    for column, (original, reconstruction, title) in enumerate(zip(originals, reconstructions, titles)):
        for row, image in enumerate((original, reconstruction)):
            ax = axes[row, column]
            ax.imshow(image.T, origin="lower", aspect="auto", vmin=0, vmax=1, cmap="magma")
            ax.set_title(title if row == 0 else "reconstruction", fontsize=8)
        axes[1, column].set_xlabel("frame")
    for row in range(2):
        axes[row, 0].set_ylabel("frequency bin")
    fig.tight_layout()
    fig.savefig(path, format="png", metadata={"Software": None})
    plt.close(fig)


def plot_similarities(similarities: np.ndarray, labels: list[str], path) -> None:
    """The contrastive model's logits (n, n) between a first crop (rows) and a last crop (columns) of n chunks,
    labelled ``labels``; the title gives the share of rows whose largest entry is their own chunk's. PNG to ``path``."""
    n = len(similarities)
    matched = np.mean(similarities.argmax(axis=1) == np.arange(n))
    fig, ax = plt.subplots(figsize=(6, 5.4), dpi=100)
    image = ax.imshow(similarities, cmap="magma")
    ax.set_xticks(range(n), labels, rotation=90, fontsize=7)
    ax.set_yticks(range(n), labels, fontsize=7)
    ax.set_xlabel("last crop of the chunk")
    ax.set_ylabel("first crop of the chunk")
    ax.set_title(f"test chunks: own crop most similar for {matched:.0%} (chance {1 / n:.0%})", fontsize=9)
    fig.colorbar(image, ax=ax, label="similarity (logit)")
    fig.tight_layout()
    fig.savefig(path, format="png", metadata={"Software": None})
    plt.close(fig)
