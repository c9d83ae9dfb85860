"""The classification datasets available offline: the two bundled sets and the UCR/UEA sets
shipped inside aeon's package data (needs the ``bench`` extra; nothing is downloaded)."""

from __future__ import annotations

from pathlib import Path

from nanowire_rc import load_ucr

BUNDLED = ("ECG5000", "SyntheticControl")
#: Classification sets in aeon 1.6's wheel (aeon/datasets/data), univariate and multivariate,
#: equal and unequal length.
AEON = ("ACSF1", "ArrowHead", "BasicMotions", "GunPoint", "ItalyPowerDemand", "JapaneseVowels",
        "OSULeaf", "PickupGestureWiimoteZ", "UnitTest")


def aeon_data_dir() -> Path:
    """Folder of the datasets inside aeon's installed package."""
    try:
        import aeon
    except ImportError:
        raise SystemExit('aeon is needed: pip install -e ".[bench]"') from None
    return Path(aeon.__file__).parent / "datasets" / "data"


def datasets(names=None) -> list[str]:
    """Every offline classification dataset name, or ``names`` checked against them."""
    every = list(BUNDLED + AEON)
    if not names:
        return every
    unknown = sorted(set(names) - set(every))
    if unknown:
        raise SystemExit(f"unknown dataset(s) {unknown}; offline ones: {every}")
    return list(names)


def load(name: str, split: str):
    """``(X, y)`` of one split of an offline dataset."""
    return load_ucr(name, split, None if name in BUNDLED else aeon_data_dir())
