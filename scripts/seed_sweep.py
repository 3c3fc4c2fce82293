"""Run the whole catalogue (or some ids) over many seeds and count false alarms and open verdicts.

Every statement in the built-in catalogue is believed true, so any REFUTED here is a false alarm of the
checker (or a real error in a statement: look at the counterexample before believing either). UNDECIDED is
counted per claim: one that recurs on many seeds means a budget or regime wrong for its strategy.

    python scripts/seed_sweep.py --profile ci --seeds 1-50 --out sweep-ci.jsonl
    python scripts/seed_sweep.py --profile thorough --seeds 1-10 --ids GAN-B-TAN GAN-A-FLIP

Runs in one process, so JAX compiles each kernel once for the whole sweep. Appends one JSON line per
(seed, claim) to --out and skips pairs already there, so an interrupted sweep resumes where it stopped.
The summary (stdout) lists every REFUTED with its counterexample and the UNDECIDED counts per claim.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
import time
from pathlib import Path
from typing import Any


def _seeds(text: str) -> list[int]:
    out: list[int] = []
    for part in text.split(","):
        lo, _, hi = part.partition("-")
        out.extend(range(int(lo), int(hi or lo) + 1))
    return out


def _load(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profile", default="ci", choices=("quick", "ci", "thorough"))
    parser.add_argument("--seeds", default="1-50", help="e.g. 1-50 or 1,5,9-12")
    parser.add_argument("--ids", nargs="*", default=(), help="claim ids (default: the whole catalogue)")
    parser.add_argument("--out", type=Path, default=Path("sweep.jsonl"))
    args = parser.parse_args(argv)

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from checker.registry import catalogue, select
    from checker.runner import run_property

    props = select(catalogue(), ids=args.ids) if args.ids else catalogue()
    rows = _load(args.out)
    done = {(r["seed"], r["id"]) for r in rows}
    with args.out.open("a") as sink:
        for seed in _seeds(args.seeds):
            for prop in props:
                if (seed, prop.id) in done:
                    continue
                start = time.perf_counter()
                res = run_property(prop, profile=args.profile, seed=seed, database=False)
                row = {
                    "profile": args.profile,
                    "seed": seed,
                    "id": prop.id,
                    "verdict": res.verdict.value,
                    "summary": res.evidence.summary[:400],
                    "counterexample": res.evidence.counterexample,
                    "notes": res.notes,
                    "seconds": round(time.perf_counter() - start, 2),
                }
                rows.append(row)
                sink.write(json.dumps(row, default=str) + "\n")
                sink.flush()
    return _summarise([r for r in rows if r["profile"] == args.profile], args.profile)


def _summarise(rows: list[dict[str, Any]], profile: str) -> int:
    seeds = sorted({r["seed"] for r in rows})
    refuted = [r for r in rows if r["verdict"] == "REFUTED"]
    undecided = collections.Counter(r["id"] for r in rows if r["verdict"] == "UNDECIDED")
    seconds = sum(r["seconds"] for r in rows)
    print(f"profile {profile}: {len(seeds)} seeds, {len(rows)} claim runs, {seconds:.0f} s of checks")
    print(f"REFUTED (false alarms unless a statement is wrong): {len(refuted)}")
    for r in refuted:
        print(f"  seed {r['seed']} {r['id']}: {r['counterexample']} -- {r['summary'][:160]}")
    open_seeds = {r["seed"] for r in rows if r["verdict"] == "UNDECIDED"}
    print(f"UNDECIDED: {sum(undecided.values())} on {len(open_seeds)} seeds")
    for pid, n in undecided.most_common():
        which = sorted(r["seed"] for r in rows if r["id"] == pid and r["verdict"] == "UNDECIDED")
        print(f"  {pid}: {n} (seeds {which})")
    return 1 if refuted else 0


if __name__ == "__main__":
    raise SystemExit(main())
