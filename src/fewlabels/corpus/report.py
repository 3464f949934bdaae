"""What a corpus holds: counts and durations per class, and a duration histogram."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

SHORT_S = 3.75  # the original study's min_signal: 30,000 samples at 8 kHz


def counts_and_durations(manifest: pd.DataFrame) -> dict:
    """Utterances, speakers, hours and duration quantiles (s), in all and per class."""
    def stats(rows: pd.DataFrame) -> dict:
        durations = rows["duration_s"]
        return {
            "utterances": int(len(rows)),
            "speakers": int(rows["speaker"].nunique()),
            "hours": round(float(durations.sum()) / 3600, 3),
            "duration_s": {q: round(float(durations.quantile(v)), 3) for q, v in (("min", 0), ("median", 0.5), ("max", 1))},
            f"shorter_than_{SHORT_S}s": int((durations < SHORT_S).sum()),
        }
    return {**stats(manifest), "per_class": {str(label): stats(rows) for label, rows in manifest.groupby("label")}}


def corpus_metrics(manifest: pd.DataFrame, left_out: pd.DataFrame, formats: dict[str, int]) -> dict:
    """For ``metrics/corpus.json``: :func:`counts_and_durations` of the labelled utterances, those whose speaker id is a
    proxy, the unlabelled clips, file formats, and the files of the import report counted by what happened
    to them and why."""
    labelled, extra = manifest[manifest["label"].notna()], manifest[manifest["label"].isna()]
    proxies = labelled[labelled["speaker_is_proxy"]]
    by_action = {action: rows for action, rows in left_out.groupby("action")}
    none = left_out.iloc[:0]
    return {
        **counts_and_durations(labelled),
        "proxy_speakers": {"utterances": int(len(proxies)), "speakers": int(proxies["speaker"].nunique())},
        "unlabelled_clips": {"clips": int(len(extra)), "hours": round(float(extra["duration_s"].sum()) / 3600, 3)},
        "formats": formats,
        "skipped": {str(k): int(n) for k, n in by_action.get("skipped", none)["kind"].value_counts().sort_index().items()},
        "excluded": {str(k): int(n) for k, n in by_action.get("excluded", none)["source_label"].value_counts().sort_index().items()},
        "converted": int(len(by_action.get("converted", none))),
    }


def plot_durations(manifest: pd.DataFrame, path, title: str) -> None:
    """Stacked histogram of utterance durations per class, with the 3.75 s line, saved as PNG to ``path``."""
    bins = np.arange(0, np.ceil(manifest["duration_s"].max()) + 0.25, 0.25)
    groups = list(manifest.groupby("label"))
    fig, ax = plt.subplots(figsize=(7, 3.5), dpi=100)
    ax.hist([rows["duration_s"] for _, rows in groups], bins=bins, stacked=True, label=[str(g) for g, _ in groups])
    ax.axvline(SHORT_S, color="black", linestyle="--", linewidth=1, label=f"{SHORT_S} s (min_signal 30,000 at 8 kHz)")
    ax.set(xlabel="duration (s)", ylabel="utterances", title=title)
    ax.legend(frameon=False, loc="upper left", fontsize="small")
    fig.tight_layout()
    fig.savefig(path, format="png", metadata={"Software": None})
    plt.close(fig)
