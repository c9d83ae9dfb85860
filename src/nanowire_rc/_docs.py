"""Docstring text written once: shared blocks filled into docstrings, and presets' sections
taken from their base class."""

from __future__ import annotations

import re
import textwrap

_SECTION = re.compile(r"^    (Parameters|Attributes|Raises|Examples)\n    -+\n", re.MULTILINE)


def fill(**blocks: str):
    """Decorator: each docstring line that is only ``{name}`` becomes ``blocks[name]``, indented
    as that line was (parameter descriptions and sections that several functions share); such a
    line left without a block is an error."""
    def decorate(obj):
        if obj.__doc__ is None:  # python -OO strips docstrings
            return obj
        for name, text in blocks.items():
            obj.__doc__ = re.sub(rf"(?m)^( *){{{name}}}\n",
                                 lambda m, text=text: textwrap.indent(text, m.group(1)),
                                 obj.__doc__)
        left = re.search(r"(?m)^ *(\{\w+\})$", obj.__doc__)
        if left:
            raise ValueError(f"{obj.__qualname__}'s docstring has {left[1]}, a block not given")
        return obj
    return decorate


def _span(doc: str | None, first: str, end: str | None = None) -> str | None:
    """The text of ``doc`` from section ``first`` to section ``end`` (None: the next one)."""
    if doc is None:
        return None
    starts = {m.group(1): m.start() for m in _SECTION.finditer(doc)}
    stop = starts[end] if end else min(at for at in starts.values() if at > starts[first])
    return doc[starts[first]:stop]


def _insert(cls: type, text: str | None) -> type:
    """``cls`` with ``text`` inserted before the first section of its docstring."""
    if cls.__doc__ is None or text is None:  # python -OO strips docstrings
        return cls
    at = _SECTION.search(cls.__doc__).start()
    cls.__doc__ = cls.__doc__[:at] + text + cls.__doc__[at:]
    return cls


def with_parameters_of(source: type):
    """Class decorator: insert ``source``'s Parameters section before the class's first
    section (the parameters it shares with ``source``, described once there)."""
    return lambda cls: _insert(cls, _span(source.__doc__, "Parameters"))


def preset(make=None, /, *args, **settings):
    """Class decorator for a preset (a subclass that only changes the default reservoir): its
    ``_default_reservoir`` becomes ``make(*args, **settings)`` (the base class's when ``make``
    is None), and the Parameters, Attributes and Raises sections of its base class are inserted
    before its own Examples."""
    def decorate(cls: type) -> type:
        if make is not None:
            cls._default_reservoir = staticmethod(lambda: make(*args, **settings))
        return _insert(cls, _span(cls.__mro__[1].__doc__, "Parameters", "Examples"))
    return decorate
