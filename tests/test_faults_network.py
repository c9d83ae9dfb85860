"""Catalogue rows of physical networks (docs/errors.md, "Networks")."""

import warnings

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from test_faults import fault

import nanowire_rc as nw
from nanowire_rc.network import NetworkReservoir, fit_network, grid_network
from nanowire_rc.network.plots import animate, conductance_map


@fault("network-electrode-clash", "both a source and a ground")
def test_a_node_that_is_source_and_ground_is_refused():
    with pytest.raises(nw.exceptions.NetworkError, match="both a source and a ground") as info:
        grid_network(3, 3).simulate([0.0, 1.0], [1.0, 1.0], source=0, ground=0)
    assert isinstance(info.value, ValueError)


@fault("network-overflow", "VoltageOverflowError")
def test_a_drop_that_overflows_a_rate_is_refused_before_stepping():
    net = grid_network(3, 3, params=nw.NanowireParams(eta_p=50.0))
    with pytest.raises(nw.exceptions.VoltageOverflowError, match="overflows"):
        net.simulate([0.0, 1.0], [30.0, 30.0], source=0, ground=8)


@fault("network-states-not-recorded", "record_states=True")
def test_maps_and_junction_conductances_need_recorded_states():
    res = grid_network(3, 3).simulate([0.0, 1.0], [1.0, 1.0], source=0, ground=8)
    with pytest.raises(nw.exceptions.NetworkError, match="record_states=True"):
        conductance_map(res, at=0.0)
    with pytest.raises(nw.exceptions.NetworkError, match="record_states=True"):
        res.junction_conductances  # noqa: B018


@fault("network-animation-format", ".gif or .mp4")
def test_animation_to_an_unknown_format_is_refused(tmp_path):
    res = grid_network(3, 3).simulate([0.0, 1.0], [1.0, 1.0], source=0, ground=8,
                                      record_states=True)
    with pytest.raises(nw.exceptions.NetworkError, match=r"\.gif or \.mp4"):
        animate(res, tmp_path / "net.png")
    assert not (tmp_path / "net.png").exists()


@fault("network-reservoir-no-echo", "StabilityWarning")
def test_a_network_that_remembers_its_start_warns_or_raises_and_keeps_the_old_fit():
    X = np.random.default_rng(0).random((2, 60))
    frozen = grid_network(4, 4, params=nw.NanowireParams(1e-9, 1e-6, 1.0, 1.0))
    with pytest.warns(nw.StabilityWarning, match="no empirical echo-state evidence"):
        NetworkReservoir(network=frozen, n_read=3, random_state=0).fit(X)
    res = NetworkReservoir(n_read=3, random_state=0).fit(X)
    before = res.transform(X)
    res.set_params(network=frozen, stability="raise")
    with pytest.raises(nw.UnstableReservoirError):
        res.fit(X)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(res.transform(X), before)


@fault("network-bad-trace", "strictly increasing")
def test_a_trace_that_is_not_one_is_refused():
    net = grid_network(3, 3)
    for t, g, match in (([0.0, 2.0, 1.0], [1.0, 1.0, 1.0], "strictly increasing"),
                        ([0.0, 1.0, 2.0], [1.0, np.nan, 1.0], "NaN"),
                        ([0.0, 1.0, 2.0], [1.0, 0.0, 1.0], "> 0")):
        with pytest.raises(nw.exceptions.NetworkError, match=match):
            fit_network(t, [1.0, 1.0, 1.0], g, network=net, source=0, ground=8)
