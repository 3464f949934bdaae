"""The shared emotion vocabulary and each corpus's emotion codes in it (data only: params and importers read it).

A corpus source that names no categorical emotions (synthetic, ESC-50, class folders) has no entry.
"""
EMOTIONS = ("angry", "sad", "fear", "disgust", "contempt", "boredom", "neutral", "calm", "happy", "pleasant_surprise",
            "surprise", "other", "no_agreement")

CODES = {  # corpus.source -> the code in its file names or label files -> emotion
    "msp_podcast": {"A": "angry", "S": "sad", "H": "happy", "U": "surprise", "F": "fear", "D": "disgust",
                    "C": "contempt", "N": "neutral", "O": "other", "X": "no_agreement"},
    "msp_improv": {"A": "angry", "H": "happy", "S": "sad", "N": "neutral", "O": "other", "X": "no_agreement"},
    "tess": {"angry": "angry", "disgust": "disgust", "fear": "fear", "happy": "happy", "neutral": "neutral",
             "ps": "pleasant_surprise", "pleasant_surprise": "pleasant_surprise",
             "pleasant_surprised": "pleasant_surprise", "sad": "sad"},
    "ravdess": {"01": "neutral", "02": "calm", "03": "happy", "04": "sad", "05": "angry", "06": "fear", "07": "disgust",
                "08": "surprise"},
    "crema_d": {"ANG": "angry", "DIS": "disgust", "FEA": "fear", "HAP": "happy", "NEU": "neutral", "SAD": "sad"},
    "emodb": {"W": "angry", "L": "boredom", "E": "disgust", "A": "fear", "F": "happy", "T": "sad", "N": "neutral"},
}


def corpus_emotions(source: str) -> tuple[str, ...]:
    """The emotions ``source`` labels, in vocabulary order; empty for a corpus without categorical emotions."""
    named = set(CODES.get(source, {}).values())
    return tuple(emotion for emotion in EMOTIONS if emotion in named)
