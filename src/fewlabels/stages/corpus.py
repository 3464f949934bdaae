"""corpus stage: import the corpus named by corpus.source and write the checked manifest and its report."""
import time

from fewlabels import paths
from fewlabels.corpus import report
from fewlabels.corpus.importing import import_corpus
from fewlabels.errors import run
from fewlabels.io import atomic_path, write_csv, write_json
from fewlabels.methods.classifiers import check_classifiers
from fewlabels.params import load_params


def main() -> None:
    everything = load_params()
    check_classifiers(everything.classify.classifiers)  # scikit-learn's checks, in the first stage of every study
    params = everything.corpus
    start = time.perf_counter()
    imported = import_corpus(params)
    manifest, left = imported.manifest, imported.report
    write_csv(paths.MANIFEST, manifest)
    write_csv(paths.CORPUS_REPORT, left)
    labelled = manifest[manifest["label"].notna()]
    summary = {"source": params.source, **report.corpus_metrics(manifest, left, imported.formats),
               "import_s": round(time.perf_counter() - start, 1)}
    write_json(paths.metrics("corpus"), summary)
    with atomic_path(paths.CORPUS_DURATIONS) as tmp:
        report.plot_durations(labelled, tmp, f"{params.source} corpus: {len(labelled)} labelled utterances")
    print(f"{len(labelled)} labelled utterances from {summary['speakers']} speakers, {summary['hours']} h; "
          f"{summary['unlabelled_clips']['clips']} unlabelled clips; skipped {summary['skipped']}, "
          f"excluded {summary['excluded']}, converted {summary['converted']} (listed in {paths.CORPUS_REPORT})")
    proxies = summary["proxy_speakers"]
    if proxies["utterances"]:
        print(f"{proxies['utterances']} utterances without a speaker id have a proxy speaker "
              f"({proxies['speakers']} proxy ids; column speaker_is_proxy)")


if __name__ == "__main__":
    run(main)
