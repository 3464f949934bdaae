"""Do speakers differ more than a valence step? Between- vs within-speaker spread of the default corpus' prosody.

(a) **Planned**: the prosody ``synthetic.plan_corpus`` draws for every utterance of the default params (eSpeak NG
units: pitch and pitch range 0-99, rate in words per minute, volume 0-200), after clipping and rounding —
what eSpeak NG is asked to say. No audio is read.

(b) **Measured** on the rendered WAVs of ``data/raw/synthetic`` (labels from its ``labels.csv``; the files of the
default params, 8 kHz): per utterance, the median F0 of its voiced frames, in Hz and in semitones re 100 Hz, and
two loudness levels, the RMS in dB re full scale and the RMS in dB re the utterance's own peak (what survives a
peak normalisation like the feature pipelines'; they normalise each 3.75 s chunk, this is the whole utterance).

The F0 estimator is YIN (de Cheveigne & Kawahara 2002) in NumPy (no pitch library is installed): the signal is
high-passed (2nd-order Butterworth at 30 Hz, zero phase) against the pink noise's low end and cut into 75 ms
frames (600 samples, three periods of the lowest F0) every 10 ms, each frame's mean removed; for every lag of
the 40-600 Hz range (13-200 samples at 8 kHz) the squared difference of the frame with itself shifted by the lag
(over its first 399 samples) is normalised by its running mean over the shorter lags; the period is the first
lag where that falls below 0.15, moved on to the local minimum there (the lowest value if none falls below),
refined by a parabola. A frame is voiced when that value is below 0.35 and the frame's RMS is at least 10 % of
the utterance's 95th-percentile frame RMS; an utterance's F0 is the median over its voiced frames, missing
with fewer than 20 (0.2 s; the breathy ``caleb`` variant, ``voicing 0``, has no F0 at all). The range is
wide because the corpus is: its low male variants at pitch 0 go below 60 Hz, the child-like ``zac`` above
400 Hz (with a 60-400 Hz search about a dozen speakers' F0 no longer followed their planned pitch; a plain
highest-autocorrelation-peak picker halved or thirded harmonic tones above 150 Hz). The tests check it on noisy
harmonic tones of 45-550 Hz, steady and with vibrato. The script checks that F0 follows the planned pitch
within each speaker and lists the speakers where it does not.

Statistics per dimension, over the 150 speakers x 21 utterances (7 per class):

- **between-speaker SD**: standard deviation of the speakers' means (each speaker has all three classes
  equally, so a mean is the speaker's neutral level plus noise);
- **within-speaker SD**: pooled SD of the utterances around their speaker's mean (valence steps and jitter);
- **jitter SD**: pooled SD around the speaker's class mean (jitter alone, plus clipping to eSpeak NG's limits);
- **valence step**: per speaker, (mean of positive - mean of negative) / 2; its mean and its SD over speakers;
- **ICC**: intraclass correlation of the speaker, ICC(1) from a one-way ANOVA (the share of the variance that
  is between speakers; valence counts as within);
- **accuracy**: valence classified from this dimension alone by a multinomial logistic regression, 5-fold
  cross-validated over speakers (GroupKFold), on the absolute value and on the value minus the speaker's
  mean (the speaker known); chance is 1/3. The last rows use all dimensions of the block together.

(c) **What peak normalisation leaves of loudness**, on the chunks the ``handcrafted`` stage featurised
(``data/features/{labelled,test}_hlf.pkl``, cut again from the audio by the pipeline's own
``fewlabels.audio.load_signal`` and ``fixed_size_chunks`` to see their level before normalisation): the
correlation of a chunk's level with each planned prosody dimension **within speaker x class cells** (each minus
its cell's mean), where only the jitter varies and the four dimensions' jitters are independent draws. A
correlation with volume there is a loudness cue; it is shown for all chunks and for the chunks that hold no
sample at full scale (int16 clipping, common in loud utterances, survives any normalisation).

    python benchmarks/pitch_spread.py            # about 1 min on one core
    python benchmarks/pitch_spread.py --jobs 2
"""
import argparse
import dataclasses
import time

import numpy as np
import pandas as pd
import soundfile
from joblib import Parallel, delayed
from scipy.signal import butter, sosfiltfilt
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from fewlabels.audio import fixed_size_chunks, load_signal
from fewlabels.corpus import synthetic
from fewlabels.io import read_pickle
from fewlabels.params import load_params

CORPUS = "data/raw/synthetic"
RATE = 8000  # Hz, the default corpus.synthetic.sample_rate
FRAME, HOP, N_FFT = 600, 80, 2048  # 75 ms frames every 10 ms
F0_MIN, F0_MAX = 40.0, 600.0  # Hz
THRESHOLD = 0.15  # YIN's absolute threshold on the normalised difference
VOICING = 0.35  # a voiced frame's normalised difference at its period is below this
SILENCE = 0.1  # a voiced frame's RMS is at least this share of the utterance's 95th-percentile frame RMS
MIN_VOICED = 20  # frames (0.2 s): an utterance with fewer has no F0
LAG_MIN, LAG_MAX = int(RATE // F0_MAX), int(np.ceil(RATE / F0_MIN))
WIDTH = FRAME - LAG_MAX - 1  # samples compared at every lag
HIGH_PASS = butter(2, 30, "highpass", fs=RATE, output="sos")


def frame_f0(signal: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """YIN F0 in Hz of each 75 ms frame of ``signal`` (n,) at 8 kHz, and whether it is voiced; 2 x (n_frames,)."""
    signal = sosfiltfilt(HIGH_PASS, np.asarray(signal, dtype=np.float64))
    n_frames = 1 + (len(signal) - FRAME) // HOP
    frames = np.lib.stride_tricks.sliding_window_view(signal, FRAME)[::HOP][:n_frames]
    frames = frames - frames.mean(axis=1, keepdims=True)
    rms = np.sqrt((frames**2).mean(axis=1))
    lags = np.arange(LAG_MAX + 2)
    # d(lag) = sum over j < WIDTH of (x[j] - x[j + lag])**2 = energy of x[:WIDTH] + of x[lag:lag + WIDTH] - 2 r(lag)
    products = np.fft.irfft(np.fft.rfft(frames[:, :WIDTH], N_FFT).conj() * np.fft.rfft(frames, N_FFT), N_FFT)
    energy = np.concatenate([np.zeros((n_frames, 1)), np.cumsum(frames**2, axis=1)], axis=1)
    difference = energy[:, WIDTH, None] + energy[:, lags + WIDTH] - energy[:, lags] - 2 * products[:, :LAG_MAX + 2]
    normalised = np.ones_like(difference)
    normalised[:, 1:] = difference[:, 1:] * lags[1:] / np.maximum(np.cumsum(difference[:, 1:], axis=1), 1e-20)
    search = normalised[:, LAG_MIN:LAG_MAX + 1]
    rows = np.arange(n_frames)
    below = search < THRESHOLD
    index = np.where(below.any(axis=1), below.argmax(axis=1), search.argmin(axis=1))
    while True:  # on to the local minimum
        following = np.minimum(index + 1, search.shape[1] - 1)
        descend = search[rows, following] < search[rows, index]
        if not descend.any():
            break
        index = np.where(descend, following, index)
    lag = index + LAG_MIN
    before, value, after = normalised[rows, lag - 1], normalised[rows, lag], normalised[rows, lag + 1]
    curvature = before - 2 * value + after
    offset = np.where(curvature > 0, 0.5 * (before - after) / np.where(curvature > 0, curvature, 1.0), 0.0)
    voiced = (value < VOICING) & (rms >= SILENCE * np.percentile(rms, 95))
    return RATE / (lag + np.clip(offset, -0.5, 0.5)), voiced


def measure(path: str) -> dict:
    """Median F0 of the voiced frames (Hz), share of voiced frames, RMS in dBFS and in dB re peak, of one WAV."""
    samples, rate = soundfile.read(path, dtype="float64")
    if rate != RATE:
        raise ValueError(f"{path}: {rate} Hz, this estimator is set up for {RATE} Hz")
    f0, voiced = frame_f0(samples)
    centred = samples - samples.mean()
    rms = np.sqrt(np.mean(centred**2))
    return {"f0_hz": float(np.median(f0[voiced])) if voiced.sum() >= MIN_VOICED else np.nan,
            "voiced": float(voiced.mean()),
            "level_dbfs": 20 * np.log10(rms), "level_re_peak_db": 20 * np.log10(rms / np.abs(centred).max()),
            "clipped": bool(np.abs(samples).max() >= 32767 / 32768)}


def icc1(values: pd.Series, speaker: pd.Series) -> float:
    """ICC(1) of ``speaker`` from a one-way ANOVA (unequal group sizes: the usual k0)."""
    groups = values.groupby(speaker)
    n, sizes = groups.size().sum(), groups.size()
    a = len(sizes)
    msb = (sizes * (groups.mean() - values.mean()) ** 2).sum() / (a - 1)
    msw = ((values - groups.transform("mean")) ** 2).sum() / (n - a)
    k0 = (n - (sizes**2).sum() / n) / (a - 1)
    return float((msb - msw) / (msb + (k0 - 1) * msw))


def accuracy(X: np.ndarray, label: pd.Series, speaker: pd.Series) -> float:
    """Valence accuracy of a logistic regression on ``X`` (n, d), 5-fold cross-validated over speakers."""
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    return float(cross_val_score(model, X, label, groups=speaker, cv=GroupKFold(5), scoring="accuracy").mean())


def spread(frame: pd.DataFrame, column: str) -> dict:
    """The docstring's statistics of ``frame[column]`` (rows: utterances with speaker and label)."""
    rows = frame.dropna(subset=[column])
    x, speaker, label = rows[column], rows["speaker"], rows["label"]
    speaker_mean = x.groupby(speaker).transform("mean")
    cell_mean = x.groupby([speaker, label]).transform("mean")
    n_speakers, n_cells = speaker.nunique(), rows.groupby(["speaker", "label"]).ngroups
    classes = x.groupby([speaker, label]).mean().unstack()
    step = (classes["positive"] - classes["negative"]) / 2
    centred = (x - speaker_mean).to_numpy()[:, None]
    return {"between": x.groupby(speaker).mean().std(),
            "within": np.sqrt(((x - speaker_mean) ** 2).sum() / (len(x) - n_speakers)),
            "jitter": np.sqrt(((x - cell_mean) ** 2).sum() / (len(x) - n_cells)),
            "step": step.mean(), "step_sd": step.std(), "icc": icc1(x, speaker),
            "acc_absolute": accuracy(x.to_numpy()[:, None], label, speaker),
            "acc_centred": accuracy(centred, label, speaker)}


def joint_accuracy(frame: pd.DataFrame, columns: list[str]) -> tuple[float, float]:
    """Accuracy from ``columns`` together: absolute values, and each minus its speaker's mean."""
    rows = frame.dropna(subset=columns)
    values = rows[columns]
    centred = values - values.groupby(rows["speaker"]).transform("mean")
    return (accuracy(values.to_numpy(), rows["label"], rows["speaker"]),
            accuracy(centred.to_numpy(), rows["label"], rows["speaker"]))


def print_table(frame: pd.DataFrame, dimensions: dict[str, tuple[str, str]]) -> None:
    print("| dimension | unit | step (param) | between-speaker SD | within-speaker SD | jitter SD "
          "| valence step, mean (SD over speakers) | between SD / step | ICC (speaker) "
          "| accuracy, absolute | accuracy, speaker-centred |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for column, (unit, param) in dimensions.items():
        s = spread(frame, column)
        print(f"| {column} | {unit} | {param} | {s['between']:.1f} | {s['within']:.1f} | {s['jitter']:.1f} "
              f"| {s['step']:.1f} ({s['step_sd']:.1f}) | {s['between'] / s['step']:.2f} | {s['icc']:.2f} "
              f"| {s['acc_absolute']:.2f} | {s['acc_centred']:.2f} |")
    absolute, centred = joint_accuracy(frame, list(dimensions))
    print(f"| all of the above | | | | | | | | | {absolute:.2f} | {centred:.2f} |")


LEVEL_FEATURES = ("energy_mean", "energy_std", "energy_entropy_mean", "mfcc_1_mean")
PROSODY = ("volume", "pitch", "pitch_range", "rate")


def chunk_levels(plans: pd.DataFrame, audio_params) -> pd.DataFrame:
    """One row per hand-crafted chunk of the labelled and test splits: its planned prosody, its level before the
    pipeline's peak normalisation (dB re full scale), whether it clips, and the level features it was given."""
    rows = []
    for split in ("labelled", "test"):
        features = read_pickle(f"data/features/{split}_hlf.pkl")
        names = list(features["feature_names"])
        paths = pd.read_csv(f"data/splits/{split}.csv").set_index("utterance")["path"]
        chunks = {}
        for i, (utterance, chunk) in enumerate(zip(features["utterance"], features["chunk"])):
            if utterance not in chunks:
                chunks[utterance] = fixed_size_chunks(load_signal(paths[utterance], audio_params.sample_rate),
                                                      audio_params.min_signal, audio_params.short_signals)
            samples = chunks[utterance][chunk]
            rows.append({"utterance": utterance, "speaker": features["speaker"][i],
                         "label": features["classes"][features["y"][i]],
                         "clipped": bool(np.abs(samples).max() >= 32767),
                         "level_dbfs": 10 * np.log10(np.mean((samples - samples.mean()) ** 2) / 2.0**30),
                         **{name: float(features["X"][i, names.index(name)]) for name in LEVEL_FEATURES}})
    levels = pd.DataFrame(rows)
    levels["energy_mean"] = 10 * np.log10(levels["energy_mean"])  # in dB re the chunk's own peak
    return levels.merge(plans[["utterance", *PROSODY]], on="utterance", how="left", validate="many_to_one")


def cell_correlations(levels: pd.DataFrame) -> None:
    """Print the correlation of each level with each planned dimension within speaker x class cells."""
    cells = [levels["speaker"], levels["label"]]
    centred = levels[["level_dbfs", *LEVEL_FEATURES, *PROSODY]]
    centred = centred - centred.groupby(cells).transform("mean")
    clean = ~levels["clipped"].to_numpy()
    print("| chunk level | " + " | ".join(f"r with {dim}: all / unclipped" for dim in PROSODY) + " |")
    print("|---|" + "---:|" * len(PROSODY))
    for level in ("level_dbfs", *LEVEL_FEATURES):
        name = {"level_dbfs": "RMS before normalisation (dBFS)",
                "energy_mean": "energy_mean (dB re own peak)"}.get(level, level)
        print(f"| {name} | " + " | ".join(
            f"{centred[level].corr(centred[dim]):+.2f} / {centred[level][clean].corr(centred[dim][clean]):+.2f}"
            for dim in PROSODY) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=1, help="worker processes for reading the audio (default 1)")
    jobs = parser.parse_args().jobs
    params = load_params()
    synthetic_params = params.corpus.synthetic
    plans = pd.DataFrame([dataclasses.asdict(plan)
                          for plan in synthetic.plan_corpus(synthetic_params, synthetic.voice_variants())])
    shift = synthetic_params.valence_shift
    print(f"(a) planned prosody, default params: {len(plans)} utterances, {plans['speaker'].nunique()} speakers; "
          f"speaker baselines uniform on {synthetic.BASELINE} (SD of a uniform: width / sqrt(12)); "
          f"jitter {synthetic_params.jitter} steps")
    print_table(plans, {name: (unit, f"{getattr(shift, name):g}") for name, unit in
                        [("pitch", "eSpeak 0-99"), ("pitch_range", "eSpeak 0-99"), ("rate", "words/min"),
                         ("volume", "eSpeak 0-200")]})

    labels = pd.read_csv(f"{CORPUS}/labels.csv")
    start = time.perf_counter()
    measured = pd.DataFrame(Parallel(n_jobs=jobs, batch_size=32)(
        delayed(measure)(f"{CORPUS}/{file}") for file in labels["file"]))
    seconds = time.perf_counter() - start
    audio = pd.concat([labels, measured], axis=1).merge(
        plans[["utterance", "voice", "pitch", "volume"]], on="utterance", how="left", validate="one_to_one")
    planned_labels = plans.set_index("utterance").loc[audio["utterance"], "label"].to_numpy()
    if audio["pitch"].isna().any() or not (audio["label"].to_numpy() == planned_labels).all():
        raise SystemExit(f"{CORPUS} was not rendered from the default params (utterances or labels differ from the plan)")
    audio["f0_semitones"] = 12 * np.log2(audio["f0_hz"] / 100)
    print()
    no_f0 = audio[audio["f0_hz"].isna()].groupby("speaker")["voice"].agg(["first", "size"])
    print(f"(b) measured on {CORPUS}: {len(audio)} WAVs read in {seconds:.0f} s; median share of voiced frames "
          f"{audio['voiced'].median():.0%}; {no_f0['size'].sum()} utterances with fewer than "
          f"{MIN_VOICED} voiced frames have no F0 ("
          + ", ".join(f"{s} {v}: {n}" for s, (v, n) in no_f0.iterrows()) + "); "
          f"{audio['clipped'].sum()} utterances reach full scale")
    print_table(audio, {"f0_hz": ("Hz", ""), "f0_semitones": ("semitones re 100 Hz", ""),
                        "level_dbfs": ("dB re full scale", ""), "level_re_peak_db": ("dB re own peak", "")})

    centred = audio.assign(f0=audio["f0_hz"] - audio.groupby("speaker")["f0_hz"].transform("mean"),
                           pitch=audio["pitch"] - audio.groupby("speaker")["pitch"].transform("mean"))
    tracking = centred.groupby("speaker").apply(lambda g: g["f0"].corr(g["pitch"]), include_groups=False)
    print()
    print(f"measured F0 vs planned pitch: r = {audio['f0_hz'].corr(audio['pitch']):.2f} across all utterances, "
          f"r = {centred['f0'].corr(centred['pitch']):.2f} within speakers (each minus its speaker's mean); "
          f"median within-speaker r {tracking.median():.2f}")
    voices = audio.groupby("speaker")["voice"].first()
    lost = tracking[tracking < 0.5].sort_values()
    print("speakers whose F0 does not follow the planned pitch (within-speaker r < 0.5): "
          + (", ".join(f"{s} ({voices[s]}, r {r:.2f})" for s, r in lost.items()) or "none"))
    speaker_f0 = audio.groupby("speaker")["f0_hz"].mean()
    print(f"speaker mean F0: {speaker_f0.min():.0f}-{speaker_f0.max():.0f} Hz, quartiles "
          + " / ".join(f"{q:.0f}" for q in speaker_f0.quantile([0.25, 0.5, 0.75])) + " Hz")
    print("share of utterances reaching full scale: " + ", ".join(
        f"{label} {share:.0%}" for label, share in audio.groupby("label")["clipped"].mean().items()))

    levels = chunk_levels(plans, params.audio)
    print()
    print(f"(c) loudness after peak normalisation: {len(levels)} labelled and test chunks, "
          f"{levels['clipped'].sum()} holding a sample at full scale ("
          + ", ".join(f"{label} {share:.0%}" for label, share in levels.groupby("label")["clipped"].mean().items())
          + f"); correlations within speaker x class cells, {(~levels['clipped']).sum()} unclipped chunks")
    cell_correlations(levels)


if __name__ == "__main__":
    main()
