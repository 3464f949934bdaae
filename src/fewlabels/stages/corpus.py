"""corpus stage: synthesise the embedded corpus and write the checked manifest."""
import shutil
import time
from pathlib import Path

import pandas as pd

from fewlabels.corpus import report, synthetic
from fewlabels.io import atomic_path, write_csv, write_json
from fewlabels.manifest import BAD_AUDIO_COLUMNS, check_audio
from fewlabels.params import load_params

RAW_DIR = Path("data/raw")
MANIFEST = Path("data/manifest.csv")
BAD_AUDIO = Path("data/reports/bad_audio.csv")
METRICS = Path("metrics/corpus.json")
DURATIONS_PLOT = Path("plots/corpus_durations.png")


def main() -> None:
    params = load_params().corpus
    out_dir = RAW_DIR / params.source
    staging = out_dir.with_name(out_dir.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    start = time.perf_counter()
    plans = synthetic.plan_corpus(params, synthetic.voice_variants())
    synthetic.generate(plans, staging, params.sample_rate)
    shutil.rmtree(out_dir, ignore_errors=True)
    staging.rename(out_dir)
    generation_s = time.perf_counter() - start
    entries = pd.DataFrame({
        "utterance": [p.utterance for p in plans],
        "path": [synthetic.wav_path(out_dir, p).as_posix() for p in plans],
        "label": [p.label for p in plans],
        "speaker": [p.speaker for p in plans],
    })
    manifest, bad = check_audio(entries, params.on_bad_audio)
    write_csv(MANIFEST, manifest)
    write_csv(BAD_AUDIO, bad[BAD_AUDIO_COLUMNS])
    summary = report.describe(manifest)
    write_json(METRICS, {**summary, "bad_audio": int(len(bad)), "generation_s": round(generation_s, 1)})
    with atomic_path(DURATIONS_PLOT) as tmp:
        report.plot_durations(manifest, tmp, f"{params.source} corpus: {len(manifest)} utterances")
    print(f"{len(manifest)} utterances from {summary['speakers']} speakers, {summary['hours']} h, "
          f"{len(bad)} bad files left out, generated in {generation_s:.1f} s")


if __name__ == "__main__":
    main()
