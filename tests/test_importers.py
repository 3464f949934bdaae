"""Each importer on a fixture tree in its corpus' published layout, and every kind of bad or odd input."""
import dataclasses
import shutil

import pandas as pd
import pytest

from fewlabels.corpus import report
from fewlabels.corpus.importers import IMPORTERS, msp_improv, msp_podcast
from fewlabels.corpus.importing import import_corpus
from fewlabels.corpus.layout import CorpusError
from fewlabels.params import load_params
from tests import corpus_trees as trees
from tests.conftest import ROOT


@pytest.fixture
def params(tmp_path):
    """The shipped corpus params, pointed at ``tmp_path/corpus`` with an empty unlabelled folder."""
    (tmp_path / "unlabelled").mkdir()
    return dataclasses.replace(load_params(ROOT / "params.yaml").corpus, path=str(tmp_path / "corpus"),
                               unlabelled_path=str(tmp_path / "unlabelled"))


def run(params, **changes):
    return import_corpus(dataclasses.replace(params, **changes), n_jobs=1)


def skipped(imported) -> dict[str, int]:
    rows = imported.report[imported.report["action"] == "skipped"]
    return rows["kind"].value_counts().to_dict()


# --- every importer reads its clean layout -------------------------------------------------------

def test_msp_podcast_bins_valence_and_keeps_speakers_and_partitions(params, tmp_path):
    trees.msp_podcast(tmp_path / "corpus")
    manifest = run(params, source="msp_podcast").manifest
    assert len(manifest) == 18 and manifest["speaker"].nunique() == 6
    assert manifest.groupby("source_label")["label"].first().to_dict() == {"1.5": "negative", "4.0": "neutral",
                                                                             "6.5": "positive"}
    assert set(manifest["partition"]) == {"Train", "Development", "Test1"}
    assert manifest.loc[0, "utterance"] == "MSP-PODCAST_0000_0000" and manifest.loc[0, "sample_rate"] == 16000
    assert (manifest["frames"] == 4000).all() and not manifest["speaker_is_proxy"].any()  # 0.25 s at 16 kHz


def test_msp_podcast_consensus_emotions_through_the_table(params, tmp_path):
    trees.msp_podcast(tmp_path / "corpus")
    imported = run(params, source="msp_podcast", label_from="emotion")
    assert set(zip(imported.manifest["source_label"], imported.manifest["label"])) == {
        ("neutral", "neutral"), ("happy", "positive"), ("angry", "negative")}


def test_msp_podcast_older_label_file_name_is_read(params, tmp_path):
    root = trees.msp_podcast(tmp_path / "corpus")
    (root / "Labels" / "labels_consensus.csv").rename(root / "Labels" / "labels_concensus.csv")
    assert len(run(params, source="msp_podcast").manifest) == 18


def test_msp_improv_reads_the_evaluation_file(params, tmp_path):
    trees.msp_improv(tmp_path / "corpus")
    manifest = run(params, source="msp_improv").manifest
    assert len(manifest) == 12 and set(manifest["speaker"]) == {"F01", "M01", "F02", "M02"}
    assert manifest.set_index("utterance").loc["MSP-IMPROV-S01A-F01-P-FM00", ["label", "partition"]].tolist() == [
        "negative", "session1"]
    assert manifest["label"].value_counts().to_dict() == {"negative": 4, "neutral": 4, "positive": 4}
    emotions = run(params, source="msp_improv", label_from="emotion").manifest
    assert set(emotions["source_label"]) == {"angry", "neutral", "happy"}


def test_tess_reads_folders_and_file_names(params, tmp_path):
    trees.tess(tmp_path / "corpus")
    imported = run(params, source="tess")
    manifest = imported.manifest
    assert len(manifest) == 28 and set(manifest["speaker"]) == {"OAF", "YAF"}
    assert manifest.set_index("utterance").loc["YAF_back_ps", ["source_label", "label"]].tolist() == [
        "pleasant_surprise", "positive"]
    assert manifest["label"].value_counts().to_dict() == {"negative": 16, "positive": 8, "neutral": 4}
    assert imported.formats == {"24414 Hz, 1 channel, WAV": 28}


def test_ravdess_decodes_file_names_and_excludes_unmapped_emotions(params, tmp_path):
    trees.ravdess(tmp_path / "corpus")
    imported = run(params, source="ravdess")
    manifest = imported.manifest
    assert len(manifest) == 6 * 7 and manifest["speaker"].nunique() == 6
    assert manifest.set_index("utterance").loc["03-01-02-02-01-01-03", ["speaker", "source_label", "label"]].tolist() == [
        "Actor_03", "calm", "neutral"]
    excluded = imported.report[imported.report["action"] == "excluded"]
    assert len(excluded) == 6 and set(excluded["source_label"]) == {"surprise"}  # mapped to null, counted


def test_crema_d_decodes_file_names(params, tmp_path):
    trees.crema_d(tmp_path / "corpus")
    manifest = run(params, source="crema_d").manifest
    assert len(manifest) == 6 * 6 * 2 and manifest["speaker"].nunique() == 6
    assert manifest.set_index("utterance").loc["1003_IEO_HAP_HI", ["speaker", "label"]].tolist() == ["1003", "positive"]


def test_emodb_decodes_file_names_and_reads_only_the_wav_folder(params, tmp_path):
    trees.emodb(tmp_path / "corpus")
    imported = run(params, source="emodb")
    manifest = imported.manifest
    assert len(manifest) == 6 * 2 * 7 and set(manifest["speaker"]) == {"03", "08", "09", "10", "11", "12"}
    assert manifest.set_index("utterance").loc["08b01La", ["speaker", "source_label", "label"]].tolist() == [
        "08", "boredom", "negative"]
    assert manifest.groupby("source_label")["label"].first().to_dict() == {
        "angry": "negative", "boredom": "negative", "disgust": "negative", "fear": "negative", "happy": "positive",
        "neutral": "neutral", "sad": "negative"}
    assert imported.formats == {"16000 Hz, 1 channel, WAV": 84} and imported.report.empty


def test_esc50_keeps_its_categories_source_recordings_and_folds(params, tmp_path):
    trees.esc50(tmp_path / "corpus")
    manifest = run(params, source="esc50").manifest
    assert len(manifest) == 20 and set(manifest["label"]) == {"dog", "rain"}
    assert manifest.set_index("utterance").loc["3-1003-B-1", ["speaker", "partition", "label"]].tolist() == [
        "1003", "fold3", "rain"]


def test_folder_takes_class_folders_and_speakers_by_regex(params, tmp_path):
    trees.folder(tmp_path / "corpus")
    manifest = run(params, source="folder").manifest
    assert len(manifest) == 16 and set(manifest["label"]) == {"cat", "dog"}
    assert set(manifest["speaker"]) == {"spk0", "spk1", "spk2", "spk3"}
    manifest = run(params, source="folder", folder_speaker=r"spk(?P<speaker>\d)_").manifest
    assert set(manifest["speaker"]) == {"0", "1", "2", "3"} and manifest.loc[0, "utterance"] == "cat/spk0_0"


def test_folder_speaker_regex_is_checked(params, tmp_path):
    trees.folder(tmp_path / "corpus")
    with pytest.raises(ValueError, match="has no group named speaker"):  # checked by params
        run(params, source="folder", folder_speaker="spk[0-9]")
    with pytest.raises(ValueError, match="is not a regular expression"):
        run(params, source="folder", folder_speaker="(?P<speaker>")


# --- bad and odd input: an error naming the file, or skipped and counted -------------------------

def msp_podcast_rows():
    good = [(f"MSP-PODCAST_0001_000{u}.wav", "N", "4.0", "7", "Train") for u in range(3)]
    return good + [("MSP-PODCAST_0002_0001.wav", "N", "4.0", "Unknown", "Train"),  # unknown speaker
                   ("MSP-PODCAST_0002_0002.wav", "N", "", "8", "Train"),  # missing valence
                   ("MSP-PODCAST_0002_0003.wav", "N", "9.5", "8", "Train")]  # out of the 1-7 scale


@pytest.mark.parametrize("problem", ["unknown_speaker", "missing_value", "out_of_range", "missing_file",
                                     "unlabelled_file", "unreadable_audio", "odd_format"])
def test_msp_podcast_bad_input_is_an_error_naming_the_file_or_skipped_and_counted(params, tmp_path, problem):
    root = tmp_path / "corpus"
    rows = msp_podcast_rows()[:3]
    extra = {"unknown_speaker": msp_podcast_rows()[3], "missing_value": msp_podcast_rows()[4],
             "out_of_range": msp_podcast_rows()[5]}
    trees.msp_podcast(root, rows + [extra[problem]] if problem in extra else rows)
    name = {"unknown_speaker": "MSP-PODCAST_0002_0001.wav", "missing_value": "MSP-PODCAST_0002_0002.wav",
            "out_of_range": "MSP-PODCAST_0002_0003.wav", "missing_file": "MSP-PODCAST_0001_0000.wav",
            "unlabelled_file": "MSP-PODCAST_0009_0009.wav", "unreadable_audio": "MSP-PODCAST_0001_0001.wav",
            "odd_format": "MSP-PODCAST_0001_0002.wav"}[problem]
    if problem == "missing_file":
        (root / "Audios" / name).unlink()
    if problem == "unlabelled_file":
        trees.clip(root / "Audios" / name, 16000)
    if problem == "unreadable_audio":
        (root / "Audios" / name).write_bytes(b"RIFF not really")
    if problem == "odd_format":
        trees.clip(root / "Audios" / name, 44100, channels=2)
    kind = {"missing_value": "bad_label", "out_of_range": "bad_label"}.get(problem, problem)
    reason = {"unknown_speaker": "speaker id 'Unknown' names no speaker", "missing_value": r"valence '' is missing",
              "out_of_range": r"valence '9.5' is missing or outside \[1.0, 7.0\]", "missing_file": "not on disk",
              "unlabelled_file": "not in the labels", "unreadable_audio": "not readable as audio",
              "odd_format": r"44100 Hz, 2 channels, WAV, while 2 of 3 files are 16000 Hz, 1 channel, WAV"}[problem]
    with pytest.raises(CorpusError, match=rf"{name}: .*{reason}.*\({kind}; 1 problem"):
        run(params, source="msp_podcast", unknown_speaker="error")
    imported = run(params, source="msp_podcast", on_bad_input="skip", on_odd_format="skip", unknown_speaker="error")
    assert skipped(imported) == {kind: 1}
    assert imported.report["path"].str.endswith(name).any()
    assert len(imported.manifest) == 3 - (problem in ("missing_file", "unreadable_audio", "odd_format"))


def msp_podcast_unknown_speaker_rows():
    known = [(f"MSP-PODCAST_0001_000{u}.wav", "N", "4.0", "7", "Train") for u in range(2)]
    return known + [("MSP-PODCAST_0002_0001.wav", "N", "4.0", "Unknown", "Train"),
                    ("MSP-PODCAST_0002_0002.wav", "H", "6.0", "", "Train"),
                    ("MSP-PODCAST_0003_0001.wav", "A", "2.0", "Unknown", "Test1")]


def test_msp_podcast_unknown_speakers_stand_in_as_their_podcast_and_are_counted(params, tmp_path):
    trees.msp_podcast(tmp_path / "corpus", msp_podcast_unknown_speaker_rows())
    imported = run(params, source="msp_podcast")  # unknown_speaker: podcast, on_bad_input: error
    manifest = imported.manifest.set_index("utterance")
    assert manifest["speaker"].tolist() == ["7", "7", "podcast_0002", "podcast_0002", "podcast_0003"]
    assert manifest["speaker_is_proxy"].tolist() == [False, False, True, True, True]
    assert imported.report.empty
    summary = report.corpus_metrics(imported.manifest, imported.report, imported.formats)
    assert summary["proxy_speakers"] == {"utterances": 3, "speakers": 2} and summary["speakers"] == 3


def test_msp_podcast_unknown_speakers_skipped_whatever_on_bad_input_or_an_error(params, tmp_path):
    trees.msp_podcast(tmp_path / "corpus", msp_podcast_unknown_speaker_rows())
    imported = run(params, source="msp_podcast", unknown_speaker="skip")
    assert imported.manifest["utterance"].tolist() == ["MSP-PODCAST_0001_0000", "MSP-PODCAST_0001_0001"]
    summary = report.corpus_metrics(imported.manifest, imported.report, imported.formats)
    assert summary["skipped"] == {"unknown_speaker": 3} and summary["proxy_speakers"] == {"utterances": 0, "speakers": 0}
    with pytest.raises(CorpusError, match=r"MSP-PODCAST_0002_0001.wav: .*speaker id 'Unknown' names no speaker; "
                                          r"corpus.unknown_speaker: podcast .*\(unknown_speaker; 3 problem"):
        run(params, source="msp_podcast", unknown_speaker="error")
    imported = run(params, source="msp_podcast", unknown_speaker="error", on_bad_input="skip")
    assert skipped(imported) == {"unknown_speaker": 3}


def test_msp_podcast_proxy_needs_the_podcast_file_name_and_never_merges_with_a_real_speaker(params, tmp_path):
    rows = msp_podcast_unknown_speaker_rows()[:3]
    trees.msp_podcast(tmp_path / "corpus", rows + [("podcast-clip.wav", "N", "4.0", "Unknown", "Train")])
    with pytest.raises(CorpusError, match=r"podcast-clip.wav: .*its name 'podcast-clip' is not "
                                          r"MSP-PODCAST_<podcast>_<segment>.*\(unknown_speaker; 1 problem"):
        run(params, source="msp_podcast")
    assert skipped(run(params, source="msp_podcast", on_bad_input="skip")) == {"unknown_speaker": 1}
    shutil.rmtree(tmp_path / "corpus")
    trees.msp_podcast(tmp_path / "corpus", rows + [("MSP-PODCAST_0004_0001.wav", "N", "4.0", "podcast_0002", "Train")])
    with pytest.raises(CorpusError, match=r"speaker id\(s\) podcast_0002 of the corpus equal the proxy"):
        run(params, source="msp_podcast")


def test_odd_formats_can_be_converted_and_are_counted(params, tmp_path):
    root = trees.crema_d(tmp_path / "corpus", actors=range(1001, 1003))
    trees.clip(root / "AudioWAV" / "1001_DFA_ANG_XX.wav", 22050, channels=2)
    imported = run(params, source="crema_d", on_odd_format="convert")
    assert len(imported.manifest) == 24 and imported.formats == {"16000 Hz, 1 channel, WAV": 23,
                                                                 "22050 Hz, 2 channels, WAV": 1}
    converted = imported.report[imported.report["action"] == "converted"]
    assert converted["path"].str.endswith("1001_DFA_ANG_XX.wav").tolist() == [True]


def test_msp_improv_unknown_speaker_and_bad_lines(params, tmp_path):
    lines = [trees.msp_improv_line("S01A-F01-P-FM01", "A", "1.2"), trees.msp_improv_line("S01N-F01-R-FM02", "N", "3.0"),
             trees.msp_improv_line("S01H-F09-P-FM03", "H", "4.5"),  # no session 9
             trees.msp_improv_line("S01H-F01-S-FM04", "H", "NaN")]
    root = trees.msp_improv(tmp_path / "corpus", lines)
    with (root / "Evaluation.txt").open("a") as f:
        f.write("UTD-IMPROV-S01N-M01-P-MF05.avi; N; valence unknown\n")
    imported = run(params, source="msp_improv", on_bad_input="skip")
    assert skipped(imported) == {"bad_label": 2, "unknown_speaker": 1}
    assert imported.manifest["utterance"].tolist() == ["MSP-IMPROV-S01A-F01-P-FM01", "MSP-IMPROV-S01N-F01-R-FM02"]
    with pytest.raises(CorpusError, match=r"F09-P-FM03.wav: .*Evaluation.txt line 7: 'S01H-F09-P-FM03' names no speaker"):
        run(params, source="msp_improv")


def test_tess_odd_names_and_folders(params, tmp_path):
    root = trees.tess(tmp_path / "corpus", words=("back",))
    trees.clip(root / "OAF_angry" / "OAF_bar_sad.wav", 24414)  # folder says angry
    trees.clip(root / "XYZ_bar_angry.wav", 24414)  # no such speaker, and no folder to take one from
    trees.clip(root / "OAF_angry" / "OAF_bar_bored.wav", 24414)  # no such emotion
    trees.clip(root / "OAF_angry" / "notes.wav", 24414)  # not a TESS name
    imported = run(params, source="tess", on_bad_input="skip")
    assert skipped(imported) == {"bad_label": 2, "unknown_speaker": 1, "unlabelled_file": 1}
    assert len(imported.manifest) == 14


def test_tess_quirks_of_the_published_copy(params, tmp_path):
    trees.tess(tmp_path / "corpus", quirks=True)
    with pytest.raises(CorpusError, match=r"OAF_Fear/OAF_back_fear.wav: 24414 Hz, 1 channel, AIFF, while 26 of 29 "
                                          r"files are 24414 Hz, 1 channel, WAV \(odd_format; 3 problem\(s\) in all\)\. "
                                          r"Set corpus.on_odd_format: convert"):
        run(params, source="tess")
    imported = run(params, source="tess", on_odd_format="convert")
    manifest = imported.manifest.set_index("utterance")
    assert len(manifest) == 29 and manifest.loc["OA_bite_neutral", ["speaker", "label"]].tolist() == ["OAF", "neutral"]
    assert imported.formats == {"24414 Hz, 1 channel, AIFF": 2, "24414 Hz, 1 channel, WAV": 26,
                                "96000 Hz, 1 channel, WAV": 1}
    converted = imported.report[imported.report["action"] == "converted"].set_index("path")["reason"]
    assert sorted(path.split("corpus/")[1] for path in converted.index) == [
        "OAF_Fear/OAF_back_fear.wav", "OAF_neutral/OA_bite_neutral.wav", "YAF_happy/YAF_back_happy.wav",
        "YAF_sad/YAF_back_sad.wav"]
    assert converted[str(tmp_path / "corpus/OAF_neutral/OA_bite_neutral.wav")] == (
        "file name says speaker 'OA', folder 'OAF_neutral' says OAF: took the folder's")
    summary = report.corpus_metrics(imported.manifest, imported.report, imported.formats)
    assert summary["converted"] == 4 and summary["skipped"] == {}
    assert len(run(params, source="tess", on_odd_format="skip").manifest) == 26


def test_emodb_odd_names(params, tmp_path):
    root = trees.emodb(tmp_path / "corpus", speakers=("03", "08"), texts=("a01",))
    trees.clip(root / "wav" / "05a01Wa.wav", 16000)  # no speaker 05
    trees.clip(root / "wav" / "03a01Xa.wav", 16000)  # no emotion X
    trees.clip(root / "wav" / "03a01Wa copy.wav", 16000)  # not an EmoDB name
    with pytest.raises(CorpusError, match=r"03a01Wa copy.wav: file name is not .*\(unlabelled_file; 3 problem"):
        run(params, source="emodb")
    imported = run(params, source="emodb", on_bad_input="skip")
    assert skipped(imported) == {"unknown_speaker": 1, "bad_label": 1, "unlabelled_file": 1}
    assert len(imported.manifest) == 14


def test_ravdess_odd_names_and_actor_folders(params, tmp_path):
    root = trees.ravdess(tmp_path / "corpus", actors=range(1, 4), emotions=range(1, 3))
    trees.clip(root / "Actor_01" / trees.ravdess_name(3, 2), 48000)  # actor 02 in Actor_01
    trees.clip(root / "Actor_30" / trees.ravdess_name(3, 30), 48000)  # no actor 30
    trees.clip(root / "Actor_01" / trees.ravdess_name(9, 1), 48000)  # no emotion 09
    trees.clip(root / "Actor_01" / "take2.wav", 48000)
    imported = run(params, source="ravdess", on_bad_input="skip")
    assert skipped(imported) == {"unknown_speaker": 2, "bad_label": 1, "unlabelled_file": 1}
    assert len(imported.manifest) == 6


def test_crema_d_silent_clip_and_odd_names(params, tmp_path):
    root = trees.crema_d(tmp_path / "corpus", actors=range(1075, 1077))
    silent = root / "AudioWAV" / "1076_MTI_SAD_XX.wav"  # empty in the real corpus too
    silent.write_bytes(b"")
    trees.clip(root / "AudioWAV" / "1200_DFA_ANG_XX.wav", 16000)  # no actor 1200
    trees.clip(root / "AudioWAV" / "1075_DFA_BOR_XX.wav", 16000)  # no emotion BOR
    trees.clip(root / "AudioWAV" / "1075-DFA-ANG.wav", 16000)
    with pytest.raises(CorpusError, match=r"1075-DFA-ANG.wav: file name is not .*\(unlabelled_file; 3 problem\(s\) in all"):
        run(params, source="crema_d")
    imported = run(params, source="crema_d", on_bad_input="skip")
    assert skipped(imported) == {"unknown_speaker": 1, "bad_label": 1, "unlabelled_file": 1, "unreadable_audio": 1}
    assert len(imported.manifest) == 24 and "1076_MTI_SAD_XX" not in set(imported.manifest["utterance"])


def test_esc50_bad_rows(params, tmp_path):
    rows = [("1-1-A-0.wav", "1", "0", "dog", "1"), ("1-2-A-0.wav", "1", "0", "dog", ""), ("1-3-A-0.wav", "1", "0", "", "3"),
            ("1-4-A-0.wav", "7", "0", "dog", "4"), ("1-5-A-0.wav", "2", "0", "dog", "5")]
    root = trees.esc50(tmp_path / "corpus", rows)
    (root / "audio" / "1-5-A-0.wav").unlink()
    imported = run(params, source="esc50", on_bad_input="skip")
    assert skipped(imported) == {"unknown_speaker": 1, "bad_label": 2, "missing_file": 1}
    assert imported.manifest["utterance"].tolist() == ["1-1-A-0"]


def test_folder_files_outside_class_folders_and_without_speaker(params, tmp_path):
    root = trees.folder(tmp_path / "corpus", speakers=2, per_speaker=1)
    trees.clip(root / "loose.wav", 16000)
    trees.clip(root / "cat" / "-nameless.flac", 16000, fmt="FLAC")
    (root / "cat" / "README.txt").write_text("not audio, not counted")
    (root / "cat" / ".hidden.wav").write_bytes(b"")
    imported = run(params, source="folder", on_bad_input="skip")
    assert skipped(imported) == {"unlabelled_file": 1, "unknown_speaker": 1}
    assert len(imported.manifest) == 4


@pytest.mark.parametrize("source, build, write", [
    ("msp_podcast", trees.msp_podcast, lambda root: trees.msp_podcast(root, [("../../escape.wav", "N", "4.0", "1", "Train")])),
    ("esc50", trees.esc50, lambda root: trees.esc50(root, [("/etc/passwd", "1", "0", "dog", "1")])),
    ("synthetic", None, None),
])
def test_a_path_that_escapes_corpus_path_is_refused_whatever_the_policy(params, tmp_path, source, build, write):
    if source == "synthetic":
        root = tmp_path / "data" / "raw" / "synthetic"
        root.mkdir(parents=True)
        (root / "labels.csv").write_text("utterance,file,label,speaker\nu1,../../../secret.wav,neutral,s1\n")
        params = dataclasses.replace(params, path="data/raw/synthetic")
        with pytest.MonkeyPatch.context() as patch:
            patch.chdir(tmp_path)
            with pytest.raises(CorpusError, match=r"labels.csv line 2: the path '../../../secret.wav' points outside "
                                                  r"corpus.path .*; refused"):
                run(params, source="synthetic", on_bad_input="skip")
        return
    write(tmp_path / "corpus")
    with pytest.raises(CorpusError, match="points outside corpus.path .*; refused"):
        run(params, source=source, on_bad_input="skip")


@pytest.mark.parametrize("source, missing", [
    ("msp_podcast", "labels_consensus.csv"), ("msp_improv", "Evaluation.txt"), ("crema_d", "AudioWAV"),
    ("emodb", "wav"), ("esc50", "esc50.csv")])
def test_a_corpus_in_another_layout_gets_an_error_showing_the_expected_one(params, tmp_path, source, missing):
    trees.folder(tmp_path / "corpus")
    with pytest.raises(CorpusError, match=rf"{missing} is missing: expected .*Expected layout under corpus.path"):
        run(params, source=source)


def test_missing_label_file_columns_are_named(params, tmp_path):
    root = trees.esc50(tmp_path / "corpus")
    table = pd.read_csv(root / "meta" / "esc50.csv").drop(columns=["src_file"])
    table.to_csv(root / "meta" / "esc50.csv", index=False)
    with pytest.raises(CorpusError, match="esc50.csv: no column src_file"):
        run(params, source="esc50")


# --- label mapping params ------------------------------------------------------------------------

def test_valence_edges_decide_the_classes(params, tmp_path):
    rows = [(f"MSP-PODCAST_0001_000{i}.wav", "N", value, "1", "Train") for i, value in enumerate(["2.9", "3.0", "5.0", "5.1"])]
    trees.msp_podcast(tmp_path / "corpus", rows)
    assert run(params, source="msp_podcast").manifest["label"].tolist() == ["negative", "neutral", "neutral", "positive"]
    edges = {**params.valence_edges, "msp_podcast": [1.0, 2.5, 4.5, 7.0]}
    assert run(params, source="msp_podcast", valence_edges=edges).manifest["label"].tolist() == [
        "neutral", "neutral", "positive", "positive"]
    with pytest.raises(ValueError, match=r"msp_podcast must be four increasing numbers"):
        run(params, source="msp_podcast", valence_edges={**edges, "msp_podcast": [1.0, 5.0, 4.0, 7.0]})


def test_the_emotion_table_is_checked_and_decides_what_is_excluded(params, tmp_path):
    trees.tess(tmp_path / "corpus", words=("back",))
    with pytest.raises(ValueError, match=r"unknown emotion 'angyr' \(did you mean angry\?\)"):
        run(params, source="tess", emotions={**params.emotions, "angyr": "negative"})
    without_calm = {k: v for k, v in params.emotions.items() if k != "calm"}
    with pytest.raises(ValueError, match="no entry for calm"):
        run(params, source="tess", emotions=without_calm)
    imported = run(params, source="tess", emotions={**params.emotions, "disgust": None, "fear": "fearful"})
    assert set(imported.manifest["label"]) == {"negative", "neutral", "positive", "fearful"}
    excluded = imported.report[imported.report["action"] == "excluded"]
    assert excluded["source_label"].tolist() == ["disgust", "disgust"]


def msp_podcast_every_emotion(root):
    """Two speakers with every ``EmoClass``, each rated 4.0 (neutral valence whatever the category)."""
    return trees.msp_podcast(root, [(f"MSP-PODCAST_{s:04d}_{u:04d}.wav", code, "4.0", str(100 + s), "Train")
                                    for s in range(2) for u, code in enumerate(msp_podcast.EMOTIONS)])


def msp_improv_every_emotion(root):
    """Two speakers with every consensus letter, each rated V:3 (neutral valence whatever the category)."""
    return trees.msp_improv(root, [trees.msp_improv_line(f"S01A-{g}01-P-FM{u:02d}", code, "3.000000")
                                   for g in "FM" for u, code in enumerate(msp_improv.EMOTIONS)])


EMOTION_TREES = {"msp_podcast": msp_podcast_every_emotion, "msp_improv": msp_improv_every_emotion, "tess": trees.tess,
                 "ravdess": trees.ravdess, "crema_d": trees.crema_d, "emodb": trees.emodb}
"""Each importer with categorical emotions -> a tree holding every emotion its ``EMOTIONS`` table names."""


@pytest.mark.parametrize("source", EMOTION_TREES)
def test_emotion_classes_are_the_kept_emotions_and_the_others_are_excluded_and_counted(params, tmp_path, source):
    EMOTION_TREES[source](tmp_path / "corpus")
    keep = ["angry", "happy", "sad", "neutral"]
    assert params.label_from == "valence"  # MSP: classes emotion reads the consensus category all the same
    imported = run(params, source=source, classes="emotion", keep_emotions=keep)
    manifest, excluded = imported.manifest, imported.report[imported.report["action"] == "excluded"]
    assert set(manifest["label"]) == set(keep)  # MSP: by the rating every utterance would be neutral
    assert (manifest["label"] == manifest["source_label"]).all()
    others = set(IMPORTERS[source].EMOTIONS.values()) - set(keep)
    assert others and set(excluded["source_label"]) == others
    assert (excluded["reason"] == excluded["source_label"] + " is not in corpus.keep_emotions").all()
    assert (excluded["kind"] == "excluded_label").all() and skipped(imported) == {}
    by_valence = run(params, source=source)  # nothing is lost: every entry is kept or excluded, and counted
    assert len(manifest) + len(excluded) == len(by_valence.manifest) + (by_valence.report["action"] == "excluded").sum()
    summary = report.corpus_metrics(imported.manifest, imported.report, imported.formats)  # metrics/corpus.json
    assert summary["excluded"] == excluded["source_label"].value_counts().to_dict()
    assert set(summary["per_class"]) == set(keep)


def test_any_emotions_can_be_the_classes_and_the_valence_table_then_plays_no_part(params, tmp_path):
    trees.ravdess(tmp_path / "corpus")
    imported = run(params, source="ravdess", classes="emotion", keep_emotions=["surprise", "calm", "neutral"])
    assert set(imported.manifest["label"]) == {"surprise", "calm", "neutral"}  # surprise: null in corpus.emotions
    excluded = imported.report[imported.report["action"] == "excluded"]
    assert set(excluded["source_label"]) == {"happy", "sad", "angry", "fear", "disgust"}


def test_keep_emotions_play_no_part_in_valence_classes(params, tmp_path):
    trees.ravdess(tmp_path / "corpus")
    default = run(params, source="ravdess")
    assert params.classes == "valence" and set(default.manifest["label"]) == {"negative", "neutral", "positive"}
    other = run(params, source="ravdess", keep_emotions=["calm", "surprise"])
    pd.testing.assert_frame_equal(other.manifest, default.manifest)
    pd.testing.assert_frame_equal(other.report, default.report)


# --- unlabelled clips from elsewhere -------------------------------------------------------------

def test_unlabelled_clips_of_any_supported_format_join_without_labels(params, tmp_path):
    trees.crema_d(tmp_path / "corpus", actors=range(1001, 1003))
    extra = tmp_path / "unlabelled"
    trees.clip(extra / "a" / "1-100038-A-14.wav", 44100)
    trees.clip(extra / "b.flac", 22050, fmt="FLAC")
    trees.clip(extra / "c.ogg", 44100, channels=2, fmt="OGG")
    (extra / ".gitkeep").write_text("")
    imported = run(params, source="crema_d")
    rows = imported.manifest[imported.manifest["label"].isna()]
    assert rows["utterance"].tolist() == ["unlabelled/a/1-100038-A-14", "unlabelled/b", "unlabelled/c"]
    assert rows["speaker"].tolist() == ["unlabelled/a", "unlabelled/b", "unlabelled/c"]
    assert imported.formats == {"16000 Hz, 1 channel, WAV": 24}  # the corpus' formats; extra clips are converted


def test_unlabelled_path_must_not_overlap_the_corpus(params, tmp_path):
    trees.folder(tmp_path / "corpus")
    with pytest.raises(CorpusError, match="overlap"):
        run(params, source="folder", unlabelled_path=str(tmp_path / "corpus" / "cat"))
    shutil.rmtree(tmp_path / "unlabelled")
    with pytest.raises(CorpusError, match="corpus.unlabelled_path .* is not a folder"):
        run(params, source="folder")


def test_unlabelled_clips_in_symlinked_folders_are_found_once_and_link_loops_end(params, tmp_path):
    trees.crema_d(tmp_path / "corpus", actors=range(1001, 1003))
    elsewhere = tmp_path / "elsewhere"
    trees.clip(elsewhere / "spk1" / "x.wav", 16000)
    trees.clip(elsewhere / "spk1" / "deep" / "y.flac", 16000, fmt="FLAC")
    (elsewhere / "spk1" / "loop").symlink_to(elsewhere, target_is_directory=True)  # back up: walked once
    extra = tmp_path / "unlabelled"
    (extra / "linked").symlink_to(elsewhere, target_is_directory=True)
    (extra / ".hidden").symlink_to(elsewhere / "spk1", target_is_directory=True)  # hidden: skipped
    rows = run(params, source="crema_d").manifest.query("label.isna()")
    assert rows["utterance"].tolist() == ["unlabelled/linked/spk1/deep/y", "unlabelled/linked/spk1/x"]
    assert rows["speaker"].tolist() == ["unlabelled/linked", "unlabelled/linked"]  # the first folder below
    rows = run(params, source="crema_d", unlabelled_speaker=r"^linked/(?P<speaker>[^/]+)/").manifest.query("label.isna()")
    assert rows["speaker"].tolist() == ["unlabelled/spk1", "unlabelled/spk1"]


def test_unlabelled_speaker_regex_on_the_path_below_unlabelled_path(params, tmp_path):
    trees.crema_d(tmp_path / "corpus", actors=range(1001, 1003))
    extra = tmp_path / "unlabelled"
    for name in ("a/spk7_take1.wav", "b/spk7_take2.wav", "b/spk8_take1.wav", "other.wav"):
        trees.clip(extra / name, 16000)
    speakers = run(params, source="crema_d").manifest.query("label.isna()")["speaker"]
    assert speakers.tolist() == ["unlabelled/a", "unlabelled/b", "unlabelled/b", "unlabelled/other"]
    pattern = r"spk(?P<speaker>\d+)_"
    with pytest.raises(CorpusError, match=r"other.wav: corpus.unlabelled_speaker .* finds no speaker in 'other' "
                                          r"\(unknown_speaker; 1 problem"):
        run(params, source="crema_d", unlabelled_speaker=pattern)
    imported = run(params, source="crema_d", unlabelled_speaker=pattern, on_bad_input="skip")
    assert imported.manifest.query("label.isna()")["speaker"].tolist() == ["unlabelled/7", "unlabelled/7", "unlabelled/8"]
    assert skipped(imported) == {"unknown_speaker": 1}
