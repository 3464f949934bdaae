"""The ``draws`` section (the labelled subsets every method trains on) and the ``compare`` section (statistics)."""
from typing import Annotated

from pydantic import Field, field_validator
from pydantic.dataclasses import dataclass

from fewlabels.schema import SECTION, Count, Float, Int, Seed, Str, doc


@dataclass(config=SECTION)
class DrawsParams:
    """The labelled subsets every method trains on: every budget of two axes, drawn ``repeats`` times."""

    fraction_step: Annotated[Float, Field(gt=0, le=1), doc("labelled fractions step, 2 x step, ..., 1 of each "
                                                           "class's labelled utterances")]
    largest_count: Annotated[Count, doc("utterances per class 1, 2, 4, ... up to this, then all")]
    repeats: Annotated[Count, doc("random draws per budget")]
    seed: Annotated[Seed, doc("seed of the draws")]


@dataclass(config=SECTION)
class CompareParams:
    """Learning curves, AULC and paired comparisons, with intervals over test speakers and label draws."""

    bootstrap: Annotated[Int, Field(ge=100), doc("resamples of test speakers (every label draw scored on each; the "
                                                 "draws' own spread gives their variance)")]
    confidence: Annotated[Float, Field(ge=0.5, lt=1), doc("level of every interval")]
    low_budgets: Annotated[Count, doc("the smallest budgets of each axis that the low-budget AULC covers")]
    reference: Annotated[Str, doc("the reference of methods without a classifier (hand-crafted methods are compared "
                                  "with their own classifier), e.g. handcrafted/SVM")]
    also_compare: Annotated[list[Str], doc('further paired comparisons "<method> vs <reference>", e.g. "finetune vs '
                                           'scratch"')]
    seed: Annotated[Seed, doc("seed of the bootstrap")]

    @field_validator("also_compare")
    @classmethod
    def _pairs(cls, pairs):
        for pair in pairs:
            if len(pair.split(" vs ")) != 2 or not all(side.strip() for side in pair.split(" vs ")):
                raise ValueError(f"{pair!r} is not '<method> vs <reference>', e.g. 'finetune vs scratch'")
        return pairs
