"""Pairing an experiment with its baseline: only changed methods are renamed, and only paired revisions compare."""
import pandas as pd
import pytest

from fewlabels.errors import FewlabelsError
from fewlabels.paired_experiments import check_paired, pair_tables


def predictions(method: str, shift: float = 0.0) -> pd.DataFrame:
    utterances = [f"u{i}" for i in range(4)]
    return pd.DataFrame({"method": method, "axis": "count", "budget": 1.0, "repeat": 0, "utterance": utterances,
                         "speaker": ["a", "a", "b", "b"], "y": [0, 1, 0, 1], "p_0": [0.2 + shift, 0.7, 0.6, 0.1],
                         "p_1": [0.8 - shift, 0.3, 0.4, 0.9]})


def test_only_the_methods_whose_predictions_changed_join_under_the_experiments_name():
    baseline = pd.concat([predictions("handcrafted/SVM"), predictions("code/SVM")], ignore_index=True)
    variant = pd.concat([predictions("handcrafted/SVM").iloc[::-1], predictions("code/SVM", 0.1),
                         predictions("embeddings/SVM")], ignore_index=True)  # row order does not matter
    table, changed = pair_tables(baseline, variant, "cola")
    assert changed == ["code/SVM", "embeddings/SVM"]
    assert list(table["method"].unique()) == ["handcrafted/SVM", "code/SVM", "cola:code/SVM", "cola:embeddings/SVM"]
    assert table[table["method"] == "cola:code/SVM"]["p_0"].iloc[0] == pytest.approx(0.3)


def test_revisions_with_other_draws_or_test_utterances_are_refused():
    baseline = predictions("code/SVM")
    check_paired(baseline, predictions("code/SVM", 0.1), (b"draws", b"draws"), "cola")
    with pytest.raises(FewlabelsError, match=r"paired_experiments: seed1 drew other labelled utterances than the "
                                             r"baseline \(data/draws\.csv differs\)"):
        check_paired(baseline, baseline, (b"draws", b"other draws"), "seed1")
    with pytest.raises(FewlabelsError, match="predicted other test utterances than the baseline"):
        check_paired(baseline, baseline.assign(utterance=lambda t: t["utterance"] + "x"), (b"d", b"d"), "chunks")
