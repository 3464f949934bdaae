"""One importer per ``corpus.source``: ``read(root, params) -> Catalogue`` and the ``LAYOUT`` it expects."""
from fewlabels.corpus.importers import crema_d, emodb, esc50, folder, msp_improv, msp_podcast, ravdess, synthetic, tess

IMPORTERS = {
    "synthetic": synthetic,
    "msp_podcast": msp_podcast,
    "msp_improv": msp_improv,
    "tess": tess,
    "ravdess": ravdess,
    "crema_d": crema_d,
    "emodb": emodb,
    "esc50": esc50,
    "folder": folder,
}
