"""The field types every params section is built from (the bottom layer: pydantic only).

Every key must be present and of its declared type: an int is accepted where a float is declared,
never a bool or a string for a number; every number has a range; an unknown key is an error.
``doc`` gives a field the one-line description that the generated parameter reference shows.
"""
import difflib
from collections.abc import Iterable
from typing import Annotated

from pydantic import ConfigDict, Field, Strict

Int = Annotated[int, Strict()]
Float = Annotated[float, Strict(), Field(allow_inf_nan=False)]
Str = Annotated[str, Strict()]
Bool = Annotated[bool, Strict()]
Seed = Annotated[Int, Field(ge=0)]
Count = Annotated[Int, Field(ge=1)]
Share = Annotated[Float, Field(ge=0, le=1)]
Positive = Annotated[Float, Field(gt=0)]
SECTION = ConfigDict(extra="forbid", frozen=True)


def doc(description: str) -> Field:
    """A field's description, e.g. ``latent_dim: Annotated[Count, doc("numbers in the code")]``."""
    return Field(description=description)


def did_you_mean(name: str, known: Iterable[str], prefix: str = "") -> str:
    """`` (did you mean <prefix>X?)`` for the closest X of ``known`` to ``name``, or an empty string."""
    close = difflib.get_close_matches(name, list(known), n=1)
    return f" (did you mean {prefix}{close[0]}?)" if close else ""
