"""mockround's test harness: one suite against one piece of code, case by case.

The runner (src/runner/) starts it as `python3 -I -B -c <this file>` inside the
sandbox and writes one JSON job to its stdin:

    {"nonce": "...", "suite": "<suite source>", "suite_file": "<id>.py",
     "variant": "candidate" | "reference" | "stub" | "wrong:<n>" | "describe",
     "code": "<candidate source>", "case_timeout": 3.0, "without": ["numpy"]}

Results go to fd 3, never to stdout: the code under test prints freely to
stdout and stderr, and a print that looks like a result is only a print. Each
record is one line, `<nonce> <json>`; the nonce arrives on stdin and is kept
in a closure, so only code that goes looking for it in the harness's memory
could forge a record (the runner also checks that every planned case is
reported exactly once). Records, in order:

    {"t": "suite", "entry": [...], "signature": "...", "cases": [...], "wrong": [...]}
    {"t": "load", "status": "ok" | "syntax" | "error" | "exit" | "missing" | "module", ...}
    {"t": "start", "case": name}     before each case, so a crash names its case
    {"t": "case", "case": name, "status": "passed" | "failed" | "errored" | "skipped",
     "message": "...", "ms": 1.2}
    {"t": "done"}
    {"t": "suite-error", "message": "..."}   the suite itself is broken

Run by hand to check a suite (no sandbox):

    python3 src/runner/harness.py rubrics/coding/<id>.py [all|reference|stub|wrong:N|FILE]

The suite format is described in rubrics/README.md; suites import the helpers
below as `from mockround_suite import case, edge, expect, ...`.
"""

import importlib.abc
import importlib.util
import inspect
import json
import linecache
import os
import signal
import sys
import time
import types

SOLUTION = "solution.py"
_HARNESS_PID = os.getpid()
PIP_NAMES = {"numpy": "numpy", "sklearn": "scikit-learn", "torch": "torch", "scipy": "scipy"}


class Failed(Exception):
    """A check of the suite did not hold; the message says what was expected and what came."""


class Missing(Exception):
    """A case touched a module that is not installed."""

    def __init__(self, module):
        super().__init__(module)
        self.module = module


class CaseTimeout(BaseException):
    """The per-case alarm. A BaseException so `except Exception` in the code under test cannot swallow it."""


class SuiteError(Exception):
    """The suite file itself is unusable."""


# ---- the API suites import as `mockround_suite` ---------------------------

_cases = []


def _register(kind, fn, needs, timeout):
    def add(f):
        doc = (f.__doc__ or "").strip()
        _cases.append(
            {
                "fn": f,
                "name": f.__name__,
                "kind": kind,
                "title": doc.splitlines()[0] if doc else f.__name__.replace("_", " "),
                "needs": list(needs),
                "timeout": timeout,
            }
        )
        return f

    return add(fn) if fn is not None else add


def case(fn=None, *, needs=(), timeout=None):
    """A happy-path case: what any working solution gets right."""
    return _register("happy", fn, needs, timeout)


def edge(fn=None, *, needs=(), timeout=None):
    """An edge case: what a strong candidate handles without being asked."""
    return _register("edge", fn, needs, timeout)


def expect(condition, message):
    if not condition:
        raise Failed(message)


def show(value, limit=160):
    """A short repr for messages; arrays are rounded so the message stays readable."""
    np = sys.modules.get("numpy")
    if np is not None and isinstance(value, np.ndarray):
        text = np.array2string(value, precision=4, threshold=12, edgeitems=2, suppress_small=True)
        text = " ".join(text.split())
    else:
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def equal(got, want, what):
    """got == want for plain values (lists, tuples, dicts, numbers, strings)."""
    try:
        same = bool(got == want)
    except Exception:
        same = False
    if not same:
        raise Failed(f"{what}: expected {show(want)}, got {show(got)}")


def parts(result, n, what):
    """The result must be a tuple (or list) of n values; returns it."""
    if not isinstance(result, (tuple, list)) or len(result) != n:
        raise Failed(f"{what}: expected a tuple of {n} values, got {show(result)}")
    return result


def close(got, want, what, rtol=1e-5, atol=1e-8):
    """Arrays equal up to rounding, with the shape and nan/inf named first."""
    np = optional("numpy")
    want = np.asarray(want)
    try:
        got = np.asarray(got, dtype=float)
    except Exception:
        raise Failed(f"{what}: expected an array of shape {want.shape}, got {show(got)}")
    if got.shape != want.shape:
        raise Failed(f"{what}: expected shape {want.shape}, got shape {got.shape}")
    bad = ~np.isfinite(got) & np.isfinite(want)
    if bad.any():
        kind = "nan" if np.isnan(got[bad]).any() else "inf"
        raise Failed(f"{what}: expected finite values, got {kind} in {int(bad.sum())} of {got.size} entries")
    near = np.isclose(got, want, rtol=rtol, atol=atol, equal_nan=True)
    if not near.all():
        if want.size <= 6:
            raise Failed(f"{what}: expected {show(want)}, got {show(got)}")
        diff = np.where(near, 0.0, np.abs(got - want))
        at = np.unravel_index(int(np.nanargmax(diff)), want.shape)
        where = ", ".join(str(int(i)) for i in at)
        raise Failed(
            f"{what}: at [{where}] expected {want[at]:.6g}, got {got[at]:.6g} "
            f"({int((~near).sum())} of {want.size} entries differ)"
        )


class _Absent:
    """Stands in for a module that is not installed: touching it skips the case."""

    def __init__(self, name):
        self._name = name

    def __getattr__(self, attr):
        raise Missing(self._name)


def optional(name):
    """The module if it is installed, else a stand-in that skips any case that uses it."""
    if not _available(name):
        return _Absent(name)
    return importlib.import_module(name)


_blocked = set()


def _available(name):
    root = name.split(".")[0]
    if root in _blocked:
        return False
    if root in sys.modules:
        return True
    try:
        return importlib.util.find_spec(root) is not None
    except (ImportError, ValueError):
        return False


class _Blocker(importlib.abc.MetaPathFinder):
    """Hides modules (`without` in the job) so the skip path can be exercised with them installed."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname.split(".")[0] in _blocked:
            raise ModuleNotFoundError(f"No module named '{fullname}'", name=fullname)
        return None


def _block(names):
    _blocked.update(names)
    if names:
        sys.meta_path.insert(0, _Blocker())


def _api():
    api = types.ModuleType("mockround_suite")
    for f in (case, edge, expect, equal, close, parts, optional, show):
        setattr(api, f.__name__, f)
    api.Failed = Failed
    return api


# ---- loading ------------------------------------------------------------


def load_suite(source, filename):
    sys.modules["mockround_suite"] = _api()
    _cases.clear()
    suite = types.ModuleType("suite")
    suite.__file__ = filename
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    try:
        exec(compile(source, filename, "exec"), suite.__dict__)
    except BaseException as e:
        raise SuiteError(f"{filename} does not load: {type(e).__name__}: {e}")
    entry = getattr(suite, "ENTRY", None)
    entries = [entry] if isinstance(entry, str) else list(entry or [])
    if not entries or not all(isinstance(e, str) and e.isidentifier() for e in entries):
        raise SuiteError(f"{filename}: ENTRY must name the function or class the code defines")
    if not _cases:
        raise SuiteError(f"{filename}: no cases (decorate functions with @case or @edge)")
    for c in _cases:
        params = list(inspect.signature(c["fn"]).parameters)
        unknown = [p for p in params if p not in entries]
        if unknown:
            raise SuiteError(f"{filename}: case {c['name']} takes {unknown[0]}, which is not in ENTRY")
        c["params"] = params
    suite.entries = entries
    suite.cases = list(_cases)
    return suite


def describe(suite):
    return {
        "t": "suite",
        "entry": suite.entries,
        "signature": str(getattr(suite, "SIGNATURE", "")),
        "cases": [
            {"name": c["name"], "kind": c["kind"], "title": c["title"], "needs": c["needs"]}
            for c in suite.cases
        ],
        "wrong": list(getattr(suite, "WRONG", {}) or {}),
    }


def pick_code(suite, variant, code):
    if variant == "candidate":
        return code or ""
    if variant == "reference":
        return getattr(suite, "REFERENCE", "")
    if variant == "stub":
        return getattr(suite, "STUB", "")
    if variant.startswith("wrong:"):
        wrong = list((getattr(suite, "WRONG", {}) or {}).values())
        return wrong[int(variant[6:])]
    raise SuiteError(f"unknown variant {variant}")


def scrub(suite):
    """The code under test shares the interpreter: leave it no reference solution to find."""
    for name in ("REFERENCE", "WRONG", "STUB"):
        suite.__dict__.pop(name, None)


def _solution_line(tb):
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == SOLUTION:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _where(line):
    text = linecache.getline(SOLUTION, line).strip()
    return f"line {line}: {text}" if text else f"line {line}"


def _exception(e):
    text = str(e)
    return f"{type(e).__name__}: {text}" if text else type(e).__name__


def _hint(module):
    return f"needs {module}, which is not installed (pip install {PIP_NAMES.get(module, module)})"


def _missing_module(e):
    if isinstance(e, Missing):
        return e.module
    if isinstance(e, ModuleNotFoundError) and e.name and not _available(e.name):
        return e.name.split(".")[0]
    return None


def load_code(code, suite, timeout):
    """Compile and run the code as module `solution`; the entries, or a load record saying why not."""
    mod = types.ModuleType("solution")
    mod.__file__ = SOLUTION
    sys.modules["solution"] = mod
    linecache.cache[SOLUTION] = (len(code), None, code.splitlines(True), SOLUTION)
    try:
        compiled = compile(code, SOLUTION, "exec")
    except SyntaxError as e:
        where = f" ({_where(e.lineno)})" if e.lineno else ""
        return None, {"status": "syntax", "line": e.lineno, "message": f"{e.msg}{where}"}
    except ValueError as e:
        return None, {"status": "syntax", "message": str(e)}
    try:
        try:
            _arm(timeout)
            exec(compiled, mod.__dict__)
        finally:
            _disarm()
    except CaseTimeout:
        return None, {"status": "error", "message": f"loading the code took more than {timeout:g} s"}
    except SystemExit as e:
        return None, {"status": "exit", "message": f"the code called sys.exit({e.code!r}) while loading"}
    except BaseException as e:
        module = _missing_module(e)
        if module:
            return None, {"status": "module", "module": module, "message": _hint(module)}
        line = _solution_line(e.__traceback__)
        where = f" ({_where(line)})" if line else ""
        return None, {"status": "error", "message": f"{_exception(e)}{where}"}
    aliases = getattr(suite, "ALIASES", {}) or {}
    found, missing = {}, []
    for name in suite.entries:
        for candidate in [name, *aliases.get(name, ())]:
            if candidate in mod.__dict__:
                found[name] = mod.__dict__[candidate]
                break
        else:
            missing.append(name)
    if missing:
        defined = sorted(k for k, v in mod.__dict__.items() if callable(v) and not k.startswith("_")
                         and getattr(v, "__module__", None) == "solution")
        seen = f"; it defines {', '.join(defined)}" if defined else ""
        signature = getattr(suite, "SIGNATURE", "")
        wanted = f" (expected {signature})" if signature else ""
        return None, {
            "status": "missing",
            "message": f"the code defines no {' or '.join(missing)}{wanted}{seen}",
        }
    return found, {"status": "ok"}


# ---- running ------------------------------------------------------------


def _on_alarm(signum, frame):
    raise CaseTimeout()


def _arm(seconds):
    signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)


def _disarm():
    signal.setitimer(signal.ITIMER_REAL, 0)


def classify(e, timeout):
    if isinstance(e, CaseTimeout):
        return "errored", f"timed out after {timeout:g} s (an endless loop, or far too slow)"
    module = _missing_module(e)
    if module:
        return "skipped", _hint(module)
    if isinstance(e, Failed):
        return "failed", str(e)
    if isinstance(e, SystemExit):
        return "errored", f"the code called sys.exit({e.code!r})"
    line = _solution_line(e.__traceback__)
    if line is not None:
        return "errored", f"{_exception(e)} ({_where(line)})"
    if isinstance(e, AssertionError):
        return "failed", str(e) or "an assertion of the suite failed"
    return "failed", f"the result could not be checked: {_exception(e)}"


def run_case(c, entries, default_timeout):
    timeout = c["timeout"] or default_timeout
    for module in c["needs"]:
        if not _available(module):
            return {"status": "skipped", "message": _hint(module), "ms": 0.0}
    args = {p: entries[p] for p in c["params"]}
    start = time.perf_counter()
    status, message = "passed", None
    try:
        try:
            _arm(timeout)
            c["fn"](**args)
        finally:
            _disarm()
    except BaseException as e:
        status, message = classify(e, timeout)
    ms = round((time.perf_counter() - start) * 1000, 3)
    record = {"status": status, "ms": ms}
    if message:
        record["message"] = message
    return record


def run(suite, code, emit, timeout):
    entries, load = load_code(code, suite, timeout)
    emit({"t": "load", **load})
    if entries is None and load["status"] == "module":
        for c in suite.cases:
            emit({"t": "case", "case": c["name"], "status": "skipped", "message": load["message"], "ms": 0.0})
    if entries is not None:
        for c in suite.cases:
            emit({"t": "start", "case": c["name"]})
            record = run_case(c, entries, timeout)
            if os.getpid() != _HARNESS_PID:
                os._exit(0)  # a fork of the code under test came back here: it has no results to give
            emit({"t": "case", "case": c["name"], **record})
    emit({"t": "done"})


# ---- entry points -------------------------------------------------------


def _channel(nonce):
    """The result writer: fd 3 moved out of the way, the nonce kept in this closure."""
    write, dumps = os.write, json.dumps
    fd = 40 + int.from_bytes(os.urandom(2), "little") % 200  # below RLIMIT_NOFILE (256)
    os.dup2(3, fd, inheritable=False)
    os.close(3)
    prefix = nonce.encode("ascii") + b" "
    getpid, pid = os.getpid, os.getpid()

    def emit(record):
        if getpid() != pid:
            return  # only the harness process reports, never a fork of the code under test
        data = prefix + dumps(record, ensure_ascii=True).encode("ascii") + b"\n"
        try:
            while data:
                data = data[write(fd, data):]
        except OSError:
            pass

    return emit


def _finish():
    """Flush what the code printed, then leave without running its atexit hooks or waiting on its threads."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:
            pass
    os._exit(0)


def protocol():
    job = json.loads(sys.stdin.buffer.read())
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    emit = _channel(job.pop("nonce"))
    timeout = float(job.get("case_timeout") or _timeout)
    _block(job.get("without") or [])
    try:
        suite = load_suite(job["suite"], job.get("suite_file") or "suite.py")
        emit(describe(suite))
        variant = job.get("variant", "candidate")
        if variant != "describe":
            code = pick_code(suite, variant, job.get("code"))
            if variant == "candidate":
                scrub(suite)
            job = None
            run(suite, code, emit, timeout)
    except SuiteError as e:
        emit({"t": "suite-error", "message": str(e)})
    _finish()


def _print_record(record):
    t = record["t"]
    if t == "case":
        message = f": {record['message']}" if record.get("message") else ""
        print(f"  {record['status']:<8} {record['case']} ({record['ms']:.1f} ms){message}")
    elif t == "load" and record["status"] != "ok":
        print(f"  load {record['status']}: {record['message']}")
    elif t == "suite-error":
        print(f"  suite error: {record['message']}")


def cli(argv):
    """Check a suite by hand: every variant by default, or one, or a file of code."""
    path = argv[0]
    which = argv[1] if len(argv) > 1 else "all"
    with open(path, encoding="utf-8") as f:
        source = f.read()
    name = os.path.basename(path)
    suite = load_suite(source, name)
    variants = [which]
    if which == "all":
        variants = ["reference", "stub"] + [f"wrong:{i}" for i in range(len(describe(suite)["wrong"]))]
    for variant in variants:
        suite = load_suite(source, name)
        if os.path.exists(variant):
            with open(variant, encoding="utf-8") as f:
                code, label = f.read(), variant
        else:
            code = pick_code(suite, variant, None)
            label = variant
            if variant.startswith("wrong:"):
                label = f"{variant} ({describe(suite)['wrong'][int(variant[6:])]})"
        print(label)
        run(suite, code, _print_record, float(_timeout))


_timeout = 3.0

if __name__ == "__main__":
    if len(sys.argv) > 1:
        cli(sys.argv[1:])
    else:
        protocol()
