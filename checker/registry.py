"""Finding properties: the built-in catalogue (every ``properties/*.py`` module's ``PROPERTIES`` list),
user files loaded by path (``eoscheck run my_props.py``), and selection by id or paper.

Why the registry remembers where each property came from: worker processes (``--jobs``) re-load a
property by its origin instead of pickling closures, and the report's ``code_hash`` covers exactly the
source of the modules whose properties ran.
"""

from __future__ import annotations

import fnmatch
import hashlib
import importlib
import importlib.util
import inspect
import pkgutil
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from checker.errors import UserInputError
from checker.property import Property

CATALOGUE_PACKAGE = "properties"


@dataclass(frozen=True)
class Origin:
    """Where a property is defined: a module of the catalogue (``kind="module"``) or a user file."""

    kind: str  # "module" | "file"
    name: str  # dotted module name, or the file's absolute path


_ORIGINS: dict[int, Origin] = {}  # id(Property) -> Origin
_MODULES: dict[Origin, ModuleType] = {}


def origin_of(prop: Property) -> Origin | None:
    return _ORIGINS.get(id(prop))


def catalogue() -> list[Property]:
    """Every property of every module under properties/, in module then list order."""
    package = importlib.import_module(CATALOGUE_PACKAGE)
    props: list[Property] = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        props.extend(load_module(f"{CATALOGUE_PACKAGE}.{info.name}"))
    check_unique(props)
    return props


def load_module(name: str) -> list[Property]:
    module = importlib.import_module(name)
    return _collect(module, Origin("module", name), f"module {name}")


def load_file(path: str | Path) -> list[Property]:
    """Import a user's Python file and return its ``PROPERTIES`` (the README's user-property API)."""
    file = Path(path).expanduser()
    if file.suffix != ".py":
        raise UserInputError(f"{path}: a property file must be a .py file")
    if not file.is_file():
        raise UserInputError(f"{path}: no such file")
    file = file.resolve()
    origin = Origin("file", str(file))
    if origin in _MODULES:
        return _collect(_MODULES[origin], origin, str(path))
    digest = hashlib.sha256(str(file).encode()).hexdigest()[:12]
    mod_name = f"eoscheck_user_{file.stem}_{digest}"
    spec = importlib.util.spec_from_file_location(mod_name, file)
    if spec is None or spec.loader is None:
        raise UserInputError(f"{path}: cannot be imported as a Python module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[mod_name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        del sys.modules[mod_name]
        first = str(exc).splitlines()[0] if str(exc) else ""
        raise UserInputError(f"{path}: importing it failed with {type(exc).__name__}: {first}") from None
    return _collect(module, origin, str(path))


def _collect(module: ModuleType, origin: Origin, label: str) -> list[Property]:
    props = getattr(module, "PROPERTIES", None)
    if props is None:
        raise UserInputError(f"{label} defines no PROPERTIES list (see the README: 'Your own property')")
    if not isinstance(props, list | tuple) or not all(isinstance(p, Property) for p in props):
        raise UserInputError(f"{label}: PROPERTIES must be a list of checker.property.Property objects")
    _MODULES[origin] = module
    for p in props:
        _ORIGINS[id(p)] = origin
    return list(props)


def check_unique(props: Sequence[Property], hint: str = "") -> None:
    """Refuse two properties with one id (ids name claims in reports and replays); ``hint`` says why it may be."""
    seen: set[str] = set()
    for p in props:
        if p.id in seen:
            raise UserInputError(f"property id {p.id} is defined twice{hint}")
        seen.add(p.id)


def resolve_targets(targets: Sequence[str], paper: str | None = None) -> list[Property]:
    """The properties ``eoscheck run TARGETS --paper P`` means: ids/globs from the catalogue and .py files.

    Files alone run only their own properties; ids (with or without files) select from the catalogue plus
    the files' properties.
    """
    files = [t for t in targets if t.endswith(".py") or Path(t).is_file()]
    ids = [t for t in targets if t not in files]
    user: list[Property] = []
    for f in files:
        user.extend(load_file(f))
    pool = user if files and not ids else catalogue() + user
    check_unique(pool, " (a user file reuses a catalogue id?)")
    return select(pool, ids, paper)


def papers(props: Iterable[Property]) -> list[str]:
    return sorted({p.source.paper for p in props})


def select(props: Sequence[Property], ids: Sequence[str] = (), paper: str | None = None) -> list[Property]:
    """Filter by paper key and by ids (exact, case-insensitive; ``*`` and ``?`` glob). Keeps catalogue order.

    Unknown ids or papers are user errors: a typo must not silently check nothing.
    """
    chosen = list(props)
    if paper is not None:
        known = papers(props)
        if paper not in known:
            raise UserInputError(f"unknown paper {paper!r}; known: {', '.join(known)}")
        chosen = [p for p in chosen if p.source.paper == paper]
    if ids:
        wanted: set[str] = set()
        for pattern in ids:
            hits = [p.id for p in chosen if fnmatch.fnmatchcase(p.id.upper(), pattern.upper())]
            if not hits:
                excluded = sorted({p.source.paper for p in props if fnmatch.fnmatchcase(p.id.upper(), pattern.upper())})
                if excluded:  # it exists, but --paper leaves it out: say so instead of "did you mean" itself
                    raise UserInputError(
                        f"property {pattern!r} is in paper {', '.join(excluded)}, not in --paper {paper}; "
                        "drop --paper or choose ids of that paper"
                    )
                hint = _close(pattern, [p.id for p in props])
                raise UserInputError(f"unknown property id {pattern!r}{hint}; `eoscheck list` shows them all")
            wanted.update(hits)
        chosen = [p for p in chosen if p.id in wanted]
    return chosen


def _close(word: str, options: Sequence[str]) -> str:
    import difflib

    near = difflib.get_close_matches(word.upper(), [o.upper() for o in options], n=3, cutoff=0.6)
    return f" (did you mean {', '.join(near)}?)" if near else ""


def code_hash(props: Iterable[Property]) -> str:
    """sha256 over the source of the modules whose properties ran (in a stable order)."""
    hasher = hashlib.sha256()
    origins = sorted({o for p in props if (o := origin_of(p)) is not None}, key=lambda o: (o.kind, o.name))
    for origin in origins:
        module = _MODULES.get(origin)
        try:
            source = inspect.getsource(module) if module is not None else ""
        except (OSError, TypeError):
            source = ""
        label = origin.name if origin.kind == "module" else Path(origin.name).name  # not machine-dependent
        hasher.update(f"{origin.kind}:{label}\n".encode())
        hasher.update(source.encode())
    return hasher.hexdigest()


def find(origin: Origin, prop_id: str) -> Property:
    """Re-load a property by origin and id (used by worker processes)."""
    props = load_module(origin.name) if origin.kind == "module" else load_file(origin.name)
    for p in props:
        if p.id == prop_id:
            return p
    raise LookupError(f"{prop_id} not found in {origin.name}")
