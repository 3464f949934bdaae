"""synthesise stage: render the embedded corpus in its own layout (when corpus.source is synthetic)."""
import shutil
import time

import pandas as pd

from fewlabels import paths
from fewlabels.corpus import synthetic
from fewlabels.errors import run
from fewlabels.io import write_csv
from fewlabels.params import load_params


def main() -> None:
    params = load_params().corpus
    staging = paths.SYNTHETIC_CORPUS.with_name(paths.SYNTHETIC_CORPUS.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    start = time.perf_counter()
    if params.source == "synthetic":
        plans = synthetic.plan_corpus(params.synthetic, synthetic.voice_variants())
        synthetic.generate(plans, staging, params.synthetic.sample_rate)
        print(f"{len(plans)} utterances synthesised in {time.perf_counter() - start:.1f} s")
    else:  # an empty corpus: nothing to render for another source
        write_csv(staging / synthetic.LABELS_FILE, pd.DataFrame(columns=["utterance", "file", "label", "speaker"]))
        print(f"corpus.source is {params.source}: nothing to synthesise")
    shutil.rmtree(paths.SYNTHETIC_CORPUS, ignore_errors=True)
    staging.rename(paths.SYNTHETIC_CORPUS)


if __name__ == "__main__":
    run(main)
