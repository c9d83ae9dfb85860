"""Docstrings of the public API: numpydoc validation, and their Examples run as doctests.

What is walked: ``nanowire_rc.__all__`` and the ``__all__`` of every module the API reference
documents (``MODULES``; ``nanowire_rc.torch``, ``.aeon`` and ``.reservoirpy`` only where they
import). For each public function and class, and each public method and property a public class
defines or inherits from this package (not from scikit-learn, PyTorch or ``Exception``), the
docstring goes through ``numpydoc.validate.validate``, plus one check of our own (``NW01``, see
below). Constants are documented on the module pages and are not walked.

Checks enforced: every numpydoc code except ``IGNORED``. In words: a docstring exists (GL08); it
has a one-line summary (SS01-SS04) and known sections in the right order (GL06, GL07, GL09,
GL10); every parameter is documented with a type and a description and none that does not exist
(PR01-PR05, PR07, PR10); Returns (RT01-RT03) or Yields (YD01); an Examples section (EX01; for
functions, classes and methods, not properties, whose examples are on their class); and NW01:
every exception class the function's own body raises (``raise X(...)``, found in its source) is
named in a Raises section, by itself or by a base class. Exceptions raised inside helpers are
documented where that is useful but not enforced.

Ignored, because they are layout or style and say nothing about what a reader learns:

- GL01, GL02, GL03: where the text starts after the opening quotes, where the closing quotes go,
  blank lines. Invisible in the rendered documentation.
- SS05 (summary starts with an infinitive): classes, properties and "Return ..." summaries read
  better in other forms; grammar is a style choice.
- SS06 (summary fits on one line): a precise summary may wrap at 100 columns.
- ES01 (extended summary), SA01-SA04 (See Also section and its formatting): optional sections.
- PR06 (``int`` instead of ``integer``), PR08/PR09 and RT04/RT05 (descriptions start with a
  capital letter and end with a period): typography.

The Examples are run with :mod:`doctest` (ELLIPSIS, NORMALIZE_WHITESPACE) for every module that
is walked, so they cannot rot; they are kept tiny so that this file runs in well under 30 s.

``PENDING`` lists the objects whose docstrings do not pass yet (none at present); their tests
are ``xfail(strict=True)``: fixing one makes its test pass, which fails the run until its name
is removed here, so the list can only shrink.
"""

from __future__ import annotations

import ast
import doctest
import importlib
import inspect
import textwrap
import warnings

import pytest

numpydoc_validate = pytest.importorskip("numpydoc.validate", reason="needs numpydoc (docs tools)")
import matplotlib  # noqa: E402
from numpydoc.docscrape import NumpyDocString  # noqa: E402

matplotlib.use("Agg")

# Modules the API reference documents; every name in their __all__ is walked.
MODULES = (
    "nanowire_rc",
    "nanowire_rc.physics",
    "nanowire_rc.stability",
    "nanowire_rc.device",
    "nanowire_rc.calibration",
    "nanowire_rc.diagnostics",
    "nanowire_rc.metrics",
    "nanowire_rc.generators",
    "nanowire_rc.forecasting",
    "nanowire_rc.regression",
    "nanowire_rc.readout",
    "nanowire_rc.delays",
    "nanowire_rc.datasets",
    "nanowire_rc.series",
    "nanowire_rc.plotting",
    "nanowire_rc.store",
    "nanowire_rc.selection",
    "nanowire_rc.reservoirs",
    "nanowire_rc.classifiers",
    "nanowire_rc.model_space",
    "nanowire_rc.tuning",
    "nanowire_rc.multiscale",
    "nanowire_rc.kernels.multiscale",
    "nanowire_rc.kernels",
    "nanowire_rc.kernels.device",
    "nanowire_rc.kernels.streams",
    "nanowire_rc.exceptions",
    "nanowire_rc.experiments.pulse",
    "nanowire_rc.experiments.heatmap",
    "nanowire_rc.experiments.grids",
    "nanowire_rc.experiments.robustness",
    "nanowire_rc.experiments.forecasting",
    "nanowire_rc.experiments.classification",
    "nanowire_rc.network",
    "nanowire_rc.network.graphs",
    "nanowire_rc.network.circuit",
    "nanowire_rc.network.stepping",
    "nanowire_rc.network.reservoir",
    "nanowire_rc.network.calibration",
    "nanowire_rc.network.plots",
)
# Walked only where they import (optional dependencies).
OPTIONAL_MODULES = ("nanowire_rc.torch", "nanowire_rc.aeon", "nanowire_rc.reservoirpy")

IGNORED = frozenset({
    "GL01", "GL02", "GL03",  # docstring layout in the source
    "SS05", "SS06",  # summary grammar and wrapping
    "ES01", "SA01", "SA02", "SA03", "SA04",  # optional sections
    "PR06", "PR08", "PR09", "RT04", "RT05",  # typography
})

# Objects whose docstrings do not pass yet, by dotted name: their tests are xfail(strict=True),
# so fixing one fails the run until its name is removed here, and the set can only shrink.
# Empty: every walked object passes (keep the mechanism for objects added before their
# docstrings are complete).
PENDING: frozenset[str] = frozenset()


def _import_modules():
    modules = [importlib.import_module(name) for name in MODULES]
    for name in OPTIONAL_MODULES:
        try:
            modules.append(importlib.import_module(name))
        except ImportError:
            pass
    return modules


def _owner(obj) -> str:
    """Module that defines ``obj`` (a function, class, property or method)."""
    if isinstance(obj, property):
        obj = obj.fget
    obj = getattr(obj, "__func__", obj)
    return getattr(obj, "__module__", None) or ""


def _members(cls):
    """Public methods and properties of ``cls`` defined in this package, by name."""
    for name in sorted(dir(cls)):
        if name.startswith("_"):
            continue
        for base in cls.__mro__:
            if name in vars(base):
                attr = vars(base)[name]
                break
        else:
            continue
        if isinstance(attr, (staticmethod, classmethod)):
            attr = attr.__func__
        if not (inspect.isfunction(attr) or isinstance(attr, property)):
            continue
        if _owner(attr).startswith("nanowire_rc"):
            yield name, attr


def public_objects() -> dict[str, object]:
    """``{dotted name: object}`` for every public function, class, method and property.

    Names are the defining module's (``nanowire_rc.physics.simulate``, not
    ``nanowire_rc.simulate``); a method inherited by several public classes is listed once,
    under the first of them in alphabetical order.
    """
    found: dict[str, object] = {}
    classes = {}
    for module in _import_modules():
        for attr in getattr(module, "__all__", ()):
            obj = getattr(module, attr)
            if not (inspect.isclass(obj) or inspect.isfunction(obj)):
                continue  # constants, documented on the module pages
            if not _owner(obj).startswith("nanowire_rc"):
                continue
            name = f"{obj.__module__}.{obj.__qualname__}"
            found[name] = obj
            if inspect.isclass(obj):
                classes[name] = obj
    seen = {id(obj) for obj in found.values()}
    for cls_name in sorted(classes):
        for name, attr in _members(classes[cls_name]):
            if id(attr) not in seen:
                seen.add(id(attr))
                found[f"{cls_name}.{name}"] = attr
    return dict(sorted(found.items()))


OBJECTS = public_objects()


# -- NW01: Raises -----------------------------------------------------------------------------

def _raised_names(func) -> set[str]:
    """Names of the exception classes ``func``'s own body raises (nested functions excluded)."""
    try:
        source = textwrap.dedent(inspect.getsource(func))
    except (OSError, TypeError):
        return set()
    tree = ast.parse(source)
    root = tree.body[0]
    names: set[str] = set()

    def visit(node):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda,
                                  ast.ClassDef)):
                continue
            if isinstance(child, ast.Raise) and child.exc is not None:
                exc = child.exc.func if isinstance(child.exc, ast.Call) else child.exc
                name = exc.attr if isinstance(exc, ast.Attribute) else getattr(exc, "id", "")
                if name[:1].isupper():  # a class; lowercase names re-raise a caught error
                    names.add(name)
            visit(child)

    visit(root)
    return names


def _resolve(name: str, func):
    import builtins

    namespace = getattr(func, "__globals__", {})
    obj = namespace.get(name, getattr(builtins, name, None))
    return obj if inspect.isclass(obj) else None


def _raises_errors(obj) -> list[tuple[str, str]]:
    if inspect.isclass(obj):
        funcs = [vars(obj)[n] for n in ("__init__", "__post_init__") if n in vars(obj)]
        doc = obj.__doc__
    elif isinstance(obj, property):
        funcs, doc = [obj.fget], obj.__doc__
    else:
        funcs, doc = [obj], obj.__doc__
    raised = set().union(*(_raised_names(f) for f in funcs)) if funcs else set()
    if not raised:
        return []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parsed = NumpyDocString(inspect.cleandoc(doc or ""))
    documented = set()
    for entry in parsed["Raises"]:
        for text in (entry.name, entry.type):
            documented.update(word.strip(" ,.:`~") for word in text.replace(" or ", ",")
                              .split(","))
    documented.discard("")
    errors = []
    for name in sorted(raised):
        if name in documented or any(d.rsplit(".", 1)[-1] == name for d in documented):
            continue
        cls = _resolve(name, funcs[0])
        bases = [_resolve(d.rsplit(".", 1)[-1], funcs[0]) for d in documented]
        if cls is not None and any(b is not None and issubclass(cls, b) for b in bases):
            continue
        errors.append(("NW01", f"raises {name} but its Raises section does not name it"))
    return errors


def docstring_errors(name: str) -> list[tuple[str, str]]:
    """Every enforced finding for one object: ``[(code, message)]``."""
    obj = OBJECTS[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = numpydoc_validate.validate(name)
    errors = [(code, message) for code, message in result["errors"] if code not in IGNORED]
    if isinstance(obj, property):
        errors = [(c, m) for c, m in errors if c != "EX01"]
    return errors + _raises_errors(obj)


def _format(name: str, errors) -> str:
    return "\n".join(f"{name}: {code} {message}" for code, message in errors)


@pytest.mark.parametrize(
    "name",
    [pytest.param(n, marks=pytest.mark.xfail(strict=True, reason="pending: file not yet fixed"))
     if n in PENDING else n for n in OBJECTS],
)
def test_docstring(name):
    errors = docstring_errors(name)
    assert not errors, "\n" + _format(name, errors)


def test_pending_names_exist():
    stale = sorted(PENDING - set(OBJECTS))
    assert not stale, f"PENDING names no public object (renamed or removed?): {stale}"


def test_walk_covers_the_top_level_api():
    import nanowire_rc as nw

    walked = {id(obj) for obj in OBJECTS.values()}
    missing = [name for name in nw.__all__
               if (inspect.isclass(getattr(nw, name)) or inspect.isfunction(getattr(nw, name)))
               and id(getattr(nw, name)) not in walked]
    assert not missing


# -- Examples as doctests ---------------------------------------------------------------------

def _doctest_modules():
    """Every walked module and every module that defines a walked object."""
    names = {module.__name__ for module in _import_modules()}
    names.update(_owner(obj) for obj in OBJECTS.values())
    return sorted(names)


@pytest.mark.parametrize("module_name", _doctest_modules())
def test_examples_run(module_name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # examples that write files write them here
    module = importlib.import_module(module_name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    report: list[str] = []
    for test in finder.find(module, module_name):
        runner.run(test, out=report.append)
    results = runner.summarize(verbose=False)
    assert results.failed == 0, "\n" + "".join(report)
