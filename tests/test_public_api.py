"""The package root: a short list of the names most programs need; the rest in their modules."""

import importlib

import pytest

import nanowire_rc as nw


def test_the_root_exports_at_most_thirty_names_and_each_resolves():
    assert len(nw.__all__) <= 30
    assert len(set(nw.__all__)) == len(nw.__all__)
    for name in nw.__all__:
        assert getattr(nw, name) is not None
    assert set(nw.__all__) <= set(dir(nw))


@pytest.mark.parametrize("name", sorted(nw._MOVED))
def test_a_name_that_moved_says_where_it_lives(name):
    module = importlib.import_module(f"nanowire_rc.{nw._MOVED[name]}")
    assert hasattr(module, name)  # it lives there...
    assert name not in nw.__all__
    with pytest.raises(AttributeError, match=rf"nanowire_rc\.{nw._MOVED[name]}\.{name}"):
        getattr(nw, name)  # ...and the root says so


def test_an_unknown_name_is_an_ordinary_attribute_error():
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        nw.nope  # noqa: B018
    assert not hasattr(nw, "nope")
