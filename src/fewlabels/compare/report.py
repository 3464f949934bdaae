"""The results page (``docs/results.md``) and README's answer, rendered from the metrics.

Pure functions from the metrics (``metrics/f1.json``; the corpus, split and data metrics) and the rows of the
per-class learning curves (``plots/f1/<classifier>_per_class.csv``) to markdown, so no figure on the page can
drift from what ``compare`` wrote. Nothing here names a method: the rows come from the metrics, so a new
feature family (``<family>/<classifier>``), a method without a classifier or a comparison appears by itself.
"""
import re
import textwrap
from dataclasses import dataclass, field
from typing import NamedTuple

from scipy import stats

from fewlabels.compare.decisions import DECISIONS
from fewlabels.compare.statistics import low_budget_count

FIGURE = "../plots/f1_curves.png"  # relative to docs/
DOCS = "docs/"  # relative to README
RESULTS_LINK = f"{DOCS}results.md"  # relative to README
ANSWER_START = ("<!-- answer: rendered from metrics/f1.json by fewlabels.compare.report; "
                "tests/test_results_page.py checks it -->")
ANSWER_END = "<!-- /answer -->"
AXES = ("fraction", "count")
SUFFIXES = {"fraction": "", "count": "_per_class"}  # the metric keys' suffix per axis (aulc, aulc_per_class)
AXIS_NAMES = {"fraction": "fraction axis", "count": "per-class axis"}
FAMILY_NAMES = {"handcrafted": "pyAudioAnalysis", "egemaps": "eGeMAPS", "compare2016": "ComParE 2016",
                "embeddings": "pretrained-model"}
DECISION_WORDS = {"better": "better than {}", "no evidence": "level with {} (no evidence either way)",
                  "worse": "worse than {}", "too few test speakers": "not compared with {} (too few test speakers)",
                  "too few draws": "not compared with {} (too few draws)"}
REPLICATES_LINK = "methods.md#replicates"  # relative to docs/
PROVENANCE = re.compile(r"^Rendered by `python -m fewlabels\.stages\.results` at commit (?P<commit>.+?) "
                        r"on (?P<machine>.+)\.$", re.M)
WIDTH = 100


class Provenance(NamedTuple):
    """What rendered the page: the commit (``"3d7e18f"``, ``"3d7e18f + uncommitted changes"``) and the machine."""

    commit: str
    machine: str


@dataclass(frozen=True)
class Inputs:
    """Everything the page is rendered from; all but ``f1`` may be missing."""

    f1: dict
    corpus: dict | None = None
    split: dict | None = None
    data: dict | None = None
    curves: dict = field(default_factory=dict)  # classifier -> rows of plots/f1/<classifier>_per_class.csv
    params: dict = field(default_factory=dict)  # compare params: low_budgets; confidence, bootstrap if f1 lacks them


# --- text -------------------------------------------------------------------------------------------------------

def number(value: float | None, signed: bool = False) -> str:
    """Three decimals, a true minus sign, ``+`` where ``signed``; an en dash for a missing value."""
    if value is None:
        return "–"
    return (f"{value:+.3f}" if signed else f"{value:.3f}").replace("-", "−")


def interval(value: float | None, low: float | None, high: float | None, signed: bool = False) -> str:
    """``0.566 [0.514, 0.612]``."""
    return f"{number(value, signed)} [{number(low, signed)}, {number(high, signed)}]"


def difference_text(found: dict) -> str:
    """A paired difference with its interval: ``−0.211 [−0.263, −0.156]``."""
    return interval(found["difference"], found["ci_low"], found["ci_high"], signed=True)


def p_text(p: float | None) -> str:
    """A p-value in two significant digits, ``< 0.001`` below; an en dash where there is none (undecided)."""
    if p is None:
        return "–"
    return "< 0.001" if p < 0.001 else f"{p:.2g}"


def budget_label(axis: str, budget: float) -> str:
    """``8 %`` on the fraction axis, ``4`` on the per-class axis."""
    return f"{budget * 100:g} %" if axis == "fraction" else f"{budget:g}"


def budget_text(axis: str, first: float, last: float | None = None) -> str:
    """``4 utterances per class``, ``1–8 utterances per class``, ``2–8 % of the labelled utterances``."""
    span = budget_label(axis, first) if last is None or last == first else (
        f"{budget_label(axis, first).removesuffix(' %')}–{budget_label(axis, last)}")
    if axis == "fraction":
        return f"{span} of the labelled utterances"
    return f"{span} utterance{'' if span == '1' else 's'} per class"


def join(words: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def paragraph(*sentences: str) -> str:
    """Sentences filled to the page width."""
    return textwrap.fill(" ".join(s for s in sentences if s), WIDTH, break_long_words=False, break_on_hyphens=False)


def table(header: list[str], rows: list[list[str]]) -> str:
    """A markdown table; a column empty in every row is left out."""
    keep = [i for i in range(len(header)) if i == 0 or any(row[i] for row in rows)]
    lines = [[header[i] for i in keep], ["---"] * len(keep), *([row[i] for i in keep] for row in rows)]
    return "\n".join(f"| {' | '.join(line)} |" for line in lines)


# --- reading the metrics ----------------------------------------------------------------------------------------

def family_of(method: str) -> str:
    return method.partition("/")[0]


def classifier_of(method: str) -> str | None:
    return method.partition("/")[2] or None


def family_name(family: str) -> str:
    return FAMILY_NAMES.get(family, family)


def suffix(axis: str) -> str:
    """The metric keys' suffix of an axis: ``aulc`` on the fraction axis, ``aulc_per_class`` on the count axis."""
    return SUFFIXES[axis]


def area(entry: dict, name: str, axis: str) -> str:
    """A method's ``name`` (``aulc``, ``low_budget_aulc``) on ``axis`` with its interval; empty where it has none."""
    key = f"{name}{suffix(axis)}"
    if key not in entry or (axis == "fraction" and entry.get("aulc_axis") != "fraction"):
        return ""
    return interval(entry[key], entry[f"{key}_low"], entry[f"{key}_high"])


def difference(entry: dict, name: str, axis: str) -> dict | None:
    """A comparison's paired difference in ``name`` on ``axis`` (``difference``, ``ci_low``, ``ci_high``,
    ``p_holm``, ``decision``); the one on the comparison's headline axis sits at its top level."""
    if axis == "fraction" and entry.get("aulc_axis") != "fraction":
        return None
    if name == "aulc" and axis == entry.get("aulc_axis"):
        return {**entry, "difference": entry["aulc_difference"]}
    return entry.get(f"{name}{suffix(axis)}")


def sides(key: str, entry: dict) -> tuple[str, str]:
    """The method and the reference of a comparison (keyed by its method, or ``"<method> vs <reference>"``)."""
    return key.split(" vs ")[0], entry["reference"]


def is_feature_comparison(key: str, entry: dict) -> bool:
    """Two feature families with the same classifier (``code/SVM`` vs ``handcrafted/SVM``)."""
    method, reference = sides(key, entry)
    return classifier_of(method) is not None and classifier_of(method) == classifier_of(reference)


def comparisons(f1: dict, features: bool) -> dict[str, dict]:
    """The feature comparisons, or all the others."""
    return {key: entry for key, entry in f1.get("comparisons", {}).items()
            if is_feature_comparison(key, entry) == features}


def by_family(f1: dict) -> dict[tuple[str, str], dict[str, dict]]:
    """The feature comparisons per (family, reference family), keyed by classifier."""
    grouped: dict[tuple[str, str], dict[str, dict]] = {}
    for key, entry in comparisons(f1, True).items():
        method, reference = sides(key, entry)
        grouped.setdefault((family_of(method), family_of(reference)), {})[classifier_of(method)] = entry
    return grouped


def main_references(f1: dict) -> dict[str, str]:
    """Per feature family, the family its main comparisons (keyed by the method alone) are with."""
    return {family_of(key): family_of(entry["reference"]) for key, entry in comparisons(f1, True).items()
            if " vs " not in key}


def reference_changes(f1: dict) -> list[str]:
    """Per feature family compared with other sets than its main reference (code features with eGeMAPS beside
    pyAudioAnalysis), one sentence: whether its AULC-level decisions with each classifier stay the same."""
    grouped, main = by_family(f1), main_references(f1)
    sentences = []
    for (family, reference), entries in grouped.items():
        base = grouped.get((family, main.get(family)), {})
        shared = [c for c in entries if c in base]
        if reference == main.get(family) or not shared:
            continue
        changed = [f"{c} ({base[c]['decision']} → {entries[c]['decision']})" for c in shared
                   if entries[c]["decision"] != base[c]["decision"]]
        kept = [c for c in shared if entries[c]["decision"] == base[c]["decision"]]
        how = (f"stay the same with {f'all {len(shared)} classifiers' if len(shared) > 1 else shared[0]}" if not changed
               else f"change with {join(changed)}{f' and stay the same with {join(kept)}' if kept else ''}")
        sentences.append(f"Measured against {family_name(reference)} instead of {family_name(main[family])} features, "
                         f"the AULC-level decisions of {family_name(family)} features {how}.")
    return sentences


def classified(f1: dict) -> tuple[list[str], list[str]]:
    """The families and the classifiers of the ``<family>/<classifier>`` methods, in the metrics' order."""
    methods = [method for method in f1["methods"] if classifier_of(method)]
    return (list(dict.fromkeys(map(family_of, methods))), list(dict.fromkeys(map(classifier_of, methods))))


def plain_methods(f1: dict) -> list[str]:
    """The methods without a classifier (``finetune``, ``cnn_lstm``, ...)."""
    return [method for method in f1["methods"] if classifier_of(method) is None]


def label(key: str, entry: dict) -> str:
    """``code/SVM − handcrafted/SVM``."""
    method, reference = sides(key, entry)
    return f"{method} − {reference}"


def per_budget(entry: dict, axis: str) -> list[dict]:
    return [row for row in entry.get("per_budget", []) if row["axis"] == axis]


def level(inputs: Inputs) -> str:
    """``95 %``: the intervals' level, from the metrics, else from the compare params."""
    return f"{inputs.f1.get('confidence', inputs.params.get('confidence')) * 100:g} %"


def interval_note(f1: dict, params: dict | None = None) -> str:
    """What every bracket on the page is: its level, what it is over, its unit of replication."""
    params = params or {}
    confidence = f1.get("confidence", params.get("confidence"))
    resamples = f1.get("bootstrap", params.get("bootstrap"))
    unit = f1.get("unit_of_replication", "test speaker")
    speakers = f" {f1['test_speakers']}" if "test_speakers" in f1 else ""
    counts = draw_counts(f1, list(f1.get("methods", {})))
    over = f"{counts} label draws per budget" if counts else "label draws"
    return (f"Brackets are {confidence * 100:g} % intervals over{speakers} test speakers and the {over}; unit of "
            f"replication: {unit}{f', {resamples:,} resamples' if resamples else ''}.")


def draw_counts(f1: dict, methods: list[str]) -> str:
    """``3 or 5``: how many draws per budget ``methods`` ran on, from the metrics; empty where they do not say."""
    draws = sorted({f1["methods"][method]["draws"] for method in methods if "draws" in f1["methods"][method]})
    return join([str(n) for n in draws]).replace(" and ", " or ") if draws else ""


def rules(f1: dict) -> dict:
    """How the metrics' decisions were made (``decisions`` of metrics/f1.json), empty for metrics without it."""
    return f1.get("decisions", {})


def speaker_warning(f1: dict) -> str:
    """That the test set has too few speakers for any decision, or nothing."""
    least, speakers = rules(f1).get("min_test_speakers"), f1.get("test_speakers")
    if least is None or speakers is None or speakers >= least:
        return ""
    return (f"Too few test speakers: {speakers}, where the intervals keep their coverage from {least} on "
            f"(simulated: docs/methods.md); no comparison is decided, and the brackets do not hold their level.")


def conditional_note(docs: str = "") -> str:
    """What the intervals leave out: another split, another encoder (links relative to ``docs``, the folder of
    docs/ from the page: ``""`` on docs/results.md, ``"docs/"`` in README)."""
    return ("Every interval is conditional on one speaker split and one autoencoder seed: it covers other test "
            "speakers like these and other label draws, not another split or encoder. The replicates command "
            f"(`python -m fewlabels.replicates`, [methods.md]({docs}{REPLICATES_LINK})) reruns the study with other "
            "seeds and pools them, with the replicate as the unit.")


def decision_note(f1: dict) -> str:
    """How the AULC-level decisions were made: Holm-adjusted, over how many tests, at which level."""
    found = rules(f1)
    if "aulc_level_tests" not in found:
        return ""
    return (f"AULC-level decisions are Holm-adjusted over the {found['aulc_level_tests']} AULC-level tests: better "
            f"or worse where p_holm < {found['alpha']:g}; the bracket beside them is the unadjusted interval, and "
            f"the p-value is that interval inverted (the smallest level whose interval excludes 0).")


def low_budget_span(f1: dict, axis: str, low_budgets: int | None) -> str:
    """The budgets a low-budget AULC covers on ``axis``: the ``compare.low_budgets`` smallest of the feature
    comparisons' grid (:func:`fewlabels.compare.statistics.low_budget_count`)."""
    grid = sorted({row["budget"] for entry in comparisons(f1, True).values() for row in per_budget(entry, axis)})
    if not grid or low_budgets is None:
        return ""
    first = grid[:low_budget_count(low_budgets, len(grid))]
    return budget_text(axis, first[0], first[-1])


# --- sentences --------------------------------------------------------------------------------------------------

def decision_runs(rows: list[dict]) -> str:
    """Per-budget decisions, consecutive equal ones merged: ``worse at 1, no evidence at 4, worse at 16 and 64``."""
    runs: list[tuple[str, list[str]]] = []
    for row in rows:
        budget = budget_label(row["axis"], row["budget"])
        if runs and runs[-1][0] == row["decision"]:
            runs[-1][1].append(budget)
        else:
            runs.append((row["decision"], [budget]))
    if len(runs) == 1:
        return f"{runs[0][0]} at every budget"
    return ", ".join(f"{decision} at {join(budgets) if len(budgets) < 3 else f'{budgets[0]}–{budgets[-1]}'}"
                     for decision, budgets in runs)


def verdict(intro: str, families: tuple[str, str], found: dict[str, dict], where: str) -> str:
    """One sentence: per decision the classifiers, then the smallest and the largest difference."""
    family, reference = map(family_name, families)
    groups: dict[str, list[str]] = {}
    for classifier, entry in found.items():
        groups.setdefault(entry["decision"], []).append(classifier)
    phrases = [f"{DECISION_WORDS[decision].format(f'{reference} features' if i == 0 else 'them')} with "
               f"{f'all {len(found)} classifiers' if len(names) == len(found) > 1 else join(names)}"
               for i, (decision, names) in enumerate((d, groups[d]) for d in DECISION_WORDS if d in groups)]
    ordered = sorted(found, key=lambda classifier: found[classifier]["difference"])
    figures = [f"{difference_text(found[c])} with {c}" for c in dict.fromkeys([ordered[0], ordered[-1]])]
    return (f"{intro}, {family} features are {join(phrases)} "
            f"({family} − {reference}, {where}: {' to '.join(figures)}).")


def crossovers(entry: dict) -> list[tuple[str, float]]:
    """(axis, budget) of each crossover a comparison has: the budget up to which it is better all the way."""
    keys = {axis: f"better_up_to{suffix(axis) or '_fraction'}" for axis in AXES}
    return [(axis, entry[key]) for axis, key in keys.items() if entry.get(key) is not None]


def family_crossovers(families: tuple[str, str], entries: dict[str, dict]) -> list[str]:
    """The crossovers of a feature family against its reference, one sentence each, or that there is none."""
    family, reference = map(family_name, families)
    found = {classifier: [budget_text(axis, budget) for axis, budget in crossovers(entry)]
             for classifier, entry in entries.items() if crossovers(entry)}
    if not found:
        return [f"There is no budget from which {family} features are better than {reference} features all the "
                f"way down (`better_up_to_*` is null with every classifier)."]
    return [f"With {classifier}, {family} features are better than {reference} features at every budget up to "
            f"{' and up to '.join(budgets)}." for classifier, budgets in found.items()]


def other_crossovers(f1: dict) -> list[str]:
    """The crossovers of the comparisons that are not between feature families."""
    others = comparisons(f1, False)
    found = [(key, entry, axis, budget) for key, entry in others.items() for axis, budget in crossovers(entry)]
    if not others:
        return []
    if not found:
        return [f"None of the {len(others)} further comparisons is better from its smallest budget on."]
    return [f"{sides(key, entry)[0]} is better than {entry['reference']} at every budget up to "
            f"{budget_text(axis, budget)}." for key, entry, axis, budget in found]


def per_budget_counts(entries: list[dict], what: str, alpha: float) -> str:
    """How many of the decided per-budget comparisons of ``entries`` are better and how many worse, beside what
    tests at level ``alpha`` would give if no difference were real."""
    rows = [row for entry in entries for row in entry.get("per_budget", []) if row["decision"] in DECISIONS]
    if not rows:
        return ""
    better, worse = (sum(row["decision"] == decision for row in rows) for decision in ("better", "worse"))
    return (f"Of the {len(rows)} per-budget differences {what}, {better or 'none'} "
            f"{'has its' if better < 2 else 'have their'} interval above zero (better) and {worse or 'none'} below "
            f"(worse); without any real difference, tests at the {alpha * 100:g} % level would put "
            f"{alpha * len(rows):.3g} outside zero on average, and more than "
            f"{stats.binom.ppf(0.95, len(rows), alpha):g} in at most 1 study of 20 (binomial, were they independent; sharing the test speakers widens that).")


def per_budget_sentences(f1: dict) -> list[str]:
    """The per-budget counts per feature family and of the further comparisons, and how to read them."""
    alpha = rules(f1).get("alpha", 1 - f1.get("confidence", 0.95))
    counts = [per_budget_counts(list(entries.values()),
                                f"between {family_name(family)} and {family_name(ref)} features", alpha)
              for (family, ref), entries in by_family(f1).items()]
    counts.append(per_budget_counts(list(comparisons(f1, False).values()), "of the further comparisons", alpha))
    counts = [count for count in counts if count]
    return ["Per-budget decisions are unadjusted: each is read from its own interval."] + counts if counts else []


def answer(f1: dict) -> str:
    """README's answer: per feature family that is no other's reference (code features) and each of its
    references, its verdict over the whole curve and with the fewest labels, its crossovers, what another
    reference changes, how the decisions were made, the intervals' level, unit and what they leave out, and a
    link to the results page."""
    sentences = [speaker_warning(f1)]
    grouped = by_family(f1)
    references = {reference for _, reference in grouped}
    for families, entries in grouped.items():
        if families[0] in references:  # a reference's own comparisons (eGeMAPS − pyAudioAnalysis): the results page
            continue
        axis = next(iter(entries.values()))["aulc_axis"]
        whole = {c: found for c, e in entries.items() if (found := difference(e, "aulc", axis))}
        low = {c: found for c, e in entries.items() if (found := difference(e, "low_budget_aulc", "count"))}
        sentences.append(verdict("Over the whole learning curve", families, whole, f"AULC on the {AXIS_NAMES[axis]}"))
        if low:
            sentences.append(verdict("With the fewest labels", families, low,
                                     f"low-budget AULC on the {AXIS_NAMES['count']}"))
        sentences.extend(family_crossovers(families, entries))
    sentences += reference_changes(f1)
    sentences += [decision_note(f1), interval_note(f1), conditional_note(DOCS),
                  f"All tables, the networks and the per-budget decisions are on [the results page]({RESULTS_LINK})."]
    return paragraph(*sentences)


def answer_block(f1: dict) -> str:
    """README's answer between its markers."""
    return f"{ANSWER_START}\n{answer(f1)}\n{ANSWER_END}"


def readme_block(readme: str) -> str | None:
    """The answer block of README's text, markers included; None where README has no markers."""
    start, end = readme.find(ANSWER_START), readme.find(ANSWER_END)
    return None if start < 0 or end < start else readme[start:end + len(ANSWER_END)]


def with_answer(readme: str, f1: dict) -> str:
    """README's text with its answer block rendered anew."""
    found = readme_block(readme)
    return readme if found is None else readme.replace(found, answer_block(f1))


# --- the page ---------------------------------------------------------------------------------------------------

def provenance_line(provenance: Provenance) -> str:
    return (f"Rendered by `python -m fewlabels.stages.results` at commit {provenance.commit} "
            f"on {provenance.machine}.")


def parse_provenance(page_text: str) -> Provenance:
    """The provenance a rendered page names."""
    found = PROVENANCE.search(page_text)
    if found is None:
        raise ValueError("the page has no line 'Rendered by `python -m fewlabels.stages.results` at commit ...'")
    return Provenance(found["commit"], found["machine"])


def split_text(name: str, split: dict | None, data: dict | None) -> str:
    """``test 450 utterances of 22 speakers (353 long enough to chunk)``."""
    found = (split or {}).get(name)
    if not found:
        return ""
    kept = ((data or {}).get(name) or {}).get("total", {}).get("kept")
    return (f"{name} {found['utterances']:,} utterances of {found['speakers']} speakers"
            f"{f' ({kept:,} long enough to chunk)' if kept is not None else ''}")


def corpus_sentences(inputs: Inputs) -> list[str]:
    """The corpus and split the metrics describe."""
    corpus, sentences = inputs.corpus, []
    if corpus:
        clips = corpus.get("unlabelled_clips", {}).get("clips")
        sentences.append(f"Corpus: {corpus['source']}, {corpus['utterances']:,} utterances of {corpus['speakers']} "
                         f"speakers ({corpus['hours']:g} h){f', and {clips:,} unlabelled clips' if clips else ''}.")
    parts = [text for name in ("labelled", "test", "unlabelled")
             if (text := split_text(name, inputs.split, inputs.data))]
    if parts:
        sentences.append(f"Split (speaker-independent): {join(parts)}.")
    if "repeats" in inputs.f1:
        sentences.append(f"Every method predicts the same test utterances of {inputs.f1.get('test_speakers')} "
                         f"speakers; up to {inputs.f1['repeats']} label draws per budget.")
    return sentences


def header(inputs: Inputs, provenance: Provenance) -> str:
    return "\n\n".join(part for part in [
        "# Results of the study",
        provenance_line(provenance),
        paragraph("Rendered from `metrics/f1.json`, `metrics/corpus.json`, `metrics/split.json`, "
                  "`metrics/data.json` and `plots/f1/*_per_class.csv` by the `results` stage "
                  "(`fewlabels.compare.report`); do not edit: `tests/test_results_page.py` fails when this page "
                  "differs from what the metrics render."),
        paragraph(*corpus_sentences(inputs)),
        paragraph(speaker_warning(inputs.f1)),
        paragraph("Scores are weighted F1 on the test set.", interval_note(inputs.f1, inputs.params),
                  conditional_note()),
        f"![Weighted F1 learning curves of every method, with {level(inputs)} bands]({FIGURE})",
    ] if part)


def aulc_table(inputs: Inputs, name: str) -> str:
    """Per classifier, each family's ``name`` (``aulc``, ``low_budget_aulc``) on both axes."""
    families, classifiers = classified(inputs.f1)
    methods = inputs.f1["methods"]
    columns = [(family, axis) for axis in AXES for family in families]
    rows = [[classifier, *(area(methods.get(f"{family}/{classifier}", {}), name, axis) for family, axis in columns)]
            for classifier in classifiers]
    header_ = ["classifier", *(f"{family_name(family)}, {AXIS_NAMES[axis]} [{level(inputs)}]"
                               for family, axis in columns)]
    return table(header_, rows)


def differences_table(inputs: Inputs, name: str) -> str:
    """Per feature comparison, the paired difference in ``name`` on both axes with p_holm and decision."""
    rows = []
    for key, entry in comparisons(inputs.f1, True).items():
        cells = []
        for axis in AXES:
            found = difference(entry, name, axis)
            cells += [difference_text(found), p_text(found["p_holm"]), found["decision"]] if found else ["", "", ""]
        rows.append([label(key, entry), *cells])
    header_ = ["comparison", *(text for axis in AXES for text in (
        f"difference, {AXIS_NAMES[axis]} [{level(inputs)}]", "p_holm", "decision"))]
    return table(header_, rows)


def area_section(inputs: Inputs) -> str:
    if not comparisons(inputs.f1, True) and not classified(inputs.f1)[1]:
        return ""
    return "\n\n".join(part for part in [
        "## Area under the learning curve",
        paragraph("AULC is the mean F1 over the learning curve: over the fraction axis, and over log2 of the "
                  "per-class count (every doubling of the labels weighs the same). Each comparison is paired "
                  "(same draws, same test utterances).", decision_note(inputs.f1)),
        aulc_table(inputs, "aulc"),
        differences_table(inputs, "aulc"),
        paragraph(*reference_changes(inputs.f1)),
        paragraph(interval_note(inputs.f1, inputs.params)),
    ] if part)


def low_budget_section(inputs: Inputs) -> str:
    if not comparisons(inputs.f1, True):
        return ""
    spans = [span for axis in AXES if (span := low_budget_span(inputs.f1, axis, inputs.params.get("low_budgets")))]
    return "\n\n".join([
        "## Low budgets",
        paragraph(f"The low-budget AULC covers only the smallest budgets of each axis"
                  f"{f' ({join(spans)})' if spans else ''}; its decisions are in the same Holm-adjusted family as "
                  f"the AULC's."),
        aulc_table(inputs, "low_budget_aulc"),
        differences_table(inputs, "low_budget_aulc"),
        paragraph(interval_note(inputs.f1, inputs.params)),
    ])


def crossover_section(inputs: Inputs) -> str:
    sentences = [s for families, entries in by_family(inputs.f1).items() for s in family_crossovers(families, entries)]
    sentences += other_crossovers(inputs.f1)
    if not sentences:
        return ""
    return "\n\n".join([
        "## Crossovers",
        paragraph("A crossover (`better_up_to_fraction`, `better_up_to_per_class`) is the largest budget up to "
                  "which a method is better than its reference at every budget from the smallest; testing the "
                  "budgets in that order keeps the intervals' level without a correction."),
        paragraph(*sentences, *per_budget_sentences(inputs.f1)),
    ])


def networks_table(inputs: Inputs) -> str:
    """Per count budget of the methods without a classifier, their F1 and each one's paired difference from its
    reference on the method's own draws (the reference restricted to them), then both over those budgets' AULC."""
    f1, plain = inputs.f1, plain_methods(inputs.f1)
    versus = {method: f1["comparisons"][method] for method in plain if method in f1.get("comparisons", {})}
    classifier = next((classifier_of(entry["reference"]) for entry in versus.values()
                       if classifier_of(entry["reference"])), None)
    rows = [row for row in inputs.curves.get(classifier, []) if any(row.get(method) is not None for method in plain)]
    budgets = {method: {row["budget"]: row for row in per_budget(entry, "count")} for method, entry in versus.items()}
    body = [[budget_label("count", row["per_class"]),
             *(interval(row[m], row[f"{m}_low"], row[f"{m}_high"]) if row.get(m) is not None else "" for m in plain),
             *(difference_text(found) if (found := budgets[m].get(row["per_class"])) else "" for m in versus)]
            for row in rows]
    span = f", {budget_text('count', rows[0]['per_class'], rows[-1]['per_class'])}" if rows else ""
    body.append([f"AULC (log2 count{span})", *(area(f1["methods"][m], "aulc", "count") for m in plain),
                 *(difference_text(found) if (found := difference(entry, "aulc", "count")) else ""
                   for entry in versus.values())])
    return table(["utterances per class", *(f"{m} [{level(inputs)}]" for m in plain),
                  *(f"{label(m, entry)} [{level(inputs)}]" for m, entry in versus.items())], body)


def others_table(inputs: Inputs) -> str:
    """The comparisons that are not between feature families: AULC difference, decision, per-budget decisions."""
    rows = []
    for key, entry in comparisons(inputs.f1, False).items():
        axis = entry["aulc_axis"]
        rows.append([label(key, entry), AXIS_NAMES[axis],
                     difference_text(difference(entry, "aulc", axis)),
                     p_text(entry["p_holm"]), entry["decision"], decision_runs(per_budget(entry, axis))])
    return table(["comparison", "axis", f"AULC difference [{level(inputs)}]", "p_holm", "decision",
                  "per budget, unadjusted (utterances per class, or % of the labelled utterances)"], rows)


def networks_section(inputs: Inputs) -> str:
    parts, plain = [], plain_methods(inputs.f1)
    if plain:
        counts = draw_counts(inputs.f1, plain)
        parts += ["## Methods without a classifier",
                  paragraph(f"The methods without a classifier ({join(plain)}) ran on draws of their own"
                            f"{f' ({counts} per budget)' if counts else ''}: their weighted F1 per budget and, beside "
                            f"it, each one's paired difference from its reference on those same draws (the reference "
                            f"scored on them, not on all of its own), then the AULC over those budgets."),
                  networks_table(inputs)]
    if comparisons(inputs.f1, False):
        parts += ["## Further comparisons",
                  paragraph("Each method without a classifier against its reference (`compare.reference`) and the "
                            "pairs of `compare.also_compare`, paired over the same draws; the per-budget decisions "
                            "are on the comparison's own axis."),
                  others_table(inputs)]
    return "\n\n".join([*parts, paragraph(interval_note(inputs.f1, inputs.params))] if parts else [])


def adapted_section(f1: dict) -> str:
    adapted = f1.get("adapted") or {}
    if not adapted:
        return ""
    rows = [[method, budget, change] for method, changes in adapted.items() for budget, change in changes.items()]
    return "\n\n".join(["## Params adapted to this corpus and to small draws",
                        paragraph("What each method ran with where it differs from the others or from its params: "
                                  "the budgets and repeats of a method that trains on fewer draws (budgets), and, "
                                  "per budget, params lowered for a draw too small for them or chosen by a search:"),
                        table(["method", "budget", "ran with"], rows)])


def page(inputs: Inputs, provenance: Provenance) -> str:
    """The whole results page."""
    sections = [header(inputs, provenance), area_section(inputs), low_budget_section(inputs),
                crossover_section(inputs), networks_section(inputs), adapted_section(inputs.f1)]
    return "\n\n".join(section for section in sections if section) + "\n"
