"""Docstrings of presets: the sections their base class documents, written once there."""

from __future__ import annotations

import re

_SECTION = re.compile(r"^    (Parameters|Attributes|Raises|Examples)\n    -+\n", re.MULTILINE)


def with_parameters_of(source: type):
    """Class decorator: insert ``source``'s Parameters section before the class's first
    section (the parameters it shares with ``source``, described once there)."""
    def decorate(cls: type) -> type:
        starts = {m.group(1): m.start() for m in _SECTION.finditer(source.__doc__)}
        after = [at for name, at in starts.items() if at > starts["Parameters"]]
        shared = source.__doc__[starts["Parameters"]:min(after)]
        at = _SECTION.search(cls.__doc__).start()
        cls.__doc__ = cls.__doc__[:at] + shared + cls.__doc__[at:]
        return cls
    return decorate


def preset(cls: type) -> type:
    """Class decorator for a preset (a subclass that only changes a default): insert the
    Parameters, Attributes and Raises sections of its base class before its own Examples."""
    base = cls.__mro__[1].__doc__
    starts = {m.group(1): m.start() for m in _SECTION.finditer(base)}
    shared = base[starts["Parameters"]:starts["Examples"]]
    own = cls.__doc__
    at = _SECTION.search(own).start()  # its Examples
    cls.__doc__ = own[:at] + shared + own[at:]
    return cls
