"""The meeting scheduler: OR-Tools CP-SAT behind one plain-data function.

`schedule(problem, options) -> Plan`. The model has one boolean per (accepted request,
slot both sides are free in): tables of one venue are interchangeable, so a slot's
capacity is the number of tables at its venue and tables are handed out afterwards
(keeping each meeting's previous table where it can). Hard rules come from `rules`.

The objective is lexicographic, solved in stages that each keep the previous optimum:
  1. the most meetings;
  2. the fairest spread: the fewest meetings any participant gets (among those who
     could meet anyone at all) as high as possible;
  3. on a re-run, the fewest moves from the previous plan (locked meetings are fixed).
Each stage starts from the last one's plan and gets what is left of the time limit;
the plan is proven optimal only when every stage finished.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from eventhub.domain.meetings.outcome import assemble
from eventhub.domain.meetings.plan import (
    MeetingProblem,
    MeetingRequest,
    Placement,
    Plan,
    Slot,
    SolverOptions,
    Table,
)
from eventhub.domain.meetings.rules import free_slots, group_busy, placement_problems, resolve, slots_clash


class InconsistentLocks(ValueError):
    """Locked meetings that cannot all stand (the service checks locks as they are made)."""


@dataclass(slots=True)
class _Model:
    problem: MeetingProblem
    slots: list[Slot]
    requests: dict[int, MeetingRequest]
    tables: dict[int, Table]
    tables_at: dict[int, list[int]]  # venue id -> table ids, ascending
    locked: dict[int, Placement]
    candidates: dict[int, list[int]]  # request id -> slot indexes it may take
    cp: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    x: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    per_participant: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    clash: set[tuple[int, int]] = field(default_factory=set)  # (i, j), i <= j: slots one person can't both take


def schedule(problem: MeetingProblem, options: SolverOptions | None = None) -> Plan:
    options = options or SolverOptions()
    model = _build(problem)
    run = _Run(model, options)
    total = sum(model.x.values())

    # Stage 1: the most meetings, from a greedy plan (the previous one kept where it holds).
    # When the greedy plan already meets a simple bound it is optimal and needs no search.
    solution = _greedy(model, _hint_from_previous(model))
    upper_bound = _meetings_bound(model)
    if sum(solution.values()) < upper_bound:
        solution = run.stage(total, solution, maximise=True) or solution
        upper_bound = run.bound if run.solved else upper_bound
    placed = sum(solution.values())
    model.cp.add(total >= placed)

    # Stage 2: the fairest spread; nobody can get more meetings than they have requests.
    fewest = model.cp.new_int_var(0, len(model.slots), "fewest")
    for keys in model.per_participant.values():
        model.cp.add(fewest <= sum(model.x[k] for k in keys))
    if _fewest(model, solution) < _fewest_bound(model):
        hint = (fewest, _fewest(model, solution))
        solution = run.stage(fewest, solution, maximise=True, extra_hint=hint) or solution
    reached = _fewest(model, solution)
    model.cp.add(fewest >= reached)

    # Stage 3: the fewest moves from the previous plan.
    moved_terms = _move_terms(model)
    if moved_terms:
        solution = run.stage(sum(moved_terms), solution, maximise=False) or solution

    return _plan(model, solution, proven=run.proven, upper_bound=max(upper_bound, placed),
                 fewest=reached, seconds=run.seconds)


def _meetings_bound(model: _Model) -> int:
    """No more meetings than requests with a slot to go to, nor than tables in those slots."""
    usable = {i for slot_indexes in model.candidates.values() for i in slot_indexes}
    tables = sum(len(model.tables_at[model.slots[i].venue_id]) for i in usable)
    return min(tables, sum(1 for slot_indexes in model.candidates.values() if slot_indexes))


def _fewest_bound(model: _Model) -> int:
    return min((len({r for r, _ in keys}) for keys in model.per_participant.values()), default=0)


class _Run:
    """Solves the stages one after the other within one time limit."""

    def __init__(self, model: _Model, options: SolverOptions) -> None:
        self.model = model
        self.limit = options.time_limit_seconds
        self.solver = cp_model.CpSolver()
        self.solver.parameters.num_workers = options.workers
        self.solver.parameters.random_seed = options.seed
        self.seconds = 0.0
        self.proven = True
        self.solved = False
        self.bound = 0

    def stage(
        self, objective: cp_model.LinearExprT, hint: Mapping[tuple[int, int], int], *, maximise: bool,
        extra_hint: tuple[cp_model.IntVar, int] | None = None,
    ) -> dict[tuple[int, int], int] | None:
        cp = self.model.cp
        cp.clear_hints()
        for key, var in self.model.x.items():
            cp.add_hint(var, hint.get(key, 0))
        if extra_hint is not None:
            cp.add_hint(*extra_hint)
        if maximise:
            cp.maximize(objective)
        else:
            cp.minimize(objective)
        left = self.limit - self.seconds
        if left <= 0:
            self.proven = self.solved = False
            return None
        self.solver.parameters.max_time_in_seconds = left
        status = self.solver.solve(cp)
        self.seconds += self.solver.wall_time
        self.solved = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
        self.proven = self.proven and status == cp_model.OPTIMAL
        if not self.solved:
            return None
        self.bound = int(self.solver.best_objective_bound + 1e-6) if maximise else 0
        return {key: int(self.solver.value(var)) for key, var in self.model.x.items()}


def _build(problem: MeetingProblem) -> _Model:
    slots = sorted(set(problem.slots))
    requests = {r.id: r for r in problem.requests}
    tables = {t.id: t for t in problem.tables}
    tables_at: dict[int, list[int]] = {}
    for table in sorted(tables.values(), key=lambda t: t.id):
        tables_at.setdefault(table.venue_id, []).append(table.id)
    locked = _checked_locks(problem, requests, slots, tables)
    index = {slot: i for i, slot in enumerate(slots)}
    busy = group_busy(problem.busy)
    free = {p: free_slots(p, slots, busy, problem.travel) for r in requests.values() for p in r.sides}
    candidates: dict[int, list[int]] = {}
    for request in requests.values():
        if request.id in locked:
            found = resolve(locked[request.id], requests, slots, tables)
            assert found is not None  # checked above
            candidates[request.id] = [index[found.slot]]
        else:
            shared = free[request.requester] & free[request.recipient]
            candidates[request.id] = [i for i, s in enumerate(slots) if s in shared and tables_at.get(s.venue_id)]
    model = _Model(problem, slots, requests, tables, tables_at, locked, candidates)
    model.clash = {
        (i, j) for i in range(len(slots)) for j in range(i, len(slots)) if slots_clash(slots[i], slots[j], problem.travel)
    }
    _add_rules(model)
    return model


def _checked_locks(
    problem: MeetingProblem, requests: Mapping[int, MeetingRequest], slots: Sequence[Slot], tables: Mapping[int, Table]
) -> dict[int, Placement]:
    locked = {p.request_id: p for p in problem.locked if p.request_id in requests}
    for placement in locked.values():
        others = [p for p in locked.values() if p.request_id != placement.request_id]
        problems = placement_problems(
            placement, others, requests=requests, slots=slots, tables=tables, busy=(), travel=problem.travel
        )
        if problems:
            raise InconsistentLocks(f"locked meeting {placement.request_id}: {', '.join(problems)}")
    return locked


def _add_rules(model: _Model) -> None:
    cp, slots = model.cp, model.slots
    by_participant_slot: dict[int, dict[int, list[cp_model.IntVar]]] = {}
    by_slot: dict[int, list[cp_model.IntVar]] = {}
    for request_id, slot_indexes in sorted(model.candidates.items()):
        request = model.requests[request_id]
        choices = []
        for i in slot_indexes:
            var = cp.new_bool_var(f"m{request_id}s{i}")
            model.x[(request_id, i)] = var
            choices.append(var)
            by_slot.setdefault(i, []).append(var)
            for side in request.sides:
                by_participant_slot.setdefault(side, {}).setdefault(i, []).append(var)
                model.per_participant.setdefault(side, []).append((request_id, i))
        cp.add_at_most_one(choices)
        if request_id in model.locked:
            cp.add(choices[0] == 1)
    for i, variables in by_slot.items():
        cp.add(sum(variables) <= len(model.tables_at[slots[i].venue_id]))
    clash = model.clash
    for per_slot in by_participant_slot.values():
        used = sorted(per_slot)
        for a, i in enumerate(used):
            for j in used[a:]:
                if (i, j) in clash:
                    cp.add_at_most_one(per_slot[i] + (per_slot[j] if j != i else []))


def _fewest(model: _Model, solution: Mapping[tuple[int, int], int]) -> int:
    return min((sum(solution[k] for k in keys) for keys in model.per_participant.values()), default=0)


def _locked_only(model: _Model) -> dict[tuple[int, int], int]:
    return {key: int(key[0] in model.locked) for key in model.x}


def _previous_slots(model: _Model) -> dict[int, int | None]:
    """Each previously placed (not locked) request's slot index, None when that slot is gone."""
    index = {slot: i for i, slot in enumerate(model.slots)}
    found: dict[int, int | None] = {}
    for placement in model.problem.previous:
        if placement.request_id in model.locked or placement.request_id not in model.requests:
            continue
        where = resolve(placement, model.requests, model.slots, model.tables)
        found[placement.request_id] = None if where is None else index[where.slot]
    return found


def _hint_from_previous(model: _Model) -> dict[tuple[int, int], int]:
    hint = _locked_only(model)
    for request_id, i in _previous_slots(model).items():
        if i is not None and (request_id, i) in model.x:
            hint[(request_id, i)] = 1
    return hint


def _greedy(model: _Model, start: Mapping[tuple[int, int], int]) -> dict[tuple[int, int], int]:
    """A first plan for the solver to improve: keep `start` where it holds, then place
    the hardest requests (fewest slots to choose from) first, each in its first free slot."""
    taken: dict[int, int] = {}  # slot -> meetings in it
    agenda: dict[int, list[int]] = {}  # participant -> slots
    plan: dict[tuple[int, int], int] = dict.fromkeys(model.x, 0)

    def fits(request: MeetingRequest, i: int) -> bool:
        if taken.get(i, 0) >= len(model.tables_at[model.slots[i].venue_id]):
            return False
        return not any((min(i, j), max(i, j)) in model.clash for side in request.sides for j in agenda.get(side, ()))

    def place(request: MeetingRequest, i: int) -> None:
        plan[(request.id, i)] = 1
        taken[i] = taken.get(i, 0) + 1
        for side in request.sides:
            agenda.setdefault(side, []).append(i)

    wanted = sorted(key for key, value in start.items() if value)
    wanted.sort(key=lambda key: key[0] not in model.locked)
    for request_id, i in wanted:
        request = model.requests[request_id]
        if request_id in model.locked or fits(request, i):
            place(request, i)
    placed = {request_id for (request_id, _), value in plan.items() if value}
    degree = {p: len(keys) for p, keys in model.per_participant.items()}
    # Two rounds: first a meeting for whoever has none yet (people with few requests first:
    # the fairness stage starts from there), then everything else that still fits.
    for first_round in (True, False):
        for request_id in sorted(
            model.candidates,
            key=lambda r: (min(degree.get(p, 0) for p in model.requests[r].sides), len(model.candidates[r]), r),
        ):
            request = model.requests[request_id]
            if request_id in placed or (first_round and all(agenda.get(p) for p in request.sides)):
                continue
            free = next((i for i in model.candidates[request_id] if fits(request, i)), None)
            if free is not None:
                place(request, free)
                placed.add(request_id)
    return plan


def _move_terms(model: _Model) -> list[cp_model.LinearExprT]:
    terms: list[cp_model.LinearExprT] = []
    for request_id, i in sorted(_previous_slots(model).items()):
        var = model.x.get((request_id, i)) if i is not None else None
        terms.append(1 - var if var is not None else 1)
    return terms


def _plan(
    model: _Model, solution: Mapping[tuple[int, int], int], *, proven: bool, upper_bound: int, fewest: int,
    seconds: float,
) -> Plan:
    chosen = {request_id: model.slots[i] for (request_id, i), value in solution.items() if value}
    return assemble(
        model.problem, chosen, proven=proven, upper_bound=upper_bound, fewest=fewest, seconds=seconds
    )
