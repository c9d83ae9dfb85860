"""The network reservoir: pooled features against a plain loop over ``simulate``, the
scikit-learn contract (clone, parameters, pickling, pipelines, the model space), unequal lengths
and the echo-state evidence measured at fit."""

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.linear_model import RidgeClassifierCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from nanowire_rc import (
    ModelSpaceClassifier,
    NanowireParams,
    ReservoirClassifier,
    UnstableReservoirError,
)
from nanowire_rc.device import MILANO2021_RESERVOIR
from nanowire_rc.network import NetworkReservoir, grid_network, simulate

NET = grid_network(5, 5, params=MILANO2021_RESERVOIR)


def plain_features(res, series, lo, hi, n_windows):
    """Mean, last and window means of every reading, computed one series at a time."""
    rows = []
    for x in series:
        x = np.clip(np.asarray(x, dtype=float), lo, hi)
        u = (x - lo) / (hi - lo)  # min-max onto (0, 1)
        volts = res.voltage * np.outer(u, res.input_weights_[:, 0])
        out = simulate(NET, np.arange(u.size) * res.dt, volts, source=list(res.sources_),
                       ground=list(res.grounds_), read_nodes=res.read_nodes_)
        R = np.hstack([out.node_voltages, out.conductance])
        L = u.size
        windows = [R[[t for t in range(L) if t * n_windows // L == k]].mean(axis=0)
                   for k in range(n_windows)]
        rows.append(np.concatenate([R.mean(axis=0), R[-1], *windows]))
    return np.array(rows)


def test_pooled_features_equal_a_plain_loop_over_simulate_with_unequal_lengths():
    rng = np.random.default_rng(0)
    train = rng.normal(size=(3, 40))
    res = NetworkReservoir(network=NET, sources=[0, 12], grounds=[24], read_nodes=[3, 7, 18],
                           n_windows=4, stability="off", random_state=0).fit(train)
    test = [rng.normal(size=40), rng.normal(size=17) * 3, rng.normal(size=29)]
    ref = plain_features(res, test, train.min(), train.max(), 4)
    np.testing.assert_allclose(res.transform(test), ref, rtol=1e-12, atol=1e-15)
    assert res.n_features_out_ == ref.shape[1] == (3 + 2) * (2 + 4)
    # The same series alone gives the same features as in the ragged batch.
    np.testing.assert_allclose(res.transform(test[1][None]), ref[1:2], rtol=1e-12)


def test_echo_state_gap_is_measured_at_fit_and_a_network_that_remembers_is_refused():
    X = np.random.default_rng(1).random((3, 200))
    res = NetworkReservoir(network=NET, n_read=4, random_state=0).fit(X)
    assert 0 <= res.echo_state_gap_ < 1e-2
    gap = res.echo_state_gap(X, random_state=0)
    assert gap[-1] < 0.05 * gap[0]
    frozen = grid_network(5, 5, params=NanowireParams(1e-9, 1e-6, 1.0, 1.0))  # ~no relaxation
    with pytest.raises(UnstableReservoirError, match="echo-state"):
        NetworkReservoir(network=frozen, n_read=4, stability="raise", random_state=0).fit(X)
    with pytest.warns(UserWarning, match="echo-state"):
        NetworkReservoir(network=frozen, n_read=4, random_state=0).fit(X)


def test_scikit_learn_contract_clone_params_pickle_keyword_only():
    X = np.random.default_rng(2).random((4, 30))
    res = NetworkReservoir(network=NET, n_read=5, voltage=3.0, stability="off", random_state=7)
    params = res.get_params()
    assert params["voltage"] == 3.0 and params["network"] is NET
    twin = clone(res)
    assert twin.get_params()["n_read"] == 5 and twin.network is not NET
    a = res.fit(X).transform(X)
    np.testing.assert_array_equal(twin.fit(X).transform(X), a)  # same seed, same draws
    again = pickle.loads(pickle.dumps(res))
    np.testing.assert_array_equal(again.transform(X), a)
    with pytest.raises(TypeError):
        NetworkReservoir(NET)  # keyword-only
    seq = clone(res).set_params(random_state=np.random.SeedSequence(7))
    np.testing.assert_array_equal(seq.fit(X).transform(X), a)


def two_classes(n, rng):
    t = np.linspace(0, 4 * np.pi, 60)
    X = np.array([np.sin(t * (1 + k % 2)) + 0.1 * rng.normal(size=t.size) for k in range(n)])
    return X, np.arange(n) % 2


def test_usable_in_a_pipeline_and_in_the_model_space():
    rng = np.random.default_rng(3)
    X, y = two_classes(16, rng)
    Xt, yt = two_classes(10, rng)
    pipe = make_pipeline(NetworkReservoir(network=NET, n_read=8, random_state=0),
                         StandardScaler(), RidgeClassifierCV()).fit(X, y)
    assert pipe.score(Xt, yt) >= 0.9
    space = ModelSpaceClassifier(
        reservoir=NetworkReservoir(network=NET, n_read=8, random_state=0),
        n_components=4, random_state=0).fit(X, y)
    assert space.predict(Xt).shape == (10,)
    assert space.score(Xt, yt) >= 0.8


def test_the_composed_classifier_over_a_network_is_the_plain_pipeline():
    """``ReservoirClassifier`` takes the network reservoir as it takes the library's others:
    its readout is the pipeline's (standardisation, RidgeClassifierCV), its seed the network's
    draw."""
    rng = np.random.default_rng(3)
    X, y = two_classes(16, rng)
    Xt, yt = two_classes(10, rng)
    alphas = (0.1, 1.0, 10.0)
    pipe = make_pipeline(NetworkReservoir(network=NET, n_read=8, random_state=0),
                         StandardScaler(), RidgeClassifierCV(alphas=alphas)).fit(X, y)
    clf = ReservoirClassifier(NetworkReservoir(network=NET, n_read=8), alphas=alphas,
                              random_state=0).fit(X, y)
    assert isinstance(clf.reservoir_, NetworkReservoir) and clf.reservoir_.random_state == 0
    np.testing.assert_array_equal(clf.reservoir_.sources_, pipe[0].sources_)
    np.testing.assert_allclose(clf.decision_function(Xt), pipe.decision_function(Xt),
                               rtol=1e-6, atol=1e-9)
    np.testing.assert_array_equal(clf.predict(Xt), pipe.predict(Xt))
    assert clf.alpha_ == pipe[-1].alpha_ and clf.score(Xt, yt) >= 0.9
    again = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(again.decision_function(Xt), clf.decision_function(Xt))


def test_a_seed_sequence_gives_the_same_draws_at_every_fit():
    # spawning from the caller's SeedSequence would advance it: a second fit would draw anew
    X = np.random.default_rng(0).random((3, 30))
    seq = np.random.SeedSequence(1)
    res = NetworkReservoir(n_read=6, random_state=seq)
    first = res.fit(X).input_weights_.copy(), res.sources_.copy()
    second = res.fit(X).input_weights_, res.sources_
    assert all(np.array_equal(a, b) for a, b in zip(first, second, strict=True))
    same_int = NetworkReservoir(n_read=6, random_state=1).fit(X)
    assert np.array_equal(same_int.input_weights_, first[0])
    gaps = [res.echo_state_gap(X, random_state=np.random.SeedSequence(0)) for _ in range(2)]
    assert np.array_equal(gaps[0], gaps[1])
