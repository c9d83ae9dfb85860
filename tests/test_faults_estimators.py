"""Faults of the estimators: their rows of docs/errors.md ("Estimators and kernels").

A failed or interrupted fit keeps the previous fit, for every estimator family: each is fitted,
then made to fail three ways (a bad setting through ``set_params``, bad data, and Ctrl-C: an
inner step wrapped to raise ``KeyboardInterrupt`` after it has run, so that state is half
written), and its learned attributes and predictions are compared with those before, exactly.
Then the forecasters' inputs beyond their training range, and errors that must name their
problem: each a ``NanowireRCError`` that is also the builtin it was before.
"""

import copy
import dataclasses
import importlib
import warnings
from collections.abc import Callable

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import BaseEstimator, clone
from test_faults import fault

import nanowire_rc as nw
import nanowire_rc.classifiers as classifiers_module
import nanowire_rc.forecasting as forecasting_module
import nanowire_rc.regression as regression_module
import nanowire_rc.tuning as tuning_module
from nanowire_rc._fitting import keeps_state_on_failure
from nanowire_rc.classifiers import classification_reservoir
from nanowire_rc.generators import mackey_glass

torch = pytest.importorskip("torch")

X_ALL, Y_ALL = nw.load_ucr("SyntheticControl", "train")
X, Y = X_ALL[::10], Y_ALL[::10]  # 30 series, 6 classes
X2, Y2 = 100 * X_ALL[5::10] + 7, Y_ALL[5::10]  # other series, another range
SERIES = mackey_glass(500, discard=300)


# -- comparing fitted state exactly ------------------------------------------------------------

def learned(est) -> dict:
    """The learned attributes (scikit-learn's ``name_`` convention), deep-copied."""
    return copy.deepcopy({k: v for k, v in vars(est).items()
                          if k.endswith("_") and not k.startswith("__")})


def same(a, b) -> bool:
    """Exact equality through arrays, tensors, modules, estimators and containers."""
    if type(a) is not type(b):
        return False
    if isinstance(a, torch.Tensor):
        return a.dtype == b.dtype and a.shape == b.shape and bool(torch.equal(a, b))
    if isinstance(a, torch.nn.Module):
        return same(a.state_dict(), b.state_dict())
    if isinstance(a, np.ndarray):
        return (a.dtype == b.dtype and a.shape == b.shape
                and np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))
    if sp.issparse(a):
        return a.shape == b.shape and (a != b).nnz == 0
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, BaseEstimator) or dataclasses.is_dataclass(a):
        return same(vars(a), vars(b))
    if isinstance(a, float) and np.isnan(a):
        return bool(np.isnan(b))
    return a == b


def interrupt_after(monkeypatch, owner, name: str) -> None:
    """Make the next call of ``owner.name`` run, then raise ``KeyboardInterrupt`` (Ctrl-C right
    after it); later calls run as usual."""
    original, calls = getattr(owner, name), []

    def interrupted(*args, **kwargs):
        result = original(*args, **kwargs)
        calls.append(1)
        if len(calls) == 1:
            raise KeyboardInterrupt
        return result

    monkeypatch.setattr(owner, name, interrupted)


def check_keeps_fit(est, fit, predict, fail, error=Exception) -> None:
    """``fail(est)`` raises ``error``; the fit before it is kept exactly, and an unfitted copy
    stays as it was built."""
    fresh = clone(est)
    unfitted = learned(fresh)
    fit(est)
    state, pred = learned(est), predict(est)
    params = est.get_params(deep=False)
    with pytest.raises(error):
        fail(est)
    est.set_params(**params)  # what set_params changed is the user's; the fit is ours
    assert same(learned(est), state)
    assert same(predict(est), pred)
    with pytest.raises(error):
        fail(fresh)
    assert same(learned(fresh), unfitted)


NAN_X = np.where(np.arange(X2.shape[1]) == 7, np.nan, X2)
NAN_SERIES = np.where(np.arange(SERIES.size) == 200, np.nan, SERIES)


@dataclasses.dataclass
class Family:
    """How to fit one estimator, and three ways to make its refit fail."""

    make: Callable  # the estimator, unfitted
    first: tuple  # arguments of the first fit
    other: tuple  # arguments of a refit on other data (another range)
    bad: tuple  # arguments of a refit on bad data
    setting: dict  # a setting that makes the refit fail
    interrupted: tuple  # (owner, name): the step after which the refit is interrupted
    predict: Callable  # what must not change


def _torch_classifier():
    from nanowire_rc.torch import NanowireRNNClassifier

    return NanowireRNNClassifier(hidden_size=4, max_epochs=1, random_state=0)


def _aeon_adapter(make_estimator):
    def make():
        from nanowire_rc.aeon import ReservoirAeonClassifier

        return ReservoirAeonClassifier(make_estimator())
    return make


def nanowire(**params):
    """NanowireClassifier's reservoir for classification, with ``params``."""
    return classification_reservoir(nw.NanowireReservoir, **params)


def forecast_reservoir(**params):
    """A nanowire reservoir with float64 states on one thread (a forecaster's default)."""
    return nw.NanowireReservoir(dtype="float64", n_jobs=1, **params)


def _multiscale():
    return nw.MultiScaleNanowireReservoir(n_blocks=2, n_thresholds=2)


_TARGET, _OTHER_TARGET = X.mean(axis=1), X2.mean(axis=1)


def _decision(est):
    return est.decision_function(X)


def _features(est):
    return est.transform(X)


def _forecasts(est):
    return np.concatenate([est.predict(SERIES), est.generate(20)])


def _values(est):
    return est.predict(X)


def _reservoir(cls):
    return lambda: cls(n_neurons=8, features="mean+last", random_state=0)


def _forecaster(cls, reservoir_class, **params):
    # float64 states and one thread: what a forecaster's default reservoir runs with
    return lambda: cls(reservoir_class(n_neurons=10, dtype="float64", n_jobs=1, **params),
                       washout=20, random_state=0)


def _small(cls, reservoir_class):
    return lambda: cls(reservoir_class(n_neurons=8), random_state=0)


def _classifier(cls, reservoir):
    return lambda: cls(reservoir(), random_state=0)


# The interrupted steps run after the estimator's new learned state is partly written: the
# weights drawn (reservoirs), the new reservoir in place (classifiers, model space, regressors,
# forecasters: also the new scaling), the search's results stored (self-tuning), the classes
# and scaling set (torch), aeon's reset done (adapter).
FAMILIES = {
    "NanowireReservoir": Family(_reservoir(nw.NanowireReservoir), (X,), (X2,), (NAN_X,),
                                {"dt": 5.0}, (nw.NanowireReservoir, "_draw"), _features),
    "CoupledNanowireReservoir": Family(
        _reservoir(nw.CoupledNanowireReservoir), (X,), (X2,), (NAN_X,), {"coupling": 5.0},
        (nw.CoupledNanowireReservoir, "_draw"), _features),
    "LeakyTanhReservoir": Family(_reservoir(nw.LeakyTanhReservoir), (X,), (X2,), (NAN_X,),
                                 {"leak_rate": 0.0}, (nw.LeakyTanhReservoir, "_draw"), _features),
    "ReservoirClassifier": Family(
        _classifier(nw.ReservoirClassifier, lambda: nw.NanowireReservoir(n_neurons=8)),
        (X, Y), (X2, Y2), (NAN_X, Y2), {"reservoir": nw.NanowireReservoir(n_neurons=8, dt=5.0)},
        (classifiers_module, "fit_readout"), _decision),
    "ReservoirClassifier-multiscale": Family(
        _classifier(nw.ReservoirClassifier, _multiscale), (X, Y), (X2, Y2), (NAN_X, Y2),
        {"reservoir__dt": (30.0, 0.3)}, (classifiers_module, "fit_readout"), _decision),
    "NanowireClassifier": Family(
        _classifier(nw.NanowireClassifier, lambda: nanowire(n_neurons=8)), (X, Y), (X2, Y2),
        (NAN_X, Y2), {"reservoir__dt": 5.0}, (classifiers_module, "fit_readout"), _decision),
    "CoupledNanowireClassifier": Family(
        _classifier(nw.classifiers.CoupledNanowireClassifier,
                    lambda: nw.CoupledNanowireReservoir(n_neurons=8)),
        (X, Y), (X2, Y2), (NAN_X, Y2), {"reservoir__coupling": 5.0},
        (classifiers_module, "fit_readout"), _decision),
    "EchoStateClassifier": Family(
        _classifier(nw.EchoStateClassifier,
                    lambda: classification_reservoir(nw.LeakyTanhReservoir, n_neurons=8)),
        (X, Y), (X2, Y2), (NAN_X, Y2), {"alphas": ()}, (classifiers_module, "fit_readout"),
        _decision),
    "NanowireClassifier-multiscale": Family(
        _classifier(nw.NanowireClassifier, _multiscale), (X, Y), (X2, Y2),
        (NAN_X, Y2), {"reservoir__n_thresholds": 0}, (classifiers_module, "fit_readout"),
        _decision),
    "ReservoirClassifierCV": Family(
        lambda: nw.ReservoirClassifierCV(nw.LeakyTanhReservoir(n_neurons=5),
                                         param_grid={"reservoir__leak_rate": [0.3, 1.0]}, cv=2,
                                         representations=["mean"], random_state=0),
        (X, Y), (X2, Y2), (NAN_X, Y2),
        {"param_grid": {"leak_rate": [0.3]}},  # a bare name: reservoir__leak_rate is meant
        (tuning_module, "_classifier_for"), _decision),
    "NanowireClassifierCV": Family(
        lambda: nw.NanowireClassifierCV(nanowire(n_neurons=5),
                                        param_grid={"reservoir__dt": [0.1, 0.3]}, cv=2,
                                        representations=["mean"], random_state=0),
        (X, Y), (X2, Y2), (X2, Y2[:-1]),
        {"param_grid": {"reservoir__dt": [50.0]}},  # nothing stable
        (tuning_module, "_classifier_for"), _decision),
    "ReservoirModelSpace": Family(
        lambda: nw.model_space.ReservoirModelSpace(
            nw.NanowireReservoir(n_neurons=6, random_state=0), n_components=3),
        (X,), (X2,), (NAN_X,), {"reservoir": nw.NanowireReservoir(n_neurons=6, dt=5.0)},
        (nw.model_space.ReservoirModelSpace, "_trajectories"), _features),
    "ModelSpaceClassifier": Family(
        lambda: nw.ModelSpaceClassifier(nw.NanowireReservoir(n_neurons=6), n_components=3,
                                        random_state=0),
        (X, Y), (X2, Y2), (NAN_X, Y2), {"n_components": 0}, (classifiers_module, "fit_readout"),
        _decision),
    "NanowireForecaster": Family(
        _forecaster(nw.NanowireForecaster, nw.NanowireReservoir), (SERIES,), (100 * SERIES + 7,),
        (NAN_SERIES,), {"reservoir__dt": 5.0}, (forecasting_module, "fit_ridge"),
        _forecasts),
    "CoupledNanowireForecaster": Family(
        _forecaster(nw.forecasting.CoupledNanowireForecaster, nw.CoupledNanowireReservoir),
        (SERIES,),
        (100 * SERIES + 7,), (NAN_SERIES,), {"reservoir__coupling": 5.0},
        (forecasting_module, "fit_ridge"), _forecasts),
    "EchoStateForecaster": Family(
        _forecaster(nw.EchoStateForecaster, nw.LeakyTanhReservoir, connectivity="sparse"),
        (SERIES,), (100 * SERIES + 7,), (NAN_SERIES,), {"reservoir__leak_rate": 0.0},
        (forecasting_module, "fit_ridge"), _forecasts),
    "NanowireRegressor": Family(
        _small(nw.regression.NanowireRegressor, nw.NanowireReservoir), (X, _TARGET),
        (X2, _OTHER_TARGET),
        (X2, np.full(len(X2), np.nan)), {"reservoir__dt": 5.0},
        (regression_module, "fit_ridge"), _values),
    "CoupledNanowireRegressor": Family(
        _small(nw.regression.CoupledNanowireRegressor, nw.CoupledNanowireReservoir), (X, _TARGET),
        (X2, _OTHER_TARGET), (X2, np.full(len(X2), np.nan)), {"reservoir__coupling": 5.0},
        (regression_module, "fit_ridge"), _values),
    "EchoStateRegressor": Family(
        _small(nw.regression.EchoStateRegressor, nw.LeakyTanhReservoir), (X, _TARGET),
        (X2, _OTHER_TARGET),
        (X2, np.full(len(X2), np.nan)), {"reservoir__leak_rate": 0.0},
        (regression_module, "fit_ridge"), _values),
    "NanowireRNNClassifier": Family(
        _torch_classifier, (X, Y), (X2[:12], Y2[:12] % 2), (NAN_X, Y2), {"n_windows": 0},
        ("nanowire_rc.torch.training._Network", "forward"), _decision),
    # aeon refuses a single class only after resetting the estimator
    "ReservoirAeonClassifier": Family(
        _aeon_adapter(_classifier(nw.NanowireClassifier, lambda: nanowire(n_neurons=6))),
        (X[:, None], Y), (X2[:, None], Y2), (X2[:, None], np.zeros(len(Y2), dtype=int)),
        {"estimator__reservoir__dt": 5.0}, (nw.NanowireClassifier, "fit"),
        lambda est: est.predict(X[:, None])),
    "ReservoirAeonClassifier-model-space": Family(
        _aeon_adapter(lambda: nw.ModelSpaceClassifier(nw.NanowireReservoir(n_neurons=6),
                                                      n_components=3, random_state=0)),
        (X[:, None], Y), (X2[:, None], Y2), (X2[:, None], np.zeros(len(Y2), dtype=int)),
        {"estimator__n_components": 0}, (nw.ModelSpaceClassifier, "fit"),
        lambda est: est.predict(X[:, None])),
}


@pytest.mark.parametrize("how", ("setting", "data", "interrupt"))
@pytest.mark.parametrize("name", list(FAMILIES))
def test_failed_fit_keeps_the_previous_one(name, how, monkeypatch):
    family = FAMILIES[name]

    def fail(est):
        if how == "setting":
            return est.set_params(**family.setting).fit(*family.other)
        if how == "data":
            return est.fit(*family.bad)
        owner, step = family.interrupted
        if isinstance(owner, str):
            module, _, cls = owner.rpartition(".")
            owner = getattr(importlib.import_module(module), cls)
        interrupt_after(monkeypatch, owner, step)
        return est.fit(*family.other)

    error = KeyboardInterrupt if how == "interrupt" else ValueError
    check_keeps_fit(family.make(), lambda est: est.fit(*family.first), family.predict, fail,
                    error)


@pytest.mark.parametrize("reservoir_class", [nw.NanowireReservoir, nw.CoupledNanowireReservoir])
def test_reservoirpy_node_stays_uninitialised(reservoir_class, monkeypatch):
    # A node's fit-like step is initialize (the reservoir is drawn for the input dimension).
    pytest.importorskip("reservoirpy")
    from nanowire_rc.reservoirpy import ReservoirNode

    node = ReservoirNode(reservoir_class(n_neurons=5, dtype="float64", n_jobs=1, random_state=0))
    interrupt_after(monkeypatch, reservoir_class, "fit")
    with pytest.raises(KeyboardInterrupt):
        node.initialize(np.zeros(3))
    assert node.input_dim is None and node.reservoir_ is None and not node.initialized
    assert node.run(np.full((6, 2), 0.5)).shape == (6, 5)  # usable with another dimension


def test_state_changed_in_place_is_restored():
    # A fit that trains its previous model further, in place, then fails: the guard must have
    # copied the state, not kept references to it.
    class InPlace(BaseEstimator):
        @keeps_state_on_failure
        def fit(self, x):
            if not hasattr(self, "coef_"):
                self.coef_ = np.zeros(3)
                self.module_ = torch.nn.Linear(3, 1)
            self.coef_ += x
            with torch.no_grad():
                self.module_.weight += x
            if x > 1:
                raise ValueError("too large a step")
            return self

    est = InPlace().fit(1.0)
    weight = est.module_.weight.detach().clone()
    with pytest.raises(ValueError):
        est.fit(2.0)
    assert np.array_equal(est.coef_, np.ones(3))
    assert torch.equal(est.module_.weight, weight)


# -- the catalogue's rows ----------------------------------------------------------------------

@fault("refit-failed", "exactly as before the failed fit")
def test_failed_refit_keeps_the_previous_fit():
    # The reproductions as reported: a torch classifier refitted for a device it cannot use, and
    # a forecaster refitted with an unstable time step on other data.
    from nanowire_rc.torch import NanowireRNNClassifier

    if torch.cuda.is_available():
        pytest.skip("needs a PyTorch without CUDA (device='cuda' must fail)")
    X_ecg, y_ecg = nw.load_ucr("ECG5000", "train")
    clf = NanowireRNNClassifier(hidden_size=8, max_epochs=2, random_state=0).fit(X, Y)
    logits, score = clf.decision_function(X), clf.score(X, Y)
    with pytest.raises(nw.InvalidParameterError, match="no CUDA device"):
        clf.set_params(device="cuda").fit(X_ecg[::25], y_ecg[::25])
    assert np.array_equal(clf.classes_, np.unique(Y))
    assert np.array_equal(clf.decision_function(X), logits) and clf.score(X, Y) == score

    fc = nw.NanowireForecaster(forecast_reservoir(n_neurons=20), random_state=0).fit(SERIES)
    pred = fc.predict(SERIES)
    with pytest.raises(nw.UnstableReservoirError):
        fc.set_params(reservoir__dt=5.0).fit(100 * SERIES + 7)
    assert np.array_equal(fc.predict(SERIES), pred)


@fault("forecast-out-of-range", "TrainingRangeWarning")
def test_forecaster_warns_of_inputs_beyond_its_training_range():
    fc = nw.NanowireForecaster(forecast_reservoir(n_neurons=20), random_state=0).fit(SERIES[:400])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fc.predict(SERIES)  # the unseen end lies within the widened range: silent
    far = 1000 * SERIES
    with pytest.warns(nw.forecasting.TrainingRangeWarning,
                      match=r"outside the training range .* clips"):
        pred = fc.predict(far)
    # what the warning is about: the inputs were clipped, the forecasts stay in the old range
    assert pred.max() < 3 * SERIES.max() and far.min() > 100
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fc.generate(5, warmup=far)  # (the loop from there diverges too: its own warning)
    assert any(w.category is nw.forecasting.TrainingRangeWarning
               and str(w.message).startswith("warmup") for w in caught)
    with pytest.raises(nw.InvalidInputError, match="outside the training range"):
        fc.set_params(out_of_range="raise").predict(far)
    with pytest.raises(nw.InvalidParameterError, match="out_of_range"):
        fc.set_params(out_of_range="clip").fit(SERIES)
    # the closed loop's warning is one of these
    assert issubclass(nw.forecasting.ClosedLoopDivergenceWarning,
                      nw.forecasting.TrainingRangeWarning)


@fault("torch-bad-setting", "InvalidParameterError")
def test_torch_settings_of_the_wrong_kind_are_named():
    from nanowire_rc.torch import NanowireRNNClassifier

    for setting, name in ((dict(input_range=5), "input_range"),
                          (dict(input_range=(1.0, 0.0)), "input_range"),
                          (dict(bound_target="a"), "bound_target"),
                          (dict(validation_fraction=None), "validation_fraction")):
        with pytest.raises(nw.InvalidParameterError, match=rf"^{name} must be"):
            NanowireRNNClassifier(max_epochs=1, **setting).fit(X, Y)


@fault("device-noise-overflow", "InvalidParameterError")
def test_read_noise_too_large_for_the_compute_type_is_named():
    for dtype in ("float32", "float64"):
        clf = nw.NanowireClassifier(nanowire(n_neurons=6, device=nw.Device(read_noise=1e300),
                                             dtype=dtype), random_state=0)
        with pytest.raises(nw.InvalidParameterError, match="read_noise") as caught:
            clf.fit(X, Y)
        assert "memory factor" not in str(caught.value)
    # the limit sits where it says: just below it the noise is accepted (and the run done in
    # NumPy here, the compiled device kernel costs seconds to compile)
    limit = float(caught.value.args[0].split("read_noise below ")[1].split(",")[0])

    def run(noise):
        return nw.kernels.device.run_nanowire_device(np.full((2, 60), 0.5), np.ones(3), 0.1,
                                      nw.Device(read_noise=noise), random_state=0,
                                      dtype="float64", backend="numpy")

    assert np.isfinite(run(0.5 * limit).mean).all()
    with pytest.raises(nw.InvalidParameterError, match="read_noise"):
        run(2 * limit)


@fault("input-subnormal", "InvalidInputError")
def test_subnormal_series_are_named_as_such():
    for dtype in ("float32", "float64"):
        with pytest.raises(nw.InvalidInputError, match="subnormal") as caught:
            nw.NanowireClassifier(nanowire(n_neurons=6, dtype=dtype),
                                  random_state=0).fit(X * 1e-310, Y)
        assert "dtype='float64'" not in str(caught.value)


@fault("memory-too-large", "MemoryLimitError")
def test_memory_need_is_checked_before_allocating(monkeypatch):
    import tracemalloc

    from nanowire_rc.kernels import pooling

    # the case: ten million neurons on the training set need far more than any machine
    tracemalloc.start()
    try:
        with pytest.raises(nw.exceptions.MemoryLimitError, match=r"n_neurons=10000000 .* GiB"):
            nw.NanowireClassifier(nanowire(n_neurons=10**7), random_state=0).fit(X_ALL, Y_ALL)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 32 * 1024**2  # refused before the weights were drawn
    # the kernels check what they allocate, whatever calls them
    monkeypatch.setattr(pooling, "available_memory", lambda: 100 * 1024**2)
    inputs = np.full((30, 60), 0.5)
    with pytest.raises(nw.exceptions.MemoryLimitError, match="reservoir states of 30 series"):
        nw.kernels.run_nanowire(inputs, np.ones(100_000), dt=0.1, n_windows=8)  # 30 x 10**5 x 72 B
    nw.kernels.run_nanowire(inputs, np.ones(20_000), dt=0.1, n_windows=8)  # 43 MB: fits


@fault("errors-are-ours", "NanowireRCError")
def test_documented_errors_are_the_librarys():
    cases = [
        (lambda: nw.Device(read_noise=-1.0), nw.InvalidParameterError, ValueError),
        (lambda: nw.Device(read_noise="a"), nw.InvalidParameterError, TypeError),
        (lambda: nw.NanowireForecaster().fit([1.0, np.nan, 2.0]), nw.InvalidInputError,
         ValueError),
        (lambda: nw.NanowireForecaster(horizon=0).fit(SERIES), nw.InvalidParameterError,
         ValueError),
        (lambda: nw.NanowireClassifier(nanowire(n_neurons=6)).fit(NAN_X, Y2),
         nw.InvalidInputError, ValueError),
        # the parameter tables' errors keep scikit-learn's message and class: the classifier's
        # own, and its reservoir's (checked when the classifier fits it)
        (lambda: nw.NanowireClassifier(nanowire(n_neurons=6), alphas="abc").fit(X, Y),
         nw.InvalidParameterError, TypeError),
        (lambda: nw.NanowireClassifier(nanowire(dt=0)).fit(X, Y), nw.InvalidParameterError,
         ValueError),
        (lambda: nw.NanowireClassifier(nanowire(n_neurons=6, dt="a")).fit(X, Y),
         nw.InvalidParameterError, TypeError),
        (lambda: nw.NanowireClassifier(nw.MultiScaleNanowireReservoir(
            n_blocks=0)).fit(X, Y), nw.InvalidParameterError, TypeError),
        (lambda: nw.NanowireClassifierCV(nanowire(n_neurons=6),
                                         param_grid={"reservoir__dt": ["a"]}).fit(X, Y),
         nw.InvalidParameterError, TypeError),
    ]
    from sklearn.utils._param_validation import InvalidParameterError as SklearnError

    for call, ours, builtin in cases:
        with pytest.raises(ours) as caught:
            call()
        assert isinstance(caught.value, nw.NanowireRCError) and isinstance(caught.value, builtin)
    assert issubclass(nw.InvalidParameterError, SklearnError)


# Modules whose deliberate errors are all the library's (the others are owned elsewhere).
OWN_MODULES = ("reservoirs", "classifiers", "tuning", "model_space", "forecasting", "aeon",
               "reservoirpy", "device", "physics", "stability", "diagnostics", "series",
               "generators", "metrics", "kernels/compiled", "kernels/device", "kernels/fastmath",
               "kernels/pooling", "kernels/reference", "kernels/runners", "torch/cell",
               "torch/classifier", "_fitting", "selection", "datasets", "experiments/forecasting",
               "experiments/pulse", "experiments/robustness")


@pytest.mark.parametrize("module", OWN_MODULES)
def test_no_builtin_error_is_raised_on_purpose(module):
    import ast
    import builtins
    from pathlib import Path

    path = Path(nw.__file__).parent / f"{module}.py"
    raised = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            name = getattr(node.exc.func, "id", "")
            if isinstance(getattr(builtins, name, None), type):
                raised.append((name, node.lineno))
    # an optional dependency that is missing stays an ImportError
    assert [r for r in raised if r[0] != "ImportError"] == []
