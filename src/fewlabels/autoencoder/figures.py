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
