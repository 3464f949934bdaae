"""synthesise stage: render the embedded corpus in its own layout (when corpus.source is synthetic)."""
import shutil
import time

import pandas as pd

from fewlabels.corpus import synthetic
from fewlabels.corpus.importing import SYNTHETIC_PATH
from fewlabels.io import write_csv
from fewlabels.params import load_params
from fewlabels.stages import run


def main() -> None:
    params = load_params().corpus
    staging = SYNTHETIC_PATH.with_name(SYNTHETIC_PATH.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    start = time.perf_counter()
    if params.source == "synthetic":
        plans = synthetic.plan_corpus(params.synthetic, synthetic.voice_variants())
        synthetic.generate(plans, staging, params.synthetic.sample_rate)
        print(f"{len(plans)} utterances synthesised in {time.perf_counter() - start:.1f} s")
    else:  # an empty corpus: nothing to render for another source
        write_csv(staging / synthetic.LABELS_FILE, pd.DataFrame(columns=["utterance", "file", "label", "speaker"]))
        print(f"corpus.source is {params.source}: nothing to synthesise")
    shutil.rmtree(SYNTHETIC_PATH, ignore_errors=True)
    staging.rename(SYNTHETIC_PATH)


if __name__ == "__main__":
    run(main)
