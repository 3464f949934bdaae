import re
import subprocess
import sys

import pytest

from fewlabels.params import ParamsError, load_params
from fewlabels.stages import classify as classify_stage
from fewlabels.stages import corpus as corpus_stage
from fewlabels.errors import run
from tests.conftest import ROOT, update_params


@pytest.fixture
def params_file(tmp_path):
    path = tmp_path / "params.yaml"
    path.write_text((ROOT / "params.yaml").read_text())
    return path


def test_the_shipped_params_load():
    params = load_params(ROOT / "params.yaml")
    assert params.corpus.synthetic.sample_rate == 8000
    assert isinstance(params.corpus.synthetic.valence_shift.pitch, float)
    assert params.corpus.valence_edges["msp_podcast"] == [1.0, 3.0, 5.0, 7.0]
    assert params.corpus.emotions["surprise"] is None and params.split.partitions is None


@pytest.mark.parametrize("written", ["1e-05", "1E-5", "2.5e+0", ".5"])
def test_floats_in_exponent_notation_are_floats(params_file, written):
    params_file.write_text(re.sub(r"jitter: .*", f"jitter: {written}", params_file.read_text()))
    assert load_params(params_file).corpus.synthetic.jitter == float(written)


def test_an_int_is_accepted_where_a_float_is_declared(params_file):
    update_params(params_file, {"corpus": {"synthetic": {"snr_db_min": 5}, "valence_edges": {"msp_podcast": [1, 3, 5, 7]}}})
    params = load_params(params_file).corpus
    assert params.valence_edges["msp_podcast"] == [1.0, 3.0, 5.0, 7.0]
    assert all(isinstance(edge, float) for edge in params.valence_edges["msp_podcast"])
    value = params.synthetic.snr_db_min
    assert value == 5.0 and isinstance(value, float)


def test_unknown_key_is_named_with_a_suggestion(params_file):
    params_file.write_text(params_file.read_text().replace("speakers:", "speakrs:"))
    with pytest.raises(ParamsError, match=r"unknown param corpus\.synthetic\.speakrs \(did you mean corpus\.synthetic\.speakers\?\)"):
        load_params(params_file)


def test_unknown_nested_key_and_section_are_named(params_file):
    update_params(params_file, {"corpus": {"synthetic": {"valence_shift": {"tempo": 2.0}}}})
    with pytest.raises(ParamsError, match=r"unknown param corpus\.synthetic\.valence_shift\.tempo; known: pitch"):
        load_params(params_file)
    params_file.write_text((ROOT / "params.yaml").read_text() + "\ntraining:\n  epochs: 3\n")
    with pytest.raises(ParamsError, match="unknown param training"):
        load_params(params_file)


def test_missing_key_is_named(params_file):
    params_file.write_text(params_file.read_text().replace("    seed: 2024\n    speakers", "    speakers"))
    with pytest.raises(ParamsError, match=r"missing param corpus\.synthetic\.seed"):
        load_params(params_file)


@pytest.mark.parametrize("section, key, value, message", [
    ("corpus", "synthetic", {"speakers": "many"}, r"corpus\.synthetic\.speakers must be int, got str 'many'"),
    ("corpus", "synthetic", {"speakers": 9.5}, r"corpus\.synthetic\.speakers must be int, got float"),
    ("corpus", "synthetic", {"speakers": True}, r"corpus\.synthetic\.speakers must be int, got bool"),
    ("corpus", "synthetic", {"speakers": 809}, r"corpus\.synthetic\.speakers must be at most 808, got 809"),
    ("corpus", "on_bad_input", "ignore", r"corpus\.on_bad_input must be one of \['error', 'skip'\]"),
    ("corpus", "source", "iemocap", r"corpus\.source must be one of \['synthetic', 'msp_podcast'"),
    ("corpus", "valence_edges", {"msp_podcast": 4.0}, r"corpus\.valence_edges\.msp_podcast must be a list, got 4\.0"),
    ("corpus", "valence_edges", {"msp_podcast": [1, "x"]}, r"corpus\.valence_edges\.msp_podcast\[1\] must be float"),
    ("corpus", "emotions", {"angry": 3}, r"corpus\.emotions\.angry must be str, got int"),
    ("split", "partitions", {"test": "Test1"}, r"split\.partitions\.test must be a list"),
    ("split", "test_per_class", None, r"split\.test_per_class must be int, got NoneType"),
    ("autoencoder", "batch_size", 0, r"autoencoder\.batch_size must be at least 1, got 0"),
    ("autoencoder", "max_epochs", 0, r"autoencoder\.max_epochs must be at least 1, got 0"),
    ("autoencoder", "learning_rate", -0.001, r"autoencoder\.learning_rate must be greater than 0, got -0\.001"),
    ("autoencoder", "dropout", 1.0, r"autoencoder\.dropout must be less than 1, got 1\.0"),
    ("autoencoder", "validation_split", 0, r"autoencoder\.validation_split must be greater than 0, got 0"),
    ("autoencoder", "patience", -1, r"autoencoder\.patience must be at least 0"),
    ("autoencoder", "latent_dim", True, r"autoencoder\.latent_dim must be int, got bool"),
    ("classify", "classifiers", {}, r"classify\.classifiers must hold at least 1 entry"),
    ("draws", "repeats", 0, r"draws\.repeats must be at least 1"),
    ("draws", "fraction_step", 1.5, r"draws\.fraction_step must be at most 1"),
    ("draws", "largest_count", 0, r"draws\.largest_count must be at least 1"),
    ("compare", "bootstrap", 10, r"compare\.bootstrap must be at least 100"),
    ("compare", "confidence", 1.0, r"compare\.confidence must be less than 1"),
    ("split", "labelled_per_class", 0, r"split\.labelled_per_class must be at least 1"),
    ("split", "unlabelled_per_class", -3, r"split\.unlabelled_per_class must be at least 1"),
    ("split", "partitions", {"train": ["Train"]}, r"split\.partitions: unknown split 'train'"),
    ("audio", "min_signal", 0, r"audio\.min_signal must be at least 1"),
    ("audio", "sample_rate", "8k", r"audio\.sample_rate must be int, got str '8k'"),
    ("spectrogram", "db_floor", 10.0, r"spectrogram\.db_floor must be less than 0"),
    ("spectrogram", "window_s", 0.0501, r"spectrogram\.window_s: a window of 0\.0501 s at 8000 Hz is 400\.8 samples"),
    ("handcrafted", "short_window_s", 0.02, r"chroma needs a short-term window of at least 174 samples"),
    ("handcrafted", "sets", ["egemaps"], r"handcrafted\.sets: \['egemaps'\] lacks pyaudioanalysis: .* add it"),
    ("handcrafted", "sets", ["pyaudioanalysis", "egemaps", "egemaps"], r"handcrafted\.sets: .* names a set twice"),
    ("handcrafted", "sets", ["pyaudioanalysis", "gemaps"], r"handcrafted\.sets\[1\] must be one of \['pyaudioanalysis', "
                                                          r"'egemaps', 'compare2016'\]"),
    ("handcrafted", "sets", [], r"handcrafted\.sets must hold at least 1 entry"),
    ("embeddings", "preset", "./no/such/preset", r"embeddings\.preset: './no/such/preset' is no directory: give a "
                                                 r"folder written by keras-hub's save_to_preset"),
    ("corpus", "synthetic", {"snr_db_min": 40.0}, r"corpus\.synthetic: snr_db_min \(40\.0\) exceeds snr_db_max"),
    ("corpus", "synthetic", {"short_fraction": 1.5}, r"corpus\.synthetic\.short_fraction must be at most 1"),
    ("corpus", "synthetic", {"utterances_per_speaker": 2}, r"corpus\.synthetic\.utterances_per_speaker must be at least 3"),
    ("corpus", "valence_edges", {"msp_podcast": [1, 5, 3, 7]}, r"corpus\.valence_edges: msp_podcast must be four increasing"),
    ("corpus", "emotions", {"angri": "negative"}, r"corpus\.emotions: unknown emotion 'angri' \(did you mean angry\?\)"),
    ("corpus", "folder_speaker", "^(?P<spk>.+)_", r"corpus\.folder_speaker: .* has no group named speaker"),
    ("corpus", "unlabelled_speaker", "(", r"corpus\.unlabelled_speaker: '\(' is not a regular expression"),
    ("corpus", "unknown_speaker", "guess", r"corpus\.unknown_speaker must be one of \['podcast', 'skip', 'error'\]"),
])
def test_mistyped_values_are_named(params_file, section, key, value, message):
    update_params(params_file, {section: {key: value}})
    with pytest.raises(ParamsError, match=message):
        load_params(params_file)


def test_optional_value_accepts_null_and_int(params_file):
    update_params(params_file, {"split": {"unlabelled_per_class": None}})
    assert load_params(params_file).split.unlabelled_per_class is None
    update_params(params_file, {"split": {"unlabelled_per_class": 40}})
    assert load_params(params_file).split.unlabelled_per_class == 40


def test_partitions_accept_null_and_a_mapping_of_lists(params_file):
    update_params(params_file, {"split": {"partitions": {"labelled": ["Train"], "test": ["Test1"]}}})
    assert load_params(params_file).split.partitions == {"labelled": ["Train"], "test": ["Test1"]}


def test_every_emotion_needs_an_entry(params_file):
    text = params_file.read_text()
    params_file.write_text(re.sub(r"\n    boredom: .*", "", text))
    with pytest.raises(ParamsError, match=r"corpus\.emotions: no entry for boredom"):
        load_params(params_file)


@pytest.mark.parametrize("classifiers, message", [
    ({"RandomForrest": {}}, r"classify\.classifiers: unknown classifier 'RandomForrest' \(did you mean RandomForest\?\)"),
    ({"SVM_tuned": {"C": 1, "search": {"C": [1, 10]}}}, r"classify\.classifiers: SVM_tuned: C is both set and searched"),
    ({"SVM_tuned": {"search": {"C": []}}}, r"classify\.classifiers: SVM_tuned: search must map parameter names"),
])
def test_classifier_names_and_grids_are_checked_with_the_params(params_file, classifiers, message):
    params_file.write_text(re.sub(r"  classifiers:.*?\n  unit", "  classifiers: {}\n  unit",
                                  params_file.read_text(), flags=re.S))
    update_params(params_file, {"classify": {"classifiers": classifiers}})
    with pytest.raises(ParamsError, match=message):
        load_params(params_file)


def test_reading_params_imports_neither_scikit_learn_nor_tensorflow():
    code = ("import sys; from fewlabels.params import load_params; load_params(); "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'sklearn', 'tensorflow', 'keras'}))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize("classifiers, message", [
    ({"kNN": {"n_neighbors": 0}}, r"classify\.classifiers: kNN: The 'n_neighbors' parameter of KNeighborsClassifier"),
    ({"SVM": {"kernal": "rbf"}}, r"classify\.classifiers: SVM: .*unexpected keyword argument 'kernal'"),
    ({"AdaBoost": {"n_estimators": "ten"}}, r"classify\.classifiers: AdaBoost: The 'n_estimators' parameter"),
    ({"SVM_tuned": {"search": {"C": [1, -1]}}}, r"classify\.classifiers: SVM_tuned: The 'C' parameter of SVC must be"),
])
@pytest.mark.parametrize("stage", [corpus_stage, classify_stage])
def test_scikit_learn_checks_classifier_arguments_in_the_first_stage_and_in_classify(params_file, monkeypatch, capsys,
                                                                                   classifiers, message, stage):
    """The corpus stage (the first of every study on any corpus) and classify refuse them before any work."""
    update_params(params_file, {"classify": {"classifiers": classifiers}})
    monkeypatch.chdir(params_file.parent)
    with pytest.raises(SystemExit) as stopped:
        run(stage.main)
    assert stopped.value.code == 1
    error = capsys.readouterr().err
    assert error.startswith("error: params.yaml: ") and error.count("\n") == 1
    assert re.search(message, error), error


def test_an_architecture_that_cannot_encode_the_spectrogram_is_refused_with_what_fits(params_file):
    """EmoDB's short utterances: 1.5 s chunks at 8 kHz give (29, 200) spectrograms, too small for AE3."""
    update_params(params_file, {"audio": {"min_signal": 12000}})
    with pytest.raises(ParamsError) as caught:
        load_params(params_file)
    message = str(caught.value)
    assert "autoencoder.architecture AE3 cannot encode spectrograms of shape (29, 200)" in message
    assert "it needs at least 36 frames and 36 bins" in message
    assert "raise audio.min_signal to at least 14800 samples, or set autoencoder.architecture to AE1 or AE2 or AE4" in message
    update_params(params_file, {"audio": {"min_signal": 14800}})
    assert load_params(params_file).audio.min_signal == 14800  # (36, 200) fits AE3
    update_params(params_file, {"audio": {"min_signal": 14799}})
    with pytest.raises(ParamsError, match=r"shape \(35, 200\)"):
        load_params(params_file)
    update_params(params_file, {"audio": {"min_signal": 12000}, "autoencoder": {"architecture": "AE1"}})
    assert load_params(params_file).autoencoder.architecture == "AE1"


def test_a_chunk_without_a_spectrogram_frame_is_refused(params_file):
    update_params(params_file, {"audio": {"min_signal": 700}})
    with pytest.raises(ParamsError, match=r"audio\.min_signal 700 holds no spectrogram frame: it must be at least 800"):
        load_params(params_file)


def test_several_problems_are_counted(params_file):
    update_params(params_file, {"autoencoder": {"batch_size": 0, "max_epochs": 0}})
    with pytest.raises(ParamsError, match=r"batch_size must be at least 1, got 0 \(1 more problem\(s\) after this one\)"):
        load_params(params_file)


@pytest.mark.parametrize("changes, message", [
    ({"autoencoder": {"bottleneck": "pooled"}, "audio": {"min_signal": 20_000}},
     r"autoencoder\.bottleneck pooled needs at least 2 frames in the last encoder map, but AE3 leaves 1"),
    ({"spectrogram": {"scale": "standard"}}, r"autoencoder\.loss bce needs spectrograms in \[0, 1\]"),
    ({"spectrogram": {"kind": "logmel"}}, r"AE3 cannot encode spectrograms of shape \(116, 28\) .* raise "
                                          r"spectrogram\.mel\.bands to at least 36, or set autoencoder\.architecture"),
    ({"spectrogram": {"kind": "logmel", "mel": {"window_s": 0.063125}}, "autoencoder": {"architecture": "DTU"}},
     r"spectrogram\.mel\.window_s 0\.063125 gives an odd window of 505 samples"),
    ({"spectrogram": {"kind": "logmel", "mel": {"fmax": 5000.0}}, "autoencoder": {"architecture": "DTU"}},
     r"spectrogram\.mel\.fmax 5000 Hz lies above the Nyquist frequency"),
    ({"spectrogram": {"kind": "logmel", "mel": {"fmin": 300.0, "fmax": 200.0}}},
     r"spectrogram\.mel: fmin \(300 Hz\) must lie below fmax \(200 Hz\)"),
    ({"spectrogram": {"kind": "logmel", "mel": {"bands": 300}}, "autoencoder": {"architecture": "DTU"}},
     r"spectrogram\.mel\.bands 300 exceeds the 257 frequency bins"),
    ({"finetune": {"repeats": 9}}, r"finetune\.repeats 9 exceeds draws\.repeats 5"),
    ({"compare": {"also_compare": ["finetune against scratch"]}}, r"is not '<method> vs <reference>'"),
    ({"end_to_end": {"repeats": 6}}, r"end_to_end\.repeats 6 exceeds draws\.repeats 5"),
    ({"end_to_end": {"budgets": {"count": [1, 3]}}}, r"end_to_end\.budgets\.count 3 is not among the draws' count"),
    ({"corpus": {"classes": "emotion"}}, r"corpus: classes emotion needs a corpus with categorical emotions "
                                         r"\(msp_podcast, .*emodb\); synthetic has none: set corpus\.classes to valence"),
    ({"corpus": {"keep_emotions": ["angry", "hapy"]}}, r"unknown emotion 'hapy' \(did you mean happy\?\)"),
    ({"corpus": {"keep_emotions": ["angry", "sad", "angry"]}}, r"lists an emotion twice"),
    ({"corpus": {"keep_emotions": ["angry"]}}, r"corpus\.keep_emotions must hold at least 2 entries"),
    ({"classify": {"search_folds": 1}}, r"classify\.search_folds must be at least 2"),
])
def test_params_that_only_fail_together_are_refused_with_the_way_out(params_file, changes, message):
    update_params(params_file, changes)
    with pytest.raises(ParamsError, match=message):
        load_params(params_file)


def test_the_dtu_family_encodes_log_mel_spectrograms_with_a_pooled_code(params_file):
    update_params(params_file, {"spectrogram": {"kind": "logmel", "scale": "standard"},
                                "autoencoder": {"architecture": "DTU", "bottleneck": "pooled", "loss": "mse"}})
    params = load_params(params_file)
    assert (params.autoencoder.architecture, params.spectrogram.mel.bands) == ("DTU", 28)


def test_the_shipped_corpus_classes_are_valence_with_the_glasgow_emotions_to_keep():
    params = load_params(ROOT / "params.yaml").corpus
    assert (params.classes, params.keep_emotions, params.label_from) == ("valence", ["angry", "happy", "sad", "neutral"],
                                                                         "valence")


@pytest.mark.parametrize("source", ["synthetic", "esc50", "folder"])
def test_emotion_classes_are_refused_for_a_corpus_without_emotions(params_file, source):
    update_params(params_file, {"corpus": {"source": source, "classes": "emotion"}})
    with pytest.raises(ParamsError, match=rf"^{re.escape(str(params_file))}: corpus: classes emotion needs a corpus with "
                                          rf"categorical emotions \(msp_podcast, msp_improv, tess, ravdess, crema_d, "
                                          rf"emodb\); {source} has none: set corpus\.classes to valence$"):
        load_params(params_file)
    update_params(params_file, {"corpus": {"classes": "valence"}})
    assert load_params(params_file).corpus.source == source


@pytest.mark.parametrize("source", ["msp_podcast", "msp_improv", "tess", "ravdess", "crema_d", "emodb"])
def test_emotion_classes_load_for_every_corpus_with_emotions(params_file, source):
    update_params(params_file, {"corpus": {"source": source, "classes": "emotion"}})
    assert load_params(params_file).corpus.keep_emotions == ["angry", "happy", "sad", "neutral"]


@pytest.mark.parametrize("keep, message", [
    (["angry", "hapy"], r"corpus\.keep_emotions: unknown emotion 'hapy' \(did you mean happy\?\); known: angry, sad"),
    (["angry", "joy"], r"corpus\.keep_emotions: unknown emotion 'joy'; known: angry"),
    (["sad", "angry", "sad", "angry"], r"corpus\.keep_emotions: lists an emotion twice: angry, sad; keep each once$"),
    (["angry"], r"corpus\.keep_emotions must hold at least 2 entries, got \['angry'\]"),
    ([], r"corpus\.keep_emotions must hold at least 2 entries"),
    (["angry", "calm", "boredom"], r"corpus: keep_emotions lists calm, boredom, which crema_d does not have \(its emotions: "
                                   r"angry, sad, fear, disgust, neutral, happy\): keep only those$"),
])
def test_keep_emotions_are_checked_with_the_way_out(params_file, keep, message):
    update_params(params_file, {"corpus": {"source": "crema_d", "classes": "emotion", "keep_emotions": keep}})
    with pytest.raises(ParamsError, match=message):
        load_params(params_file)


def test_kept_emotions_a_corpus_lacks_are_refused_only_for_emotion_classes(params_file):
    update_params(params_file, {"corpus": {"source": "emodb", "keep_emotions": ["calm", "surprise"]}})
    assert load_params(params_file).corpus.classes == "valence"  # keep_emotions plays no part
    update_params(params_file, {"corpus": {"classes": "emotion"}})
    with pytest.raises(ParamsError, match=r"keep_emotions lists calm, surprise, which emodb does not have"):
        load_params(params_file)


def test_every_corpus_param_is_a_param_or_dependency_of_the_stage_that_reads_it():
    """A corpus param missing from dvc.yaml would leave the manifest stale when it changes."""
    import dataclasses

    import yaml

    from fewlabels.params import CorpusParams
    stages = yaml.safe_load((ROOT / "dvc.yaml").read_text())["stages"]
    listed = set(stages["corpus"]["params"]) | {dep[2:-1] for dep in stages["corpus"]["deps"] if dep.startswith("${")}
    read_by_corpus = {f"corpus.{field.name}" for field in dataclasses.fields(CorpusParams)} - {"corpus.synthetic"}
    assert read_by_corpus <= listed, f"not in dvc.yaml's corpus stage: {sorted(read_by_corpus - listed)}"
    assert {"corpus.source", "corpus.synthetic"} <= set(stages["synthesise"]["params"])


def test_contrastive_crops_must_be_shorter_than_a_chunk_and_encodable(params_file):
    update_params(params_file, {"autoencoder": {"objective": "contrastive", "contrastive": {"segment_frames": 74}}})
    with pytest.raises(ParamsError, match=r"autoencoder\.contrastive\.segment_frames 74 must be below the chunk's 74 "
                                          r"spectrogram frames \(two crops of a chunk would otherwise be the same\)"):
        load_params(params_file)
    update_params(params_file, {"autoencoder": {"contrastive": {"segment_frames": 20}}})
    with pytest.raises(ParamsError) as caught:
        load_params(params_file)
    message = str(caught.value)
    assert "AE3 cannot encode spectrograms of shape (20, 200) (crops of autoencoder.contrastive.segment_frames)" in message
    assert "raise autoencoder.contrastive.segment_frames to at least 36, or set autoencoder.architecture to AE1" in message
    update_params(params_file, {"autoencoder": {"architecture": "AE1"}})
    assert load_params(params_file).autoencoder.contrastive.segment_frames == 20  # AE1 encodes (20, 200)
    update_params(params_file, {"audio": {"min_signal": 14000}, "autoencoder": {"architecture": "AE3",
                                                                               "contrastive": {"segment_frames": 30}}})
    with pytest.raises(ParamsError, match=r"shape \(30, 200\) .*at least 36, or raise audio\.min_signal to at least "
                                          r"15200 samples"):
        load_params(params_file)  # chunks of 34 frames: a crop of 36 needs 37 of them
    update_params(params_file, {"audio": {"min_signal": 30000}, "autoencoder": {"objective": "reconstruction"}})
    assert load_params(params_file).autoencoder.objective == "reconstruction"  # the crops are not checked then


@pytest.mark.parametrize("split, message", [
    ({"folds": 1}, r"split\.folds must be at least 2"),
    ({"fold": 2}, r"split\.fold 2 needs split\.folds \(the number of folds\); set split\.folds"),
    ({"folds": 5, "fold": 5}, r"split\.fold must be 0 to 4 with split\.folds 5, got 5"),
])
def test_folds_are_checked_with_the_params(params_file, split, message):
    update_params(params_file, {"split": split})
    with pytest.raises(ParamsError, match=message):
        load_params(params_file)
    update_params(params_file, {"split": {"folds": 5, "fold": 4}})
    assert (load_params(params_file).split.folds, load_params(params_file).split.fold) == (5, 4)
