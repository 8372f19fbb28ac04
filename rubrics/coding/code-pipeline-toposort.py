"""Suite for code-pipeline-toposort: a run order for jobs with dependencies, or an error naming a cycle."""

import random
import time

from mockround_suite import case, edge, expect

ENTRY = "run_order"
ALIASES = {"run_order": ("topological_sort", "toposort", "topo_sort", "order_jobs")}
SIGNATURE = "run_order(deps: dict[str, list[str]]) -> list[str]; raises an error naming the jobs of a cycle"

EXAMPLE = {
    "train": ["features", "labels"],
    "features": ["raw"],
    "labels": ["raw"],
    "eval": ["train"],
    "raw": [],
}


def valid(order, deps, what):
    expect(isinstance(order, (list, tuple)), f"{what}: expected a list of jobs, got {order!r}")
    jobs = set(deps) | {d for ds in deps.values() for d in ds}
    expect(len(order) == len(set(order)), f"{what}: a job appears twice in {list(order)!r}")
    missing = jobs - set(order)
    expect(not missing, f"{what}: jobs missing from the order: {sorted(missing)}")
    extra = set(order) - jobs
    expect(not extra, f"{what}: unknown jobs in the order: {sorted(extra)}")
    at = {job: i for i, job in enumerate(order)}
    for job, ds in deps.items():
        for d in ds:
            if at[d] > at[job]:
                raise AssertionError(f"{what}: {job!r} runs before its dependency {d!r} in {list(order)[:12]!r}")


def raises_naming(run_order, deps, cycle, what):
    try:
        order = run_order({k: list(v) for k, v in deps.items()})
    except RecursionError:
        raise AssertionError(f"{what}: RecursionError; a cycle must be detected, not recursed into forever")
    except Exception as e:
        text = str(e)
        missing = [j for j in cycle if j not in text]
        expect(not missing, f"{what}: the error should name the jobs in the cycle {cycle}, "
               f"but {type(e).__name__}({text!r}) does not mention {missing}")
        return
    raise AssertionError(f"{what}: expected an error naming {cycle}, got the order {order!r}")


@case
def example(run_order):
    """the example pipeline: every job after its dependencies"""
    valid(run_order({k: list(v) for k, v in EXAMPLE.items()}), EXAMPLE, "run_order(example)")


@case
def diamond(run_order):
    """a diamond: a -> b, a -> c, b and c -> d"""
    deps = {"d": ["b", "c"], "b": ["a"], "c": ["a"], "a": []}
    valid(run_order(deps), deps, "run_order(diamond)")


@edge
def empty_pipeline(run_order):
    """no jobs gives an empty order"""
    order = run_order({})
    expect(list(order) == [], f"run_order({{}}): expected [], got {order!r}")


@edge
def job_only_named_as_a_dependency(run_order):
    """a job that appears only in someone's dependency list still runs, first"""
    deps = {"train": ["download"], "eval": ["train"]}
    valid(run_order(deps), deps, "run_order with 'download' never a key")


@edge
def disconnected_jobs(run_order):
    """jobs with no link to each other all appear"""
    deps = {"a": [], "b": [], "c": ["a"], "lint": []}
    valid(run_order(deps), deps, "run_order(disconnected jobs)")


@edge
def cycle_is_an_error(run_order):
    """a cycle train -> eval -> report -> train raises an error that names those jobs"""
    deps = {"raw": [], "train": ["raw", "report"], "eval": ["train"], "report": ["eval"], "docs": []}
    raises_naming(run_order, deps, ["train", "eval", "report"], "run_order(cycle)")


@edge
def self_loop(run_order):
    """a job that depends on itself raises an error naming it"""
    raises_naming(run_order, {"a": [], "loop": ["a", "loop"]}, ["loop"], "run_order(self-loop)")


@edge
def random_graphs(run_order):
    """200 random acyclic graphs give valid orders"""
    rng = random.Random(2)
    for trial in range(200):
        n = rng.randint(1, 12)
        names = [f"j{i}" for i in range(n)]
        rng.shuffle(names)
        deps = {names[i]: rng.sample(names[:i], rng.randint(0, min(i, 3))) for i in range(n)}
        valid(run_order(deps), deps, f"random graph {trial}")


@edge(timeout=5)
def long_chain(run_order):
    """a chain of 30,000 jobs: no recursion limit, linear time"""
    deps = {f"j{i}": [f"j{i - 1}"] if i else [] for i in reversed(range(30_000))}
    start = time.perf_counter()
    try:
        order = run_order(deps)
    except RecursionError:
        raise AssertionError("a chain of 30,000 jobs hits Python's recursion limit: use Kahn's algorithm or an explicit stack")
    took = time.perf_counter() - start
    valid(order, deps, "run_order(chain of 30,000)")
    expect(took < 2.0, f"a chain of 30,000 jobs took {took:.1f} s: expected O(V + E)")


REFERENCE = '''
from collections import deque

class CycleError(ValueError):
    pass

def run_order(deps):
    jobs = set(deps) | {d for ds in deps.values() for d in ds}
    dependents = {j: [] for j in jobs}          # edges point from a dependency to its dependents
    pending = {j: 0 for j in jobs}
    for job, ds in deps.items():
        for d in set(ds):
            dependents[d].append(job)
            pending[job] += 1
    ready = deque(sorted(j for j in jobs if pending[j] == 0))
    order = []
    while ready:
        job = ready.popleft()
        order.append(job)
        for nxt in sorted(dependents[job]):
            pending[nxt] -= 1
            if pending[nxt] == 0:
                ready.append(nxt)
    if len(order) < len(jobs):
        stuck = sorted(j for j in jobs if pending[j] > 0)
        raise CycleError(f"dependency cycle among: {', '.join(stuck)}")
    return order
'''

WRONG = {
    "recursive DFS with no cycle check and the recursion limit": '''
def run_order(deps):
    order, done = [], set()
    def visit(job):
        if job in done:
            return
        for d in deps.get(job, []):
            visit(d)
        done.add(job)
        order.append(job)
    for job in deps:
        visit(job)
    return order
''',
    "edges the wrong way: dependents first": '''
from collections import deque

def run_order(deps):
    jobs = set(deps) | {d for ds in deps.values() for d in ds}
    indeg = {j: 0 for j in jobs}
    for job, ds in deps.items():
        for d in ds:
            indeg[d] += 1
    ready = deque(j for j in jobs if indeg[j] == 0)
    order = []
    while ready:
        job = ready.popleft()
        order.append(job)
        for d in deps.get(job, []):
            indeg[d] -= 1
            if indeg[d] == 0:
                ready.append(d)
    if len(order) < len(jobs):
        raise ValueError("cycle")
    return order
''',
    "only the dict's keys are jobs": '''
from collections import deque

def run_order(deps):
    indeg = {j: 0 for j in deps}
    dependents = {j: [] for j in deps}
    for job, ds in deps.items():
        for d in ds:
            if d in deps:
                indeg[job] += 1
                dependents[d].append(job)
    ready = deque(j for j in deps if indeg[j] == 0)
    order = []
    while ready:
        job = ready.popleft()
        order.append(job)
        for nxt in dependents[job]:
            indeg[nxt] -= 1
            if indeg[nxt] == 0:
                ready.append(nxt)
    if len(order) < len(deps):
        left = [j for j in deps if indeg[j] > 0]
        raise ValueError(f"cycle among {left}")
    return order
''',
}

STUB = '''
def run_order(deps):
    pass
'''
