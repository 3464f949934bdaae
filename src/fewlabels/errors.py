"""The one base class of expected failures: bad params, bad input, a request the data cannot meet.

A stage (or command) prints such an error as one ``error: ...`` line and exits non-zero (:func:`run`);
any other exception is a bug and keeps its traceback.
"""
import sys
from collections.abc import Callable


class FewlabelsError(ValueError):
    """An expected failure whose message names the file or param, the reason and how to go on."""


class TrainingError(FewlabelsError):
    """A network's training diverged: its loss became NaN or infinite."""


def run(main: Callable[[], None]) -> None:
    """Call ``main``; turn a :class:`FewlabelsError` into one ``error:`` line on stderr and exit status 1."""
    try:
        main()
    except FewlabelsError as error:
        message = " ".join(line.strip() for line in str(error).splitlines() if line.strip())
        print(f"error: {message}", file=sys.stderr)
        raise SystemExit(1) from None
