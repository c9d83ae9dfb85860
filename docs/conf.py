"""Sphinx configuration of the nanowire-rc documentation.

Build from the repository root, warnings as errors (what CI runs)::

    python -m sphinx -W -b html docs docs/_build/html

The API reference is written from the modules' ``__all__`` at every build (``_write_api_pages``
below, into ``docs/gen_modules/``): a name added to a module's ``__all__`` gets its page, one
removed loses it, with no list to keep in step by hand. Each object is documented once, under
the module that defines it (``nanowire_rc.physics.simulate``, also importable as
``nanowire_rc.simulate``); ``tests/test_docstrings.py`` validates the same objects.

The gallery (``examples/``) is executed during the build. An example whose optional dependency
(PyTorch, Dask, aeon, ReservoirPy) is not installed is left out, and so is the API page of an
optional module that cannot be imported. ``-D plot_gallery=0`` builds without running the
examples.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import os
import re
import sys
import warnings
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("MPLBACKEND", "Agg")

import nanowire_rc  # noqa: E402

# -- Project ---------------------------------------------------------------------------------

project = "nanowire-rc"
author = "nanowire-rc developers"
copyright = "nanowire-rc developers, MIT License"
release = nanowire_rc.__version__
version = ".".join(release.split(".")[:2])

# -- General ---------------------------------------------------------------------------------

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "myst_parser",
    "sphinx_gallery.gen_gallery",
    "matplotlib.sphinxext.plot_directive",
]

# Figures drawn at build time from the scripts in docs/figures (the plot directive).
plot_html_show_source_link = False
plot_html_show_formats = False
plot_formats = [("png", 110)]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
templates_path = ["_templates"]
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "sg_execution_times.rst",
                    "auto_examples/*.ipynb", "auto_examples/*.py", "auto_examples/*.zip"]
default_role = "literal"  # `x` is code, as in the Markdown pages
pygments_style = "sphinx"

# -- Markdown (MyST): the content pages under docs/ and the README ---------------------------

myst_enable_extensions = ["dollarmath", "colon_fence"]
myst_heading_anchors = 3

# -- API reference: autodoc + autosummary + numpydoc -----------------------------------------

autosummary_generate = True
autosummary_imported_members = False
autodoc_default_options = {"member-order": "groupwise"}
autodoc_typehints = "none"  # the numpydoc sections carry the types
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True
numpydoc_xref_param_type = False

# The reference, section by section; modules that cannot be imported (an optional dependency is
# missing) are left out.
API_SECTIONS = [
    ("The neuron", ["nanowire_rc.physics", "nanowire_rc.stability"]),
    ("Real devices", ["nanowire_rc.device", "nanowire_rc.calibration"]),
    ("Reservoirs and kernels", ["nanowire_rc.reservoirs", "nanowire_rc.kernels",
                                "nanowire_rc.kernels.device", "nanowire_rc.kernels.streams",
                                "nanowire_rc.kernels.multiscale"]),
    ("Readout and estimators", ["nanowire_rc.multiscale", "nanowire_rc.delays",
                                "nanowire_rc.readout",
                                "nanowire_rc.classifiers", "nanowire_rc.model_space",
                                "nanowire_rc.tuning", "nanowire_rc.forecasting",
                                "nanowire_rc.regression"]),
    ("Benchmarks, metrics and diagnostics", ["nanowire_rc.generators", "nanowire_rc.metrics",
                                             "nanowire_rc.diagnostics"]),
    ("Data", ["nanowire_rc.datasets", "nanowire_rc.series"]),
    ("Model selection", ["nanowire_rc.selection", "nanowire_rc.store"]),
    ("Experiments and figures", ["nanowire_rc.experiments.pulse", "nanowire_rc.experiments.heatmap",
                                 "nanowire_rc.experiments.grids",
                                 "nanowire_rc.experiments.classification",
                                 "nanowire_rc.experiments.robustness",
                                 "nanowire_rc.experiments.forecasting",
                                 "nanowire_rc.plotting"]),
    ("Errors and warnings", ["nanowire_rc.exceptions"]),
    ("Integrations (optional extras)", ["nanowire_rc.torch", "nanowire_rc.aeon",
                                        "nanowire_rc.reservoirpy"]),
]
API_DIR = DOCS / "gen_modules" / "api"


def _import(name: str):
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def _summary(obj) -> str:
    doc = inspect.getdoc(obj) or ""
    return doc.strip().split("\n\n")[0].replace("\n", " ")


def _write(path: Path, text: str) -> None:
    """Write only when the content changes, so that Sphinx does not rebuild for nothing."""
    if not path.exists() or path.read_text() != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def _heading(text: str, char: str) -> str:
    return f"{text}\n{char * len(text)}\n"


def _owned(module_name: str, obj, documented: set[str]) -> bool:
    """Whether ``obj`` is documented on ``module_name``'s page: it is defined there, or in a
    private submodule of it (``nanowire_rc.kernels.runners``) that has no page of its own."""
    owner = getattr(obj, "__module__", "") or ""
    return owner == module_name or (owner.startswith(module_name + ".")
                                    and owner not in documented)


def _module_page(module, documented: set[str]) -> str:
    name = module.__name__
    lines = [_heading(f"``{name}``", "="), f".. automodule:: {name}", "   :no-members:", "",
             f".. currentmodule:: {name}", ""]
    groups: dict[str, list[str]] = {"Classes": [], "Functions": [], "Errors and warnings": []}
    constants, elsewhere = [], []
    for attr in getattr(module, "__all__", ()):
        if attr.startswith("__"):
            continue
        obj = getattr(module, attr)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            if not _owned(name, obj, documented):
                elsewhere.append(obj)
                continue
            full = f"{obj.__module__}.{obj.__qualname__}"
            if inspect.isclass(obj) and issubclass(obj, (Exception, Warning)):
                groups["Errors and warnings"].append(full)
            else:
                groups["Classes" if inspect.isclass(obj) else "Functions"].append(full)
        else:
            constants.append(attr)
    for title, names in groups.items():
        if not names:
            continue
        template = "autosummary/" + ("function.rst" if title == "Functions" else "class.rst")
        lines += [_heading(title, "-"), ".. autosummary::", "   :toctree: generated",
                  f"   :template: {template}", "   :nosignatures:", ""]
        lines += [f"   ~{full[len(name) + 1:]}" for full in names] + [""]
    if constants:
        lines += [_heading("Constants", "-")]
        for attr in constants:
            value = repr(getattr(module, attr))
            lines += [f".. autodata:: {attr}"]
            lines += ["   :no-value:", ""] if len(value) > 120 else [""]
    if elsewhere:
        refs = ", ".join(f":obj:`~{o.__module__}.{o.__qualname__}`" for o in elsewhere)
        lines += [_heading("Also importable from here", "-"), refs, ""]
    return "\n".join(lines)


def _top_level_page(documented: set[str]) -> str:
    lines = [_heading("``nanowire_rc``", "="), ".. automodule:: nanowire_rc", "   :no-members:",
             "", "Everything below is importable from the top level (``import nanowire_rc as "
             "nw; nw.simulate(...)``) and documented on the page of the module that defines "
             "it.", "", ".. list-table::", "   :widths: 35 65", ""]
    for attr in nanowire_rc.__all__:
        obj = getattr(nanowire_rc, attr)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            ref = f":obj:`~{obj.__module__}.{obj.__qualname__}`"
            summary = _summary(obj)
        else:
            owner = next((m for m in sorted(documented)
                          if getattr(sys.modules[m], attr, None) is obj and m != "nanowire_rc"),
                         None)
            ref = f":data:`~{owner}.{attr}`" if owner else f"``{attr}``"
            summary = "The library's version." if attr == "__version__" else "Constant."
        lines += [f"   * - {ref}", f"     - {summary}"]
    return "\n".join(lines) + "\n"


def _write_api_pages() -> None:
    """``gen_modules/api/<module>.rst`` per module, and the sections of ``api.rst``."""
    modules = {name: _import(name) for _, names in API_SECTIONS for name in names}
    modules = {name: module for name, module in modules.items() if module is not None}
    documented = set(modules) | {"nanowire_rc"}
    _write(API_DIR / "nanowire_rc.rst", _top_level_page(documented))
    index = [".. toctree::", "   :maxdepth: 1", "   :caption: Top level", "",
             "   gen_modules/api/nanowire_rc", ""]
    for title, names in API_SECTIONS:
        present = [n for n in names if n in modules]
        if not present:
            continue
        for name in present:
            _write(API_DIR / f"{name}.rst", _module_page(modules[name], documented))
        index += [".. toctree::", "   :maxdepth: 1", f"   :caption: {title}", ""]
        index += [f"   gen_modules/api/{name}" for name in present] + [""]
    _write(DOCS / "gen_modules" / "api_toctree.rst.inc", "\n".join(index))


_write_api_pages()


def _skip_foreign_members(app, what, name, obj, skip, options):
    """Leave out members that classes inherit from scikit-learn, PyTorch or ``Exception``.

    The class template asks for inherited members, so that a method a public class inherits from
    a private base of this package (``_Forecaster.fit``) is documented on it; what comes from
    other packages (``get_params``, ``set_output``, ``torch.nn.Module.train``, ``args``) is theirs
    to document, and data attributes (dataclass fields) are described in the class docstring.
    """
    if what != "class" or skip:
        return skip
    target = obj.fget if isinstance(obj, property) else obj
    target = getattr(target, "__func__", target)
    owner = getattr(target, "__objclass__", None)
    module = (owner.__module__ if owner is not None else getattr(target, "__module__", None))
    if not (inspect.isroutine(target) or isinstance(obj, property)):
        return True
    return None if (module or "").startswith("nanowire_rc") else True


# -- Gallery ---------------------------------------------------------------------------------

# Examples that need an optional dependency are skipped when it is missing. The numbered
# examples come first, in order (from one neuron to networks, devices, forecasting, training
# and scale-out), then the integrations.
_OPTIONAL = {
    "plot_08_torch_rnn.py": "torch",
    "plot_09_dask_selection.py": "distributed",
    "plot_aeon_adapter.py": "aeon",
    "plot_reservoirpy_node.py": "reservoirpy",
}
_missing = [name for name, mod in _OPTIONAL.items() if importlib.util.find_spec(mod) is None]


sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": str(DOCS / "auto_examples"),
    "backreferences_dir": str(DOCS / "gen_modules" / "backreferences"),
    "doc_module": ("nanowire_rc",),
    "prefer_full_module": {r"^nanowire_rc"},
    "filename_pattern": r"/plot_",
    "ignore_pattern": r"__init__\.py" + "".join("|" + re.escape(n) for n in _missing),
    "within_subsection_order": "FileNameSortKey",
    "image_scrapers": ("matplotlib",),
    "remove_config_comments": True,
    "download_all_examples": False,
    "min_reported_time": 1,
    "reset_modules": ("matplotlib",),
    "plot_gallery": "True",
}

# The examples call plt.show(), which the non-interactive backend reports.
warnings.filterwarnings("ignore", category=UserWarning,
                        message=".*(non-interactive|FigureCanvasAgg).*")

# -- HTML ------------------------------------------------------------------------------------

html_theme = "pydata_sphinx_theme"
html_title = f"nanowire-rc {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
}
html_show_sourcelink = False


# Markup errors in docstrings whose objects are in tests/test_docstrings.py's PENDING set,
# patched here before numpydoc reads them so that the build stays warning-free:
# ``{"module.prefix.": [(old, new), ...]}``. Each entry is a no-op once its docstring is fixed;
# delete it then. Empty: every docstring is fixed at its source.
_PENDING_DOC_FIXES: dict[str, list[tuple[str, str]]] = {}


def _patch_pending_docstrings(app, what, name, obj, options, lines):
    for prefix, fixes in _PENDING_DOC_FIXES.items():
        if name == prefix or (prefix.endswith(".") and name.startswith(prefix)):
            for i, line in enumerate(lines):
                for old, new in fixes:
                    if old in line:
                        lines[i] = line = line.replace(old, new)


def _lookup(name: str):
    """The object a dotted name refers to (a module, then attributes), or None."""
    parts = name.split(".")
    for i in range(len(parts), 0, -1):
        module = sys.modules.get(".".join(parts[:i]))
        if module is None:
            continue
        obj = module
        for attr in parts[i:]:
            obj = getattr(obj, attr, None)
            if obj is None:
                return None
        return obj
    return None


def _resolve_reexports(app, env, node, contnode):
    """Link a name to where it is documented when it is written as a re-export.

    Objects are documented under the module that defines them, but docstrings and pages also
    name them as users import them (``nanowire_rc.calibrate``, ``run_nanowire`` in
    ``nanowire_rc.kernels``): resolve those to the defining module's name.
    """
    if node.get("refdomain") != "py" or node.get("reftype") == "mod":
        return None
    target = node["reftarget"].lstrip(".~")
    context = [node.get("py:module"), node.get("py:class")]
    prefixes = [""] + [f"{c}." for c in context if c]
    if node.get("py:module") and node.get("py:class"):
        prefixes.append(f"{node['py:module']}.{node['py:class']}.")
    for prefix in prefixes:
        obj = _lookup(prefix + target)
        obj = obj.fget if isinstance(obj, property) else obj
        module, qualname = getattr(obj, "__module__", None), getattr(obj, "__qualname__", None)
        if not (module and qualname and module.startswith("nanowire_rc")):
            continue
        canonical = f"{module}.{qualname}"
        if canonical == prefix + target:
            return None
        return env.get_domain("py").resolve_xref(env, node["refdoc"], app.builder, "obj",
                                                 canonical, node, contnode)
    return None


def setup(app):
    app.connect("autodoc-skip-member", _skip_foreign_members)
    app.connect("missing-reference", _resolve_reexports)
    app.connect("autodoc-process-docstring", _patch_pending_docstrings, priority=100)
