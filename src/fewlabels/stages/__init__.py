"""One thin module per DVC stage: read params and inputs, call the library, write outputs.

Every stage module ends with ``run(main)``: an expected failure (:class:`FewlabelsError`) is printed
as one ``error: ...`` line on stderr and exits with status 1; anything else is a bug and keeps
its traceback.
"""
import sys
from collections.abc import Callable

from fewlabels.errors import FewlabelsError


def run(main: Callable[[], None]) -> None:
    """Call ``main``; turn a :class:`FewlabelsError` into one ``error:`` line and exit status 1."""
    try:
        main()
    except FewlabelsError as error:
        message = " ".join(line.strip() for line in str(error).splitlines() if line.strip())
        print(f"error: {message}", file=sys.stderr)
        raise SystemExit(1) from None
