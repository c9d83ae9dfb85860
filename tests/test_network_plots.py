"""Network pictures: the colours drawn are the simulated conductances and voltages, the
panels and the GIF animation are made."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from nanowire_rc.network import grid_network, random_sticks
from nanowire_rc.network.plots import (
    animate,
    conductance_map,
    plot_conductance,
    plot_maps,
    voltage_map,
)

T = np.arange(20) * 0.05


@pytest.fixture(scope="module")
def grid_result():
    return grid_network(5, 5).simulate(T, np.where(T < 0.5, 2.0, 0.01), source=5, ground=19,
                                       update="published", record_states=True)


def test_conductance_map_colours_are_the_junction_conductances_at_that_time(grid_result):
    ax = conductance_map(grid_result, at=0.42)  # nearest stamp: 0.4 s, index 8
    expected = grid_result.network.conductances(grid_result.states[8])
    np.testing.assert_array_equal(ax.collections[0].get_array(), expected)
    segments = ax.collections[0].get_segments()
    np.testing.assert_array_equal(segments[3], grid_result.network.positions[
        grid_result.network.edges[3]])
    plt.close("all")


def test_voltage_map_colours_are_the_node_voltages(grid_result):
    ax = voltage_map(grid_result, at=0.3)
    np.testing.assert_array_equal(ax.collections[0].get_array(), grid_result.node_voltages[6])
    plt.close("all")


def test_sticks_are_drawn_as_wires_with_junction_dots():
    net = random_sticks(60, random_state=0)
    res = net.simulate([0.0, 0.1], [1.0, 1.0], source=0, ground=net.n_nodes - 1,
                       record_states=True)
    ax = conductance_map(res, at=0.1)
    np.testing.assert_array_equal(ax.collections[0].get_offsets(), net.junction_positions)
    plt.close("all")


def test_panels_curve_and_gif(grid_result, tmp_path):
    fig = plot_maps(grid_result, [0.0, 0.5, 0.95], quantity="voltage")
    assert len(fig.axes) == 4
    ax = plot_conductance(grid_result, measured=grid_result.conductance)
    np.testing.assert_array_equal(ax.lines[1].get_ydata(), grid_result.conductance)
    out = animate(grid_result, tmp_path / "net.gif", frames=4)
    assert out.read_bytes()[:6] in (b"GIF89a", b"GIF87a")
    from PIL import Image

    with Image.open(out) as gif:
        assert gif.n_frames == 4
    plt.close("all")
