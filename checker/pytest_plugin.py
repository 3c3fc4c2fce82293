"""pytest plugin (entry point ``eoscheck``): properties run as test items in a user's own test suite.

What it collects (opt-in, so it never changes a suite that does not ask for it):

* a test module's OWN ``PROPERTIES`` list: one item per claim, named by its id. "Own" means the list object
  is not the ``PROPERTIES`` of another imported module: ``from properties.gan2026a import PROPERTIES`` (how
  a test suite imports properties to test them) collects nothing. A module that wants its imported claims
  run writes ``PROPERTIES = [*gan2026a.PROPERTIES]``;
* functions decorated with :func:`checker.testing.eoscheck`, in the module that defines them;
* with ``--eoscheck-catalogue``, ``--eoscheck-id ID`` or ``--eoscheck-paper KEY``: the built-in catalogue,
  selected claims, or one paper's.

Verdicts: REFUTED fails (counterexample, replay command), UNDECIDED skips with its reason (fails under
``--eoscheck-strict``), PROVED / CERTIFIED / CORROBORATED pass. Each claim runs through the same runner as
``eoscheck run``, seeded from the run seed and its id, so a claim's verdict and numbers do not depend on
which other claims run, on their order, or on pytest-xdist's worker (the controller draws the run seed and
hands it to every worker). Results travel to the controller on the test reports, so the terminal summary
and the JSON report (``--eoscheck-report-dir``) are written once, in one order (sorted by node id).
"""

from __future__ import annotations

import hashlib
import inspect
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from checker.errors import UserInputError
from checker.property import Property
from checker.testing import is_decorated

CATALOGUE_NODE = "eoscheck-catalogue"
CLAIM_ATTR = "eoscheck_claim"  # a JSON-ready claim dict on the call-phase TestReport
ORIGIN_ATTR = "eoscheck_origin"  # [label, sha256 of the defining module's source]
MARKER = "eoscheck"
RECORDER = "eoscheck-recorder"


@dataclass
class _State:
    profile: str
    seed: int
    strict: bool
    report_dir: Path | None
    catalogue: list[Property] = field(default_factory=list)
    claims: dict[str, dict[str, Any]] = field(default_factory=dict)  # node id -> claim JSON
    origins: set[tuple[str, str]] = field(default_factory=set)
    report_path: Path | None = None


_STATE = pytest.StashKey[_State]()


# ---- options and configuration ---------------------------------------------------------------------
def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("eoscheck", "eos-checker properties (claims as test items)")
    group.addoption("--eoscheck-profile", default=None, help="settings profile: quick (default), ci, thorough")
    group.addoption("--eoscheck-seed", type=int, default=None, help="run seed (the summary prints the one used)")
    group.addoption("--eoscheck-report-dir", default=None, help="write the JSON report of `eoscheck run` here")
    group.addoption("--eoscheck-strict", action="store_true", help="fail UNDECIDED claims instead of skipping")
    group.addoption("--eoscheck-catalogue", action="store_true", help="also run the whole built-in catalogue")
    group.addoption(
        "--eoscheck-id",
        action="append",
        default=[],
        metavar="ID",
        help="also run this catalogue claim (globs allowed, e.g. 'GAN-A-*'; repeatable)",
    )
    group.addoption("--eoscheck-paper", default=None, help="also run the catalogue properties of this paper key")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{MARKER}: an eos-checker claim (added to every claim item)")
    from checker.profiles import DEFAULT_PROFILE, get_profile
    from checker.runner import resolve_seed

    profile = config.getoption("eoscheck_profile") or DEFAULT_PROFILE
    try:
        prof = get_profile(profile)
        worker_seed = getattr(config, "workerinput", {}).get("eoscheck_seed")
        seed = int(worker_seed) if worker_seed is not None else resolve_seed(config.getoption("eoscheck_seed"), prof)
        report_dir = config.getoption("eoscheck_report_dir")
        if report_dir is not None and not _is_worker(config):
            from checker.report.writer import check_writable

            check_writable(Path(report_dir))
        state = _State(profile, seed, bool(config.getoption("eoscheck_strict")), _opt_path(report_dir))
        state.catalogue = _catalogue_selection(
            bool(config.getoption("eoscheck_catalogue")),
            config.getoption("eoscheck_id"),
            config.getoption("eoscheck_paper"),
        )
    except UserInputError as exc:
        raise pytest.UsageError(f"eoscheck: {exc}") from None
    config.stash[_STATE] = state
    if not _is_worker(config):
        config.pluginmanager.register(_Recorder(config, state), RECORDER)


def pytest_unconfigure(config: pytest.Config) -> None:
    recorder = config.pluginmanager.get_plugin(RECORDER)
    if recorder is not None:
        config.pluginmanager.unregister(recorder)


def _opt_path(text: str | None) -> Path | None:
    return None if text is None else Path(text)


def _catalogue_selection(everything: bool, ids: Sequence[str], paper: str | None) -> list[Property]:
    """The catalogue claims asked for: all, the ids given, a paper's, or (ids and paper) the ids within it."""
    if not everything and not ids and paper is None:
        return []
    from checker import registry

    return registry.select(registry.catalogue(), list(ids), paper)


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """pytest-xdist: every worker uses the controller's run seed (a drawn seed would differ per worker)."""
    node.workerinput["eoscheck_seed"] = node.config.stash[_STATE].seed


def pytest_report_header(config: pytest.Config) -> str | None:
    state = config.stash.get(_STATE, None)
    if state is None or not _asked(config):
        return None
    return f"eoscheck: profile {state.profile}, seed {state.seed}"


def _asked(config: pytest.Config) -> bool:
    opts = ("eoscheck_profile", "eoscheck_seed", "eoscheck_report_dir", "eoscheck_paper")
    return any(config.getoption(o) is not None for o in opts) or bool(
        config.getoption("eoscheck_catalogue") or config.getoption("eoscheck_id")
    )


# ---- collection --------------------------------------------------------------------------------------
@pytest.hookimpl(tryfirst=True)
def pytest_pycollect_makeitem(
    collector: pytest.Module | pytest.Class, name: str, obj: object
) -> list[ClaimItem] | None:
    if not isinstance(collector, pytest.Module):
        return None
    module = collector.obj
    if isinstance(obj, Property):
        if is_decorated(obj) and getattr(obj.check, "__module__", None) == module.__name__:
            return [ClaimItem.from_parent(collector, name=obj.id, prop=obj)]
        return None
    if name != "PROPERTIES" or not isinstance(obj, list | tuple) or not any(isinstance(p, Property) for p in obj):
        return None
    if not all(isinstance(p, Property) for p in obj):
        raise collector.CollectError(f"{collector.path.name}: PROPERTIES must hold only checker.property.Property")
    if _imported(module, obj):
        return None
    bound = {id(v) for k, v in vars(module).items() if k != "PROPERTIES"}
    # A decorated claim bound at module level is collected under its own name already.
    props = [p for p in obj if not (is_decorated(p) and id(p) in bound)]
    return [ClaimItem.from_parent(collector, name=p.id, prop=p) for p in props]


def _imported(module: Any, props: object) -> bool:
    """True if ``props`` is another loaded module's PROPERTIES (imported into this one, not defined here)."""
    for other in list(sys.modules.values()):
        if other is module or other is None:
            continue
        try:
            if vars(other).get("PROPERTIES") is props:
                return True
        except TypeError:
            continue
    return False


class _Catalogue(pytest.Collector):
    """The parent node of catalogue claims (they come from the package, not from a collected file)."""

    def collect(self) -> list[pytest.Item | pytest.Collector]:
        return []


@pytest.hookimpl(tryfirst=True)  # before -k / -m deselection, so those select catalogue claims too
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    state = config.stash[_STATE]
    if not state.catalogue:
        return
    parent = _Catalogue.from_parent(session, name=CATALOGUE_NODE, nodeid=CATALOGUE_NODE)
    items.extend(ClaimItem.from_parent(parent, name=p.id, prop=p) for p in state.catalogue)


# ---- one claim as a test item ----------------------------------------------------------------------
class ClaimFailed(Exception):
    """A REFUTED claim (or an UNDECIDED one under --eoscheck-strict); the message is the whole report."""


class ClaimItem(pytest.Item):
    def __init__(self, *, prop: Property, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.prop = prop
        self.claim: dict[str, Any] | None = None
        self.add_marker(MARKER)

    def runtest(self) -> None:
        from checker.runner import run_property
        from checker.verdict import Verdict

        state = self.config.stash[_STATE]
        res = run_property(self.prop, profile=state.profile, seed=state.seed, database=False)
        self.claim = res.to_json()
        self.user_properties.append(("eoscheck_verdict", res.verdict.value))
        if res.verdict is Verdict.REFUTED:
            raise ClaimFailed(self._refuted_text(state))
        if res.verdict is Verdict.UNDECIDED:
            reason = f"UNDECIDED {self.prop.id}: {self.claim['evidence']['summary']}"
            if state.strict:
                raise ClaimFailed(f"{reason}\n(failed because of --eoscheck-strict)")
            # reported at the claim's location, not at this line of the plugin
            raise pytest.skip.Exception(reason, _use_item_location=True)

    def _refuted_text(self, state: _State) -> str:
        assert self.claim is not None
        c = self.claim
        lines = [
            f"REFUTED {c['id']}: {c['evidence']['summary']}",
            f"  statement: {c['statement']}",
            f"  provenance: {' + '.join(c['provenance'])}" + (" [RECONSTRUCTED]" if c["reconstructed"] else ""),
            f"  counterexample (shrunk): {c['evidence']['counterexample']}",
        ]
        lines += [f"  note: {n}" for n in c["notes"]]
        lines.append(f"  replay: {self.replay_command(state)}")
        if c["hypothesis"].get("replay"):
            lines.append(f"          ({c['hypothesis']['replay']})")
        return "\n".join(lines)

    def replay_command(self, state: _State) -> str:
        flags = f"--eoscheck-profile {state.profile} --eoscheck-seed {state.seed}"
        if self.parent is not None and self.parent.nodeid == CATALOGUE_NODE:
            return f"eoscheck run {self.prop.id} --profile {state.profile} --seed {state.seed}"
        return f"pytest '{self.nodeid}' {flags}"

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str | Any:
        if isinstance(excinfo.value, ClaimFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int, str]:
        """The check function's line (0-based, as pytest wants), so skips and failures point at the claim."""
        try:
            line = inspect.getsourcelines(self.prop.check)[1] - 1
        except (OSError, TypeError):
            line = 0
        return self.path, line, f"eoscheck claim {self.prop.id}"

    def origin(self) -> tuple[str, str]:
        """(label, sha256 of the defining module's source): the report's code_hash covers exactly these."""
        module = inspect.getmodule(self.prop.check)
        try:
            source = inspect.getsource(module) if module is not None else ""
        except (OSError, TypeError):
            source = ""
        label = self.path.name if not isinstance(self.parent, _Catalogue) else getattr(module, "__name__", "")
        return label, hashlib.sha256(source.encode()).hexdigest()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    outcome = yield
    if isinstance(item, ClaimItem) and call.when == "call" and item.claim is not None:
        report = outcome.get_result()
        setattr(report, CLAIM_ATTR, item.claim)  # plain JSON values: pytest-xdist serialises them
        setattr(report, ORIGIN_ATTR, list(item.origin()))


class _Recorder:
    """Registered on the controller (or the only process): collects claim results and writes the outputs.

    A plugin object rather than module functions because pytest_runtest_logreport is not handed the config.
    """

    def __init__(self, config: pytest.Config, state: _State) -> None:
        self.config = config
        self.state = state

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        claim = getattr(report, CLAIM_ATTR, None)
        if claim is None or report.when != "call":
            return
        self.state.claims[report.nodeid] = claim
        label, digest = getattr(report, ORIGIN_ATTR)
        self.state.origins.add((str(label), str(digest)))

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        state = self.state
        if state.report_dir is None or not state.claims:
            return
        from checker.pytest_report import write_pytest_report

        state.report_path = write_pytest_report(
            claims=[state.claims[k] for k in sorted(state.claims)],
            origins=sorted(state.origins),
            profile=state.profile,
            seed=state.seed,
            command=self._command_line(),
            report_dir=state.report_dir,
        )

    def _command_line(self) -> list[str]:
        """What reruns the whole session with the same seed (xdist flags left out: they change nothing)."""
        config, state = self.config, self.state
        line = ["pytest", *[str(a) for a in config.args], "--eoscheck-profile", state.profile]
        line += ["--eoscheck-seed", str(state.seed)]
        if config.getoption("eoscheck_catalogue"):
            line.append("--eoscheck-catalogue")
        for pattern in config.getoption("eoscheck_id"):
            line += ["--eoscheck-id", pattern]
        if config.getoption("eoscheck_paper"):
            line += ["--eoscheck-paper", str(config.getoption("eoscheck_paper"))]
        return line

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        state = self.state
        if not state.claims:
            return
        from checker.report.summary import compliance_summary, one_line

        claims = [state.claims[k] for k in sorted(state.claims)]
        summary = compliance_summary(claims)
        tr = terminalreporter
        tr.section("eoscheck")
        tr.write_line(f"{one_line(summary)}; profile {state.profile}, seed {state.seed}")
        for c in claims:
            if c["reconstructed"]:
                opens = f" (open points: {', '.join(c['open_points'])})" if c["open_points"] else ""
                tr.write_line(f"RECONSTRUCTED {c['id']}: {c['statement']}{opens}")
        if summary["counts"]["REFUTED"] or summary["counts"]["UNDECIDED"]:
            tr.write_line(f"replay with: --eoscheck-profile {state.profile} --eoscheck-seed {state.seed}")
        if state.report_path is not None:
            tr.write_line(f"report: {state.report_path}  (check its certificates: eoscheck verify {state.report_path})")
