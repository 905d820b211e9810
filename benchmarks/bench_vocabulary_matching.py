"""Which fuzzy matcher suggests names for unrecognised client entries: difflib or rapidfuzz?

Run from the repository root, in the environment the package is installed in::

    python benchmarks/bench_vocabulary_matching.py
    python benchmarks/bench_vocabulary_matching.py --typos 5 --seed 1

Suggestions are never applied: an unrecognised name always goes to a
clinician. So what matters is that the right id is among the few names shown
(top 3), that a word with no counterpart gets few wrong suggestions, and that
screening stays fast. The script measures, over the built-in vocabulary:

* **typos**: for every known name (id, label, synonym, brand), ``--typos``
  random one-edit misspellings (drop, double, swap or replace a letter);
* **field**: misspellings staff really type (the dev-trial report's
  ``isotretinion``, and others of the same kind), each with its intended id;
* **no counterpart**: words that are not in the vocabulary at all, counted
  by how many suggestions each gets (fewer is better: noise to a clinician).

and times one lookup. rapidfuzz is optional here: without it, only difflib
is measured. Each matcher returns up to 3 distinct ids, best first, from the
normalised names (``collagenplan.vocabulary.normalise``).

Measured when the vocabulary was added (245 names; 2 shared cores; rapidfuzz
3.14.6 installed only for the measurement)::

                   matcher  typos top1  typos top3  field top1  field top3  noise  us/lookup
      difflib ratio >= 0.6      100.0%      100.0%      100.0%      100.0%    0.5    900-1030
     rapidfuzz ratio >= 60      100.0%      100.0%      100.0%      100.0%    0.5      16-26
    rapidfuzz WRatio >= 80       99.7%      100.0%       96.7%       96.7%    0.3    180-260

Both find every intended name; rapidfuzz is ~40x faster, but a lookup only
happens for a name that matched nothing (rare, and never in a loop over
dates), where a millisecond does not matter. So collagenplan uses difflib
and takes no new dependency; a vocabulary ten times larger would be the
time to look again.
"""

from __future__ import annotations

import argparse
import difflib
import random
import string
import time
from collections.abc import Callable, Sequence

from collagenplan.vocabulary import default_vocabulary, normalise

FIELD = {
    "isotretinion": "isotretinoin",
    "isotretinon": "isotretinoin",
    "acutane": "isotretinoin",
    "roacutane": "isotretinoin",
    "acccutane": "isotretinoin",
    "retinoll": "topical-retinoid",
    "tretinion": "topical-retinoid",
    "retin a cream": "topical-retinoid",
    "adapelene": "topical-retinoid",
    "differine": "topical-retinoid",
    "warfarine": "anticoagulants",
    "warferin": "anticoagulants",
    "eliquiss": "anticoagulants",
    "xeralto": "anticoagulants",
    "rivaroxiban": "anticoagulants",
    "glycholic acid": "aha-bha-acids",
    "salycilic acid": "aha-bha-acids",
    "ibuprofin": "nsaids",
    "asprin": "nsaids",
    "fishoil": "blood-thinning-supplements",
    "pregnacy": "pregnancy",
    "excema": "eczema",
    "exzema": "eczema",
    "psoriasus": "psoriasis",
    "rosasea": "rosacea",
    "keloyd": "keloid-tendency",
    "haemophillia": "bleeding-disorder",
    "sunburnd": "sunburn",
    "breast feeding": "breastfeeding",
    "chemo therapy": "active-chemotherapy",
}
NO_COUNTERPART = [
    "vitamin c serum",
    "metformin",
    "levothyroxine",
    "diabetes",
    "hyaluronic serum",
    "niacinamide",
    "paracetamol",
    "contact lenses",
    "coffee",
    "none",
]

Matcher = Callable[[str], Sequence[str]]


def _keys(among: str = "records") -> dict[str, str]:
    return dict(default_vocabulary().known("records" if among == "records" else "procedures"))


def _distinct(ranked: Sequence[str], table: dict[str, str], limit: int = 3) -> list[str]:
    out: list[str] = []
    for key in ranked:
        if table[key] not in out:
            out.append(table[key])
    return out[:limit]


def difflib_matcher(table: dict[str, str]) -> Matcher:
    keys = list(table)

    def match(name: str) -> list[str]:
        close = difflib.get_close_matches(normalise(name), keys, n=12, cutoff=0.6)
        return _distinct(close, table)

    return match


def rapidfuzz_matcher(table: dict[str, str], scorer_name: str, cutoff: float) -> Matcher | None:
    try:
        from rapidfuzz import fuzz, process
    except ImportError:
        return None
    scorer = getattr(fuzz, scorer_name)
    keys = list(table)

    def match(name: str) -> list[str]:
        found = process.extract(
            normalise(name), keys, scorer=scorer, limit=12, score_cutoff=cutoff
        )
        return _distinct([key for key, _, _ in found], table)

    return match


def _typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(len(word))
    letter = rng.choice(string.ascii_lowercase)
    edits = [
        word[:i] + word[i + 1 :],  # drop
        word[:i] + word[i] + word[i:],  # double
        word[:i] + letter + word[i + 1 :],  # replace
    ]
    if i + 1 < len(word):
        edits.append(word[:i] + word[i + 1] + word[i] + word[i + 2 :])  # swap
    return rng.choice(edits)


def _cases(table: dict[str, str], per_name: int, seed: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    out = []
    for key, target in table.items():
        if len(key) < 4:  # "aha", "bpo": one edit leaves nothing to recognise
            continue
        for _ in range(per_name):
            typo = _typo(key, rng)
            if typo not in table:
                out.append((typo, target))
    return out


def _score(match: Matcher, cases: list[tuple[str, str]]) -> tuple[float, float]:
    top1 = sum(bool(found := match(name)) and found[0] == want for name, want in cases)
    top3 = sum(want in match(name) for name, want in cases)
    return top1 / len(cases), top3 / len(cases)


def _time(match: Matcher, names: list[str], rounds: int = 3) -> float:
    began = time.perf_counter()
    for _ in range(rounds):
        for name in names:
            match(name)
    return (time.perf_counter() - began) / (rounds * len(names)) * 1e6


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--typos", type=int, default=3, help="misspellings per known name")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    table = _keys()
    typos = _cases(table, args.typos, args.seed)
    field = list(FIELD.items())
    matchers: dict[str, Matcher | None] = {
        "difflib ratio >= 0.6": difflib_matcher(table),
        "rapidfuzz ratio >= 60": rapidfuzz_matcher(table, "ratio", 60),
        "rapidfuzz WRatio >= 80": rapidfuzz_matcher(table, "WRatio", 80),
    }
    print(
        f"{len(table)} known names; {len(typos)} random typos; {len(field)} field misspellings; "
        f"{len(NO_COUNTERPART)} words with no counterpart"
    )
    header = (
        "matcher",
        "typos top1",
        "typos top3",
        "field top1",
        "field top3",
        "noise",
        "us/lookup",
    )
    print("  ".join(f"{h:>22}" if i == 0 else f"{h:>10}" for i, h in enumerate(header)))
    for name, match in matchers.items():
        if match is None:
            print(f"{name:>22}  (not installed)")
            continue
        t1, t3 = _score(match, typos)
        f1, f3 = _score(match, field)
        noise = sum(len(match(word)) for word in NO_COUNTERPART) / len(NO_COUNTERPART)
        micros = _time(match, [n for n, _ in typos[:300]])
        print(
            f"{name:>22}  {t1:>10.1%}  {t3:>10.1%}  {f1:>10.1%}  {f3:>10.1%}  "
            f"{noise:>10.1f}  {micros:>10.0f}"
        )


if __name__ == "__main__":
    main()
