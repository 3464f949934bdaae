"""The one base class of expected failures: bad params, bad input, a request the data cannot meet.

A stage prints such an error as one ``error: ...`` line and exits non-zero (see
:func:`fewlabels.stages.run`); any other exception is a bug and keeps its traceback.
"""


class FewlabelsError(ValueError):
    """An expected failure whose message names the file or param, the reason and how to go on."""
