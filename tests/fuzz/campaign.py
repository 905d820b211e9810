"""The long fuzzing campaign: mutate every input format and print a table.

    python tests/fuzz/campaign.py                    # 5,000 mutations per format
    python tests/fuzz/campaign.py --per-format 200 --formats client-json

Prints one row per format (tried, accepted, clean rejections, escapes,
hangs) and one line per distinct escape with a reproducer written to
``--out`` (default ``fuzz-escapes/``). Exit status 1 when anything escaped
or hung.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.fuzz.mutate import campaign, formats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-format", type=int, default=5_000)
    parser.add_argument("--formats", nargs="*", default=None, help="default: all")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--seconds", type=float, default=8.0, help="bound per input")
    parser.add_argument("--out", type=Path, default=Path("fuzz-escapes"))
    args = parser.parse_args(argv)
    names = args.formats or sorted(formats())
    began = time.perf_counter()
    tallies = campaign(names, args.per_format, args.seed, args.seconds)
    print("| format | tried | accepted | clean rejections | escapes | hangs |")
    print("|---|---|---|---|---|---|")
    for name, t in tallies.items():
        print(f"| {name} | {t.tried} | {t.accepted} | {t.rejected} | {t.escapes} | {t.hangs} |")
    bad = 0
    for name, t in tallies.items():
        for (stage, error, where), outcome in t.examples.items():
            bad += 1
            args.out.mkdir(parents=True, exist_ok=True)
            ext = "toml" if name.endswith("toml") else "json"
            path = args.out / f"{name}__{stage}__{bad}.{ext}"
            path.write_text(outcome.text, encoding="utf-8", errors="surrogatepass")
            print(f"{name} {stage} {error} at {where} -> {path}")
    total = sum(t.tried for t in tallies.values())
    print(f"{total} inputs in {time.perf_counter() - began:.0f} s")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
