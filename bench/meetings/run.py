"""Time the meeting scheduler on the benchmark mission and write RESULTS.md beside it.

    .venv/bin/python bench/meetings/run.py [--workers 1 2] [--time-limit 30]

Three scenarios, each solved in this process (CPU-bound; no server involved):
  first   the 600 accepted requests, nothing placed before;
  rerun   the first plan published, 30 of its meetings locked, 10 new acceptances;
  sparse  300 accepted requests, so that tables do not bind and people's days do.
The wall time includes building the model and handing out tables.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from problem import benchmark_problem, independent_upper_bound
from report import write_report

from eventhub.domain.meetings.plan import MeetingProblem, MeetingRequest, Placement, Plan, SolverOptions
from eventhub.domain.meetings.solver import schedule


def measure(name: str, problem: MeetingProblem, options: SolverOptions) -> tuple[dict, Plan]:
    started = time.perf_counter()
    plan = schedule(problem, options)
    wall = time.perf_counter() - started
    per_person: dict[int, int] = {}
    sides = {r.id: r.sides for r in problem.requests}
    for meeting in plan.meetings:
        for side in sides[meeting.request_id]:
            per_person[side] = per_person.get(side, 0) + 1
    everyone = {p for r in problem.requests for p in r.sides}
    counts = [per_person.get(p, 0) for p in sorted(everyone)]
    reasons: dict[str, int] = {}
    for left in plan.left_out:
        reasons[left.reason.value] = reasons.get(left.reason.value, 0) + 1
    return {
        "scenario": name,
        "workers": options.workers,
        "participants": len(everyone),
        "requests": len(problem.requests),
        "tables": len(problem.tables),
        "slot_times": len({s.starts_at for s in problem.slots}),
        "seconds": round(wall, 2),
        "solver_seconds": round(plan.solver_seconds, 2),
        "meetings": len(plan.meetings),
        "solver_bound": plan.upper_bound,
        "independent_bound": independent_upper_bound(problem),
        "proven_optimal": plan.proven_optimal,
        "fewest": plan.fewest_per_participant,
        "median": statistics.median(counts),
        "most": max(counts),
        "moves": plan.moves,
        "left_out": reasons,
    }, plan


def rerun_problem(problem: MeetingProblem, first: Plan) -> MeetingProblem:
    placements = [Placement(m.request_id, m.slot.starts_at, m.table_id) for m in first.meetings]
    known = {frozenset(r.sides) for r in problem.requests}
    people = sorted({p for r in problem.requests for p in r.sides})
    new: list[MeetingRequest] = []
    for a, b in zip(people[::7], people[3::7], strict=False):
        if frozenset((a, b)) not in known and len(new) < 10:
            new.append(MeetingRequest(10_000 + len(new), a, b))
    return replace(problem, requests=[*problem.requests, *new], locked=placements[::10][:30], previous=placements)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--time-limit", type=float, default=30.0)
    args = parser.parse_args()
    rows = []
    for workers in args.workers:
        options = SolverOptions(time_limit_seconds=args.time_limit, workers=workers)
        problem = benchmark_problem()
        row, first = measure("first", problem, options)
        rows.append(row)
        rows.append(measure("rerun", rerun_problem(problem, first), options)[0])
        rows.append(measure("sparse", benchmark_problem(requests=300), options)[0])
        for row in rows[-3:]:
            print(json.dumps(row), flush=True)
    (HERE / "results.json").write_text(json.dumps(rows, indent=2) + "\n")
    write_report(rows, HERE / "RESULTS.md", time_limit=args.time_limit)


if __name__ == "__main__":
    main()
