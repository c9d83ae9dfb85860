"""Model selection: the dual ridge scores against scikit-learn, pruning, determinism."""

import numpy as np
import pytest
from sklearn.linear_model import RidgeClassifier
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import nanowire_rc as nw
from nanowire_rc import readout as R
from nanowire_rc import selection as S
from nanowire_rc.experiments import grids as G
from nanowire_rc.reservoirs import _pooled_features


@pytest.mark.parametrize("n_classes", [2, 4])
def test_block_gram_scores_equal_sklearn_ridge(n_classes):
    rng = np.random.default_rng(n_classes)
    n, y = 90, rng.integers(0, n_classes, 90)
    blocks = {"mean": rng.normal(size=(n, 7)) + y[:, None] * 0.3,
              "last": rng.normal(size=(n, 5)),
              "windows": rng.normal(size=(n, 40)) + y[:, None] * 0.1}
    train, val = S._validation_split(y, 0.3, seed=1)
    alphas = (1e-3, 0.1, 10.0, 1e3)
    scores = R.score_representations(blocks, y, [(train, val)], S.REPRESENTATIONS, alphas)
    for rep in S.REPRESENTATIONS:
        F = np.hstack([blocks[b] for b in rep.split("+")])
        grid, acc, mse = scores[rep]
        np.testing.assert_array_equal(grid, alphas)
        for i, a in enumerate(alphas):
            clf = make_pipeline(StandardScaler(), RidgeClassifier(alpha=a)).fit(F[train],
                                                                               y[train])
            assert acc[i] == pytest.approx(clf.score(F[val], y[val]), abs=1e-12), (rep, a)
            decision = clf.decision_function(F[val])
            codes = np.where(y[val][:, None] == clf.classes_[None, :], 1.0, -1.0)
            if decision.ndim == 1:
                codes = codes[:, 1]
            assert mse[i] == pytest.approx(np.mean((decision - codes) ** 2), rel=1e-9)


@pytest.mark.parametrize("labels", ["binary", "five", "strings", "unseen"])
def test_fold_codes_are_the_label_binarizers(labels):
    from sklearn.preprocessing import LabelBinarizer

    rng = np.random.default_rng(3)
    y = {"binary": rng.integers(0, 2, 50), "five": rng.integers(0, 5, 50),
         "strings": np.array(list("abcab" * 10)),
         "unseen": np.r_[rng.integers(0, 3, 45), [7] * 5]}[labels]
    train, val = np.arange(40), np.arange(40, 50)
    lb = LabelBinarizer(neg_label=-1, pos_label=1).fit(y[train])

    def codes(part):
        Y = lb.transform(part).astype(np.float64)
        return np.hstack([-Y, Y]) if Y.shape[1] == 1 else Y

    fold = R._FoldLabels(y, train, val)
    np.testing.assert_array_equal(fold.classes, lb.classes_)
    np.testing.assert_array_equal(fold.Y, codes(y[train]))
    np.testing.assert_array_equal(fold.Y_val, codes(y[val]))
    if labels == "unseen":  # a class the training part never saw: -1 in every column
        assert (fold.Y_val[y[val] == 7] == -1).all() and (y[val] == 7).sum() == 5


def _reservoir_blocks(X, y, n_neurons=15):
    res = nw.NanowireReservoir(n_neurons=n_neurons, n_windows=3, random_state=0).fit(X)
    pooled = res.pool(X)
    return {b: _pooled_features(pooled, b) for b in ("mean", "last", "windows")}


@pytest.mark.parametrize("subsample", [5, 12])
def test_kfold_scores_equal_cross_val_score(subsample):
    """Mean k-fold accuracy of every representation x penalty equals scikit-learn's
    cross_val_score of StandardScaler + RidgeClassifier on the same pooled features and folds
    (subsample 12: 25 series, repeated folds)."""
    X, y = nw.load_ucr("SyntheticControl", "train")
    X, y = X[::subsample], y[::subsample]
    blocks = _reservoir_blocks(X, y)
    splits = S.kfold_splits(y, 5, seed=3)
    alphas = (1e-2, 1.0, 100.0)
    scores = R.score_representations(blocks, y, splits, ("mean", "windows+last"), alphas)
    for rep in ("mean", "windows+last"):
        F = np.hstack([blocks[b] for b in rep.split("+")]).astype(np.float64)
        for i, a in enumerate(alphas):
            pipe = make_pipeline(StandardScaler(), RidgeClassifier(alpha=a))
            expected = cross_val_score(pipe, F, y, cv=splits).mean()
            assert scores[rep][1][i] == pytest.approx(expected, abs=1e-12), (rep, a)


def test_kfold_splits_repeat_small_sets_and_fit_small_classes():
    y = np.repeat([0, 1, 2], [2, 10, 12])  # 24 series, a class of two
    splits = S.kfold_splits(y, 5, seed=0)
    # Two folds (the smallest class has two members), repeated for ~200 predictions.
    assert len(splits) == 2 * 9
    for train, val in splits:
        assert np.isin(0, y[train]) and np.isin(0, y[val])
        assert len(np.intersect1d(train, val)) == 0
    assert len(S.kfold_splits(np.arange(500) % 4, 5)) == 5  # large: one repetition
    # A class of one member: it is missing from one fold's training part, scored as errors.
    y1 = np.repeat([0, 1, 2], [1, 12, 12])
    splits = S.kfold_splits(y1, 5, seed=0)
    rng = np.random.default_rng(0)
    blocks = {"mean": rng.normal(size=(25, 4)) + y1[:, None]}
    _, acc, _ = R.score_representations(blocks, y1, splits, ["mean"], (1.0,))["mean"]
    expected = cross_val_score(make_pipeline(StandardScaler(), RidgeClassifier(alpha=1.0)),
                               blocks["mean"], y1, cv=splits).mean()
    assert acc[0] == pytest.approx(expected, abs=1e-12)


def test_penalty_on_the_grid_edge_extends_the_grid():
    rng = np.random.default_rng(1)
    y = np.repeat([0, 1], 30)
    # Pure noise in many features: the heaviest penalty on a tiny grid is best, so the grid
    # grows upwards until the best lies inside it or the extension limit is reached.
    blocks = {"mean": rng.normal(size=(60, 200)) + 0.15 * y[:, None]}
    splits = S.kfold_splits(y, 5, seed=0)
    alphas = (1e-4, 1e-3)
    plain = R.score_representations(blocks, y, splits, ["mean"], alphas)["mean"]
    grid, acc, mse = R.score_representations(blocks, y, splits, ["mean"], alphas,
                                             extend=True)["mean"]
    assert R._best_index(plain[1], plain[2]) == 1  # the edge: so extension was due
    assert grid[-1] > alphas[-1] and len(grid) > len(alphas)
    np.testing.assert_allclose(acc[:2], plain[1])  # the original penalties score alike
    i = R._best_index(acc, mse)
    assert 0 < i < len(grid) - 1 or grid[-1] >= alphas[-1] * 10**R.EXTEND_DECADES * 0.99


def test_paper_and_kfold_protocols():
    y = np.repeat([0, 1], 20)
    assert len(S.PROTOCOLS["paper"].splits(y)) == 1
    assert len(S.PROTOCOLS["paper"].splits(y)[0][1]) == 12
    assert len(S.PROTOCOLS["kfold"].splits(y)) == 25  # 5 folds x 5 repeats (40 series)
    assert S.PROTOCOLS["kfold"].extend and not S.PROTOCOLS["paper"].extend
    with pytest.raises(ValueError, match="protocol"):
        S.Protocol("holdout")


def test_configurations_prune_table3_and_keep_tanh():
    kept, pruned = G.configurations("nanowire")
    assert (len(kept), len(pruned)) == (140, 350)
    assert all(c["memory_factor"] < 1 for c in kept)
    assert all(c["memory_factor"] >= 1 for c in pruned)
    kept, pruned = G.configurations("tanh")
    assert (len(kept), len(pruned)) == (360, 0)
    with pytest.raises(ValueError, match="model"):
        G.configurations("lstm")


def test_pruned_configurations_really_are_refused_by_the_reservoir():
    _, pruned = G.configurations("nanowire")
    c = max(pruned, key=lambda c: c["memory_factor"])
    X = np.random.default_rng(0).random((4, 20))
    with pytest.raises(nw.UnstableReservoirError):
        # The spread's extremes are drawn only by chance; force them with many neurons.
        nw.NanowireReservoir(n_neurons=5000, input_scaling=c["input_scaling"],
                             input_scaling_spread=c["input_scaling_spread"], dt=c["dt"],
                             random_state=0).fit(X)


@pytest.fixture(scope="module")
def small_data():
    X, y = nw.load_ucr("SyntheticControl", "train")
    X_te, y_te = nw.load_ucr("SyntheticControl", "test")
    return X[::3], y[::3], X_te[::5], y_te[::5]


def test_unit_is_deterministic_and_schedule_independent(small_data):
    from joblib import Parallel, delayed

    def in_workers(fn, chunks):
        return Parallel(n_jobs=2)(delayed(fn)(c) for c in chunks)

    args = ("SyntheticControl", "nanowire", 20, 0, *small_data)
    a = G._evaluate_unit(*args, grid=G.QUICK_GRIDS["nanowire"])
    b = G._evaluate_unit(*args, grid=G.QUICK_GRIDS["nanowire"], map_chunks=in_workers)
    assert a.best == b.best and a.test_accuracy == b.test_accuracy
    assert a.validation == b.validation
    assert (a.n_configs, a.n_pruned) == (8, 2)  # 0.9 ± 0.5 at dt = 0.25 is unstable
    assert len({r["input_scaling"] for r in a.validation}) == 2
    assert 0.5 < a.test_accuracy <= 1.0
    other_seed = G._evaluate_unit("SyntheticControl", "nanowire", 20, 1, *small_data,
                                 grid=G.QUICK_GRIDS["nanowire"])
    assert other_seed.validation != a.validation


def test_unit_seed_is_stable():
    assert S.unit_seed("nanowire", 100, 0, [("dt", 0.1)]) == S.unit_seed(
        "nanowire", 100, 0, [("dt", 0.1)])
    assert S.unit_seed("nanowire", 100, 0) != S.unit_seed("nanowire", 100, 1)


def test_refit_uses_the_reservoir_that_selection_scored():
    """The classifiers' defaults differ from the reservoirs' (chosen for classification); the
    refit must rebuild the reservoir selection scored, whatever the grid leaves out."""
    X, y = nw.load_ucr("SyntheticControl", "train")
    X, y = X[::10], y[::10]
    best = {"input_scaling": 0.5, "input_scaling_spread": 0.1, "dt": 0.25,
            "representation": "mean+last", "alpha": 1.0, "memory_factor": 0.9}
    accuracy, _ = S.refit_and_test("nanowire", 20, 0, best, X, y, X, y,
                                   protocol=S.PROTOCOLS["kfold"])
    params = {k: best[k] for k in ("input_scaling", "input_scaling_spread", "dt")}
    reservoir = nw.NanowireReservoir(n_neurons=20, features="mean+last", **params,
                                     random_state=S.unit_seed("nanowire", 20, 0,
                                                              sorted(params.items())))
    clf = make_pipeline(StandardScaler(), RidgeClassifier(alpha=1.0)).fit(
        reservoir.fit_transform(X), y)
    assert accuracy == clf.score(reservoir.transform(X), y)


def test_refit_of_the_model_space_is_the_model_space_of_the_scored_reservoir():
    X, y = nw.load_ucr("SyntheticControl", "train")
    X_te, y_te = nw.load_ucr("SyntheticControl", "test")
    X, y, X_te, y_te = X[::10], y[::10], X_te[::10], y_te[::10]
    best = {"input_scaling": 0.5, "dt": 0.25, "representation": "model", "alpha": 10.0}
    accuracy, alpha = S.refit_and_test("nanowire", 20, 0, best, X, y, X_te, y_te,
                                       protocol=S.PROTOCOLS["kfold"])
    params = {k: best[k] for k in ("input_scaling", "dt")}
    reservoir = nw.NanowireReservoir(n_neurons=20, **params,
                                     random_state=S.unit_seed("nanowire", 20, 0,
                                                              sorted(params.items())))
    space = nw.model_space.ReservoirModelSpace(reservoir).fit(X)
    clf = make_pipeline(StandardScaler(), RidgeClassifier(alpha=10.0)).fit(space.transform(X), y)
    assert alpha == 10.0
    assert accuracy == clf.score(space.transform(X_te), y_te)
    assert S.PROTOCOLS["kfold"].representations[-1] == S.MODEL_SPACE
    assert S.MODEL_SPACE not in S.PROTOCOLS["paper"].representations
