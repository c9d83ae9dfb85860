"""Physical nanowire networks: closed forms, dense references, the exact junction update, the
published networks' generators and an independent re-implementation of Milano et al.'s Fig. 2
protocol."""

import math
import random

import numpy as np
import pytest
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from scipy.sparse.csgraph import connected_components

from nanowire_rc import Device, NanowireParams
from nanowire_rc.exceptions import NanowireRCError, NetworkError, VoltageOverflowError
from nanowire_rc.network import (
    MILANO2021_FIG2,
    MILANO2021_FIG2_WINDOW,
    Circuit,
    NanowireNetwork,
    grid_network,
    random_sticks,
    simulate,
)
from nanowire_rc.network.graphs import stick_crossings

TABLE2 = NanowireParams()


# -- references written here ------------------------------------------------------------------

def dense_solve(edges, n, G, driven, v_driven):
    """Node voltages from ``np.linalg.solve`` on the full Laplacian with Dirichlet rows."""
    L = np.zeros((n, n))
    for (i, j), g in zip(edges, G, strict=True):
        L[i, i] += g
        L[j, j] += g
        L[i, j] -= g
        L[j, i] -= g
    A, b = L.copy(), np.zeros(n)
    for d, v in zip(driven, v_driven, strict=True):
        A[d] = 0.0
        A[d, d] = 1.0
        b[d] = v
    return np.linalg.solve(A, b), L


def rel(a, b):
    return np.max(np.abs(a - b)) / np.max(np.abs(b))


def two_node(params=TABLE2, h0=0.0):
    return NanowireNetwork(2, [(0, 1)], params=params, g_min=1.0, g_max=2.0, h0=h0)


# -- closed forms -----------------------------------------------------------------------------

def test_series_resistors_divide_the_voltage():
    g = np.array([1.0, 2.0, 4.0, 0.5])
    net = NanowireNetwork.from_edges([(0, 1), (1, 2), (2, 3), (3, 4)], g_min=0.1, g_max=1.0)
    c = net.circuit(source=0, ground=4)
    g_eq = 1.0 / np.sum(1.0 / g)
    assert c.conductance(g)[0] == pytest.approx(g_eq, rel=1e-14)
    v = c.solve(g, [3.0])
    drops = 3.0 * g_eq / g  # the same current through each
    np.testing.assert_allclose(-np.diff(v), drops, rtol=1e-13)
    np.testing.assert_allclose(c.currents(g, v), [3.0 * g_eq, -3.0 * g_eq], rtol=1e-13)


def test_parallel_junctions_add_up():
    g = np.array([1.0, 2.5, 0.25])
    net = NanowireNetwork.from_edges([(0, 1)] * 3, g_min=0.1, g_max=3.0)
    assert net.circuit(0, 1).conductance(g)[0] == pytest.approx(g.sum(), rel=1e-14)


def test_r_2r_ladder_halves_the_voltage_at_every_node():
    # Series R between nodes k and k+1, 2R from nodes 1..N to ground, 2R terminating node N:
    # every node from 1 on looks like R to ground, so v_k = V / 2^k and the input sees 2R.
    N, R = 8, 2.0
    ground = N + 1
    edges = [(k, k + 1) for k in range(N)] + [(k, ground) for k in range(1, N + 1)] \
        + [(N, ground)]
    g = np.array([1 / R] * N + [1 / (2 * R)] * N + [1 / (2 * R)])
    net = NanowireNetwork.from_edges(edges, g_min=0.01, g_max=1.0)
    c = net.circuit(source=0, ground=ground)
    v = c.solve(g, [1.0])
    np.testing.assert_allclose(v[: N + 1], 0.5 ** np.arange(N + 1), rtol=1e-13)
    assert c.conductance(g)[0] == pytest.approx(1 / (2 * R), rel=1e-13)


def wheatstone(R):
    """Equivalent resistance of the bridge R1: A-B, R2: B-C, R3: A-D, R4: D-C, R5: B-D
    (R5 -> inf: (R1 + R2) || (R3 + R4); R5 -> 0: R1 || R3 + R2 || R4)."""
    R1, R2, R3, R4, R5 = R
    num = R1 * R2 * (R3 + R4) + R3 * R4 * (R1 + R2) + R5 * (R1 + R2) * (R3 + R4)
    den = (R1 + R3) * (R2 + R4) + R5 * (R1 + R2 + R3 + R4)
    return num / den


@pytest.mark.parametrize("R", [(1.0, 2.0, 3.0, 4.0, 5.0), (2.0, 4.0, 3.0, 6.0, 0.7)])
def test_wheatstone_bridge(R):
    A, B, C, D = 0, 1, 2, 3
    net = NanowireNetwork.from_edges([(A, B), (B, C), (A, D), (D, C), (B, D)], g_min=0.01,
                                     g_max=10.0)
    c = net.circuit(source=A, ground=C)
    g = 1.0 / np.array(R)
    assert c.conductance(g)[0] == pytest.approx(1.0 / wheatstone(R), rel=1e-13)
    v = c.solve(g, [1.0])
    if R[0] / R[1] == R[2] / R[3]:  # balanced: no current through the bridge arm
        assert v[B] == pytest.approx(v[D], rel=1e-14)


# -- dense references -------------------------------------------------------------------------

def random_graph(rng, n=60, extra=90, island=6):
    """A connected random graph plus a floating island (a path) of ``island`` nodes."""
    edges = [(k, int(rng.integers(0, k))) for k in range(1, n)]  # a random tree
    edges += [tuple(int(x) for x in rng.choice(n, 2, replace=False)) for _ in range(extra)]
    edges += [(n + k, n + k + 1) for k in range(island - 1)]
    return NanowireNetwork.from_edges(edges, n_nodes=n + island, g_min=1e-3, g_max=5e-3,
                                      h0=rng.uniform(size=len(edges)))


@pytest.mark.parametrize("seed", range(4))
def test_solves_equal_a_dense_reference_with_several_electrodes_and_an_island(seed):
    rng = np.random.default_rng(seed)
    net = random_graph(rng)
    sources, grounds = [3, 17, 29], [0, 41]
    c = net.circuit(source=sources, ground=grounds)
    G = net.conductances(rng.uniform(size=(2, net.n_junctions)))  # a batch of two
    vs = rng.uniform(-2, 2, size=(2, 3))
    v = c.solve(G, vs)
    island = np.arange(60, 66)
    np.testing.assert_array_equal(c.floating, island)
    assert np.all(np.isnan(v[:, island]))
    keep = np.arange(60)
    edges = [e for e in net.edges.tolist() if e[0] < 60]
    k_cond = c.conductance(G)
    for b in range(2):
        ref, L = dense_solve(edges, 60, G[b][: len(edges)], sources + grounds,
                             [*vs[b], 0.0, 0.0])
        assert rel(v[b, keep], ref) < 1e-10
        currents = L @ ref
        assert rel(c.currents(G[b], v[b]), currents[sources + grounds]) < 1e-10
        # Schur complement onto the electrodes: the conductance each source sees alone.
        D = sources + grounds
        F = np.setdiff1d(keep, D)
        K = L[np.ix_(D, D)] - L[np.ix_(D, F)] @ np.linalg.solve(L[np.ix_(F, F)],
                                                                 L[np.ix_(F, D)])
        assert rel(k_cond[b], np.diag(K)[:3]) < 1e-10


@pytest.mark.parametrize("solver", ["cholesky", "pcg"])
def test_every_step_of_a_simulation_equals_a_dense_solve(solver):
    net = random_sticks(300, random_state=1, params=TABLE2, g_min=1e-3, g_max=1e-2)
    src, gnd = int(np.argmin(net.positions[:, 0])), int(np.argmax(net.positions[:, 0]))
    t = np.arange(60) * 0.05
    v = 1.0 + 0.5 * np.sin(t)
    res = net.simulate(t, v, source=src, ground=gnd, solver=solver, record_states=True)
    assert res.solver == solver
    if solver == "pcg":  # the stale-factor path really ran, and renewed its factor
        assert res.iterations > 0 and 1 < res.factorisations < t.size
    for k in range(0, t.size, 7):
        ref, _ = dense_solve(net.edges, net.n_nodes, net.conductances(res.states[k]),
                             [src, gnd], [v[k], 0.0])
        assert rel(res.node_voltages[k], ref) < 1e-10


def test_one_source_conductance_is_source_current_over_voltage():
    net = grid_network(6, 5, h0=0.3)
    t = np.arange(20) * 0.1
    v = np.linspace(0.5, 2.0, 20)
    res = net.simulate(t, v, source=7, ground=22, update="published")
    np.testing.assert_allclose(res.conductance, res.currents[:, 0] / v, rtol=1e-12)
    np.testing.assert_allclose(res.currents.sum(axis=-1), 0.0, atol=1e-12 * res.currents.max())


# -- the junction update ----------------------------------------------------------------------

def test_exact_update_equals_the_closed_form_single_junction_solution():
    # One junction between a source at V and ground: its drop is V at every step, so
    # h(t) = h* + (h0 - h*) exp(-S (t - t0)) whatever the (uneven) steps.
    V, h0 = 0.8, 0.1
    t = np.cumsum(np.r_[0.0, np.random.default_rng(0).uniform(0.01, 0.3, 40)])
    res = two_node(h0=h0).simulate(t, np.full(t.size, V), source=0, ground=1,
                                   record_states=True)
    k_p, k_d = TABLE2.kappa_p0 * math.exp(TABLE2.eta_p * V), TABLE2.kappa_d0 * math.exp(
        -TABLE2.eta_d * V)
    h_star, S = k_p / (k_p + k_d), k_p + k_d
    closed = h_star + (h0 - h_star) * np.exp(-S * (t - t[0]))
    np.testing.assert_allclose(res.states[:, 0], closed, rtol=1e-12)
    g = 1.0 + closed  # g_min = 1, g_max = 2
    np.testing.assert_allclose(res.conductance, g, rtol=1e-12)


def test_published_update_differs_from_exact_by_h_star_one_minus_h_decay():
    V, h0, dt = 0.6, 0.35, 0.2
    t = np.array([0.0, dt])
    out = {u: two_node(h0=h0).simulate(t, [V, V], source=0, ground=1, update=u,
                                       record_states=True).states[1, 0]
           for u in ("exact", "published")}
    k_p, k_d = TABLE2.kappa_p0 * math.exp(TABLE2.eta_p * V), TABLE2.kappa_d0 * math.exp(
        -TABLE2.eta_d * V)
    h_star, decay = k_p / (k_p + k_d), math.exp(-(k_p + k_d) * dt)
    assert out["published"] == pytest.approx(h_star * (1 + (k_d / k_p) * h0 * decay), rel=1e-13)
    assert out["published"] - out["exact"] == pytest.approx(h_star * (1 - h0) * decay,
                                                            rel=1e-11)


# -- generators -------------------------------------------------------------------------------

def published_grid_edges(rows=21, cols=21, seed=2):
    """Milano et al.'s recipe with networkx: grid_graph, one diagonal per cell, integers."""
    nx = pytest.importorskip("networkx")
    g = nx.grid_graph(dim=[rows, cols])
    random.seed(seed)
    for r in range(rows - 1):
        for c in range(cols - 1):
            if random.randint(0, 1) == 0:
                g.add_edge((c, r), (c + 1, r + 1))
            else:
                g.add_edge((c + 1, r), (c, r + 1))
    return nx.convert_node_labels_to_integers(g, first_label=0, ordering="default",
                                             label_attribute="pos")


def test_grid_network_reproduces_milano_et_al_fig2_network():
    state = random.getstate()
    net = grid_network()
    assert random.getstate() == state  # the global generator is left as it was
    assert (net.n_nodes, net.n_junctions) == (441, 1240)
    ref = published_grid_edges()
    assert {tuple(sorted(e)) for e in net.edges.tolist()} == \
        {tuple(sorted(e)) for e in ref.edges()}
    np.testing.assert_array_equal(net.positions[31], [1, 10])  # the source electrode
    np.testing.assert_array_equal(net.positions[409], [19, 10])  # the ground electrode
    # Without networkx: the first draw picks the diagonal of the cell at (0, 0), the second
    # that of the cell at (1, 0) (k = 21 x + y).
    random.seed(2)
    first, second = random.randint(0, 1), random.randint(0, 1)
    random.setstate(state)
    edges = {tuple(sorted(e)) for e in net.edges.tolist()}
    assert ((0, 22) if first == 0 else (1, 21)) in edges
    assert ((21, 43) if second == 0 else (22, 42)) in edges


def test_from_networkx_keeps_numbering_labels_and_positions():
    nx = pytest.importorskip("networkx")
    g = published_grid_edges(5, 4)
    net = NanowireNetwork.from_networkx(g)
    assert net.node_labels is None and net.n_junctions == g.number_of_edges()
    np.testing.assert_array_equal(net.positions[7], g.nodes[7]["pos"])
    named = NanowireNetwork.from_networkx(nx.relabel_nodes(nx.path_graph(3), {0: "a", 1: "b",
                                                                               2: "c"}))
    assert named.node_labels == ("a", "b", "c")
    assert named.node_index(["c", "a"]).tolist() == [2, 0]
    with pytest.raises(NetworkError, match="not a node label"):
        named.node_index("z")
    with pytest.raises(NetworkError, match="directed"):
        NanowireNetwork.from_networkx(nx.DiGraph([(0, 1)]))


def brute_force_crossings(wires):
    """Every crossing pair by solving p1 + s (p2 - p1) = q1 + u (q2 - q1) for all pairs."""
    out = {}
    for i in range(len(wires)):
        for j in range(i + 1, len(wires)):
            p1, p2 = wires[i]
            q1, q2 = wires[j]
            M = np.column_stack([p2 - p1, q1 - q2])
            if abs(np.linalg.det(M)) < 1e-15:
                continue
            s, u = np.linalg.solve(M, q1 - p1)
            if 0 < s < 1 and 0 < u < 1:
                out[(i, j)] = p1 + s * (p2 - p1)
    return out


def test_random_sticks_junctions_are_exactly_the_segment_crossings():
    net = random_sticks(150, length=1.0, length_std=0.4, random_state=3,
                        largest_component=False)
    expected = brute_force_crossings(net.wires)
    found = {tuple(e): p
             for e, p in zip(net.edges.tolist(), net.junction_positions, strict=True)}
    assert set(found) == set(expected) and len(found) == net.n_junctions
    for key, point in found.items():
        np.testing.assert_allclose(point, expected[key], atol=1e-12)


def test_random_sticks_keeps_the_largest_component_and_is_seeded():
    full = random_sticks(400, box=9.0, random_state=5, largest_component=False)
    labels = connected_components(
        sp.coo_matrix((np.ones(full.n_junctions), full.edges.T), (400, 400)), directed=False)[1]
    biggest = np.bincount(labels).max()
    net = random_sticks(400, box=9.0, random_state=5)
    assert net.n_nodes == biggest < 400
    assert np.all(net.components() == 0)
    kept = np.flatnonzero(labels == np.argmax(np.bincount(labels)))
    np.testing.assert_array_equal(net.wires, full.wires[kept])
    again = random_sticks(400, box=9.0, random_state=5)
    np.testing.assert_array_equal(again.edges, net.edges)
    np.testing.assert_array_equal(again.wires, net.wires)
    assert not np.array_equal(random_sticks(400, box=9.0, random_state=6).wires[:5],
                              net.wires[:5])


def test_stick_crossings_needs_no_all_pairs_work_for_large_boxes():
    # Wires far apart in a large box fall in different cells: no pair is even a candidate.
    w = np.array([[[10.0 * k, 0.0], [10.0 * k + 1, 1.0]] for k in range(50)])
    pairs, points = stick_crossings(w, cell=1.5)
    assert pairs.shape == (0, 2) and points.shape == (0, 2)


# -- Milano et al.'s Fig. 2 protocol, re-implemented plainly ----------------------------------

FIG2 = {"kp0": 8.422409820914783e-10, "kd0": 0.048697579017353006,
        "eta_p": 0.19999370301178968, "eta_d": 158.02444821482402,
        "g_min": 0.001123825331225794, "g_max": 0.0030515679724941363}


def plain_fig2(edges, n, t, v, src, gnd, update):
    """spsolve per step and a plain loop of the junction update, from the equations."""
    edges = np.asarray(edges)
    m = len(edges)
    h = np.zeros(m)
    free = np.setdiff1d(np.arange(n), [src, gnd])
    cond, energy, volts = [], [], np.zeros(n)
    G = np.zeros(m)
    for k in range(len(t)):
        if k:
            dt = t[k] - t[k - 1]
            dv = np.abs(volts[edges[:, 0]] - volts[edges[:, 1]])
            energy.append(dt * np.sum(G * dv**2))
            for e in range(m):
                kp = FIG2["kp0"] * math.exp(FIG2["eta_p"] * dv[e])
                kd = FIG2["kd0"] * math.exp(-FIG2["eta_d"] * dv[e])
                hs, decay = kp / (kp + kd), math.exp(-(kp + kd) * dt)
                if update == "exact":
                    h[e] = hs + (h[e] - hs) * decay
                else:
                    h[e] = hs * (1 + kd / kp * h[e] * decay)
        else:
            energy.append(0.0)
        G = FIG2["g_min"] + (FIG2["g_max"] - FIG2["g_min"]) * h
        i, j = edges[:, 0], edges[:, 1]
        L = sp.coo_matrix((np.r_[G, G, -G, -G], (np.r_[i, j, i, j], np.r_[i, j, j, i])),
                          (n, n)).tocsr()
        volts = np.zeros(n)
        volts[src] = v[k]
        volts[free] = spla.spsolve(L[free][:, free].tocsc(), -L[free][:, [src]] @ [v[k]])
        at = (i == src) | (j == src)
        current = np.sum(G[at] * np.where(i[at] == src, 1, -1) * (volts[i[at]] - volts[j[at]]))
        cond.append(current / v[k])
    return np.array(cond), np.array(energy)


@pytest.mark.parametrize("update", ["exact", "published"])
def test_fig2_network_pulse_then_read_equals_an_independent_sparse_solve(update):
    graph = published_grid_edges()
    params = NanowireParams(FIG2["kp0"], FIG2["kd0"], FIG2["eta_p"], FIG2["eta_d"])
    assert params == MILANO2021_FIG2 and (FIG2["g_min"], FIG2["g_max"]) == MILANO2021_FIG2_WINDOW
    net = NanowireNetwork.from_networkx(graph, params=params, g_min=FIG2["g_min"],
                                        g_max=FIG2["g_max"], h0=0.0)
    t = np.arange(60) * 0.05
    v = np.where(t < 1.5, 2.0, 0.01)  # a 2 V pulse, then a 10 mV read
    res = simulate(net, t, v, source=31, ground=409, update=update)
    cond, energy = plain_fig2(list(graph.edges()), 441, t, v, 31, 409, update)
    np.testing.assert_allclose(res.conductance, cond, rtol=1e-9)
    np.testing.assert_allclose(res.energy, energy, rtol=1e-9, atol=0)
    assert res.total_energy == pytest.approx(energy.sum(), rel=1e-9)
    if update == "published":  # the pulse potentiates the network, the read keeps it
        assert cond[29] > 1.5 * cond[0]


def test_energy_is_the_electrical_power_times_the_step():
    # Tellegen: sum_e G_e dV_e^2 equals sum over electrodes of I_d v_d at the same instant.
    net = random_graph(np.random.default_rng(7))
    t = np.array([0.0, 0.1, 0.25, 0.3])
    v = np.array([[1.0, -0.5], [0.7, 0.2], [1.2, 0.0], [0.3, 0.3]])
    res = net.simulate(t, v, source=[5, 9], ground=[0], update="published")
    power = np.sum(res.currents[:, :2] * v, axis=1)
    np.testing.assert_allclose(res.energy[1:], power[:-1] * np.diff(t), rtol=1e-10)
    assert res.energy[0] == 0.0


# -- batches, islands, variability ------------------------------------------------------------

def test_a_batch_gives_the_same_bits_as_each_series_alone():
    net = grid_network(8, 8, h0=0.2)
    t = np.arange(30) * 0.1
    rng = np.random.default_rng(1)
    V = rng.uniform(0, 2, size=(3, 30, 2))
    batch = net.simulate(t, V, source=[3, 12], ground=[60], update="published",
                         record_states=True)
    assert batch.conductance.shape == (3, 30, 2) and batch.total_energy.shape == (3,)
    for b in range(3):
        alone = net.simulate(t, V[b], source=[3, 12], ground=[60], update="published",
                             record_states=True)
        np.testing.assert_array_equal(batch.node_voltages[b], alone.node_voltages)
        np.testing.assert_array_equal(batch.states[b], alone.states)


def test_island_nodes_read_nan_and_their_junctions_relax_at_zero_volts():
    net = NanowireNetwork.from_edges([(0, 1), (1, 2), (3, 4)], params=TABLE2, g_min=1.0,
                                     g_max=2.0, h0=0.5)
    t = np.arange(10) * 0.3
    res = net.simulate(t, np.ones(10), source=0, ground=2, record_states=True)
    assert np.all(np.isnan(res.node_voltages[:, 3:])) and not np.any(np.isnan(
        res.node_voltages[:, :3]))
    h_star = TABLE2.kappa_p0 / (TABLE2.kappa_p0 + TABLE2.kappa_d0)  # at 0 V
    closed = h_star + (0.5 - h_star) * np.exp(-(TABLE2.kappa_p0 + TABLE2.kappa_d0) * t)
    np.testing.assert_allclose(res.states[:, 2], closed, rtol=1e-12)


def test_device_variability_draws_per_junction_constants_used_in_the_update():
    net = grid_network(4, 4, params=TABLE2, g_min=1.0, g_max=2.0,
                       device=Device(variability=0.2), random_state=0)
    c = net.constants
    assert np.unique(c.eta_p).size == net.n_junctions and np.unique(c.g_max).size > 1
    # Junction 0 joins node 0 (the source) and node 4; with a source of 1 V and every other
    # node grounded, its drop is 1 V.
    t = np.array([0.0, 0.4])
    res = net.simulate(t, [1.0, 1.0], source=0, ground=list(range(1, 16)), record_states=True)
    kp, kd = c.kappa_p0[0] * math.exp(c.eta_p[0]), c.kappa_d0[0] * math.exp(-c.eta_d[0])
    hs = kp / (kp + kd)
    assert res.states[1, 0] == pytest.approx(hs * (1 - math.exp(-(kp + kd) * 0.4)), rel=1e-12)
    again = grid_network(4, 4, params=TABLE2, g_min=1.0, g_max=2.0,
                         device=Device(variability=0.2), random_state=0)
    np.testing.assert_array_equal(again.constants.kappa_p0, c.kappa_p0)


# -- bad input --------------------------------------------------------------------------------

@pytest.mark.parametrize("call, match", [
    (lambda n: n.simulate([0, 1], [1, 1], source=0, ground=0), "both a source and a ground"),
    (lambda n: n.simulate([0, 1], [1, 1], source=0, ground=99), "outside"),
    (lambda n: n.simulate([0, 0], [1, 1], source=0, ground=8), "strictly increasing"),
    (lambda n: n.simulate([0, 1], [1, 1, 1], source=0, ground=8), "2 time stamps"),
    (lambda n: n.simulate([0, 1], [[1, 1]], source=[0, 1], ground=8), "2 time stamps"),
    (lambda n: n.simulate([0, 1], [1, np.nan], source=0, ground=8), "NaN"),
    (lambda n: n.simulate([0, 1], [1, 1], source=0, ground=8, update="euler"), "update"),
    (lambda n: n.simulate([0, 1], [1, 1], source=0, ground=8, solver="lu"), "solver"),
    (lambda n: n.simulate([0, 1], [1, 1], source=0, ground=8, n_jobs=0), "n_jobs"),
    (lambda n: n.simulate([0, 1], [1, 1], source=0, ground=8, h0=1.5), r"\[0, 1\]"),
    (lambda n: NanowireNetwork(3, [(0, 1), (2, 2)]), "itself"),
    (lambda n: NanowireNetwork(3, [(0, 1)], g_min=2.0, g_max=1.0), "g_min < g_max"),
    (lambda n: NanowireNetwork(3, [(0, 1)], g_min=0.0), "g_min"),
    (lambda n: NanowireNetwork(3, [(0, 5)]), "outside"),
    (lambda n: NanowireNetwork(3, [(0, 1)], device=Device(read_noise=0.1)), "variability"),
    (lambda n: random_sticks(3, box=1000.0, random_state=0), "no two"),
])
def test_bad_input_raises_network_error_saying_what_to_do(call, match):
    net = grid_network(3, 3)
    with pytest.raises(NetworkError, match=match) as info:
        call(net)
    assert isinstance(info.value, (NanowireRCError, ValueError))


def test_a_drop_that_overflows_a_rate_raises_before_stepping():
    with pytest.raises(VoltageOverflowError):
        two_node().simulate([0.0, 1.0], [100.0, 100.0], source=0, ground=1)


def test_circuit_is_built_once_per_electrode_set():
    net = grid_network(5, 5)
    net.simulate([0.0, 0.1], [1.0, 1.0], source=0, ground=24)
    net.simulate([0.0, 0.1], [2.0, 2.0], source=0, ground=24)
    assert len(net._circuits) == 1
    assert isinstance(next(iter(net._circuits.values())), Circuit)


def test_benchmark_quick_mode_runs():
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_network.py"
    out = subprocess.run([sys.executable, str(script), "--quick"], capture_output=True,
                         text=True, timeout=120, check=True).stdout
    assert "Fig. 2 network" in out and "steps/s" in out and "spsolve" in out


def test_grid_order_x_outer_draws_the_cells_column_by_column():
    state = random.getstate()
    random.seed(2)
    first, second = random.randint(0, 1), random.randint(0, 1)
    random.setstate(state)
    edges = {tuple(sorted(e)) for e in grid_network(order="x-outer").edges.tolist()}
    assert ((0, 22) if first == 0 else (1, 21)) in edges  # cell (0, 0)
    assert ((1, 23) if second == 0 else (2, 22)) in edges  # then cell (0, 1): y inner
    default = {tuple(sorted(e)) for e in grid_network().edges.tolist()}
    assert default != edges and len(default) == len(edges) == 1240
    with pytest.raises(NetworkError, match="order"):
        grid_network(order="diagonal")


def test_with_constants_shares_the_circuits_and_changes_only_the_constants():
    net = grid_network(5, 5)
    net.simulate([0.0, 0.1], [1.0, 1.0], source=0, ground=24)
    other = net.with_constants(TABLE2, g_min=1.0, g_max=2.0, h0=0.5)
    assert other._circuits is net._circuits
    np.testing.assert_array_equal(other.edges, net.edges)
    np.testing.assert_array_equal(other.conductances(), np.full(net.n_junctions, 1.5))
    res = other.simulate([0.0, 0.1], [1.0, 1.0], source=0, ground=24)
    fresh = NanowireNetwork.from_edges(net.edges, params=TABLE2, g_min=1.0, g_max=2.0, h0=0.5)
    np.testing.assert_array_equal(
        res.conductance, fresh.simulate([0.0, 0.1], [1.0, 1.0], source=0, ground=24).conductance)
