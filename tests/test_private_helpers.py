"""The examples of private helpers, run as doctests.

They document behaviour that the public API relies on (pooling windows, scaling, selection
bookkeeping) but are not part of the API reference, so they live here rather than in
docstrings that ``test_docstrings.py`` walks.
"""

from __future__ import annotations

import doctest

import pytest

EXAMPLES = {
    "nanowire_rc.delays._check_delay_options": """
>>> from nanowire_rc.delays import _check_delay_options
>>> _check_delay_options(4, 2, True)
>>> _check_delay_options(-1, 1, False)
Traceback (most recent call last):
...
nanowire_rc.exceptions.InvalidParameterError: n_delays must be an integer >= 0, got -1
""",
    "nanowire_rc.delays._n_input_features": """
>>> from nanowire_rc.delays import _n_input_features
>>> _n_input_features(1, True, 3, True)  # 4 linear + 10 quadratic
14
""",
    "nanowire_rc.experiments.classification._edge_penalty": """
>>> from nanowire_rc.experiments.classification import _edge_penalty
>>> _edge_penalty(1e-5, "paper"), _edge_penalty(1e-5, "kfold"), _edge_penalty(1e-9, "kfold")
(True, False, True)
""",
    "nanowire_rc.experiments.classification._grid_id": """
>>> from nanowire_rc.experiments.classification import _grid_id
>>> _grid_id({"leak_rate": (0.3,), "input_scaling": [0.5, 1.0]})
'{"input_scaling": [0.5, 1.0], "leak_rate": [0.3]}'
""",
    "nanowire_rc.experiments.forecasting._make_series": """
>>> from nanowire_rc.experiments.forecasting import _make_series
>>> _make_series("mackey-glass", 10).shape, _make_series("lorenz63", 10).shape
((10,), (10, 3))
""",
    "nanowire_rc.experiments.forecasting._write_forecast_results": """
>>> from nanowire_rc.experiments.forecasting import (forecast_experiment,
...                                                  _write_forecast_results)
>>> result = forecast_experiment("mackey-glass", models=("nanowire",), n_neurons=20,
...                              n_train=300, n_test=50, n_generate=50)
>>> [p.name for p in _write_forecast_results(result, "out")]  # doctest: +NORMALIZE_WHITESPACE
['forecast_mackey_glass.csv', 'forecast_mackey_glass_series.csv',
 'forecast_mackey_glass.png', 'forecast_mackey_glass.pdf']
""",
    "nanowire_rc.experiments.grids._UnitResult": """
A unit over a two-point grid, one of whose points (``dt=5``) is pruned as unstable:

>>> import nanowire_rc as nw
>>> from nanowire_rc.experiments import grids
>>> train, test = (nw.load_ucr("SyntheticControl", part) for part in ("train", "test"))
>>> unit = grids._evaluate_unit("SyntheticControl", "nanowire", 10, 0, train[0][::10],
...                            train[1][::10], test[0][::10], test[1][::10],
...                            grid={"dt": [0.1, 5.0]}, representations=["mean"])
>>> unit.n_configs, unit.n_pruned, len(unit.validation), unit.best["dt"]
(2, 1, 1, 0.1)
""",
    "nanowire_rc.experiments.grids._evaluate_unit": """
>>> from nanowire_rc import load_ucr
>>> from nanowire_rc.experiments.grids import _evaluate_unit
>>> X, y = load_ucr("SyntheticControl", "train")
>>> X_te, y_te = load_ucr("SyntheticControl", "test")
>>> unit = _evaluate_unit("SyntheticControl", "tanh", 10, 0, X[::10], y[::10],
...                      X_te[::10], y_te[::10], grid={"leak_rate": [0.3, 1.0]},
...                      representations=["mean", "mean+last"])
>>> len(unit.validation), unit.test_accuracy > 0.5
(4, True)
""",
    "nanowire_rc.experiments.report._environment": """
>>> from nanowire_rc.experiments.report import _environment
>>> env = _environment()
>>> sorted(env), "numpy" in env["versions"]
(['cores', 'platform', 'processor', 'python', 'versions'], True)
""",
    "nanowire_rc.experiments.report._write_report": """
>>> from pathlib import Path
>>> from nanowire_rc.experiments.report import _write_report
>>> settings = {"command": "nanowire-rc reproduce --quick", "quick": True, "seeds": 1,
...             "jobs": 1}
>>> path = _write_report(Path("."), {"groups": [], "grid_sizes": {}}, {"selection": 1.0},
...                     settings)
>>> path.read_text().splitlines()[0]
"# nanowire-rc: reproduction of the paper's experiments"
""",
    "nanowire_rc.experiments.robustness._device_for": """
>>> from nanowire_rc.experiments.robustness import _device_for
>>> device = _device_for("adc_bits", 6)
>>> device.adc_bits, device.read_noise, device.is_ideal
(6, 0.0, False)
""",
    "nanowire_rc.kernels.multiscale._dilated_drive": """
>>> import numpy as np
>>> from nanowire_rc.kernels.multiscale import _dilated_drive
>>> z = _dilated_drive(np.ones(20), 20, 1)
>>> float(abs(z[4:16]).max())  # the weights sum to zero: no drive from a constant
0.0
""",
    "nanowire_rc.kernels.pooling._finish_pooling": """
>>> import numpy as np
>>> from nanowire_rc.kernels.pooling import _finish_pooling, _window_index
>>> h = np.array([[9.0, 1.0, 3.0, 5.0]])  # one series, one neuron: its state at 4 steps
>>> kidx = _window_index([4], 4, washout=1, n_windows=2)
>>> kidx
array([[-1,  0,  0,  1]], dtype=int32)
>>> sums = np.zeros((1, 2, 1))
>>> for t in range(4):
...     if kidx[0, t] >= 0:
...         sums[0, kidx[0, t], 0] += h[0, t]
>>> pooled = _finish_pooling(h[:, -1:], sums, kidx)
>>> pooled.windows[0, :, 0].tolist(), pooled.mean.tolist(), pooled.last.tolist()
([2.0, 5.0], [[3.0]], [[5.0]])
""",
    "nanowire_rc.kernels.pooling._window_index": """
>>> from nanowire_rc.kernels.pooling import _window_index
>>> _window_index([6, 4], 6, washout=1, n_windows=2)
array([[-1,  0,  0,  0,  1,  1],
       [-1,  0,  0,  1, -1, -1]], dtype=int32)
""",
    "nanowire_rc.kernels.streams._normal_draws": """
>>> import numpy as np
>>> from nanowire_rc.kernels.streams import _normal_draws
>>> z_state, z_read = _normal_draws(np.array([1, 2], dtype=np.uint64), n_neurons=3, counter=1)
>>> z_state.shape, z_read.shape
((2, 3), (2, 3))
>>> z = _normal_draws(np.arange(2000, dtype=np.uint64), 50, counter=1)[0]
>>> bool(abs(z.mean()) < 0.02), bool(abs(z.std() - 1) < 0.02)
(True, True)
>>> from nanowire_rc.kernels.streams import seeded_noise  # step t draws at counter t + 1
>>> seeds = np.array([11, 12], dtype=np.uint64)
>>> z_state = seeded_noise(seeds, 3, n_steps=4, state=True, read=True)[1]
>>> bool(np.array_equal(z_state[2], _normal_draws(seeds, 3, counter=3)[0]))
True
""",
    "nanowire_rc.physics._check_voltages": """
>>> import numpy as np
>>> from nanowire_rc.physics import _check_voltages
>>> _check_voltages(0.0, 2.0)  # fine: returns None
>>> _check_voltages(0.0, 10.0, dtype=np.float32)
Traceback (most recent call last):
...
nanowire_rc.exceptions.VoltageOverflowError: voltage 10 overflows k_p = ...
""",
    "nanowire_rc.readout._check_alphas": """
>>> from nanowire_rc.readout import _check_alphas
>>> _check_alphas([0.1, 1, 10])
array([ 0.1,  1. , 10. ])
""",
    "nanowire_rc.readout._check_labels": """
>>> from nanowire_rc.readout import _check_labels
>>> _check_labels([0, 1, 1], 3, "NanowireClassifier")
array([0, 1, 1])
>>> _check_labels([1, 1], 2, "NanowireClassifier")
Traceback (most recent call last):
...
nanowire_rc.exceptions.InvalidInputError: NanowireClassifier needs samples of at least 2 ...
""",
    "nanowire_rc.readout._fold_readout": """
>>> import numpy as np
>>> from nanowire_rc.readout import fit_readout, _fold_readout
>>> rng = np.random.default_rng(0)
>>> F, y = rng.random((20, 3)), np.repeat([0, 1], 10)
>>> readout = fit_readout(F, y, alphas=(0.1, 1.0))
>>> W, c = _fold_readout(readout)
>>> W.shape, c.shape, np.allclose(F @ W[:, 0] + c[0], readout.decision_function(F))
((3, 1), (1,), True)
""",
    "nanowire_rc.reservoirs._feature_blocks": """
>>> import numpy as np
>>> from nanowire_rc.kernels import run_nanowire
>>> from nanowire_rc.reservoirs import _feature_blocks
>>> pooled = run_nanowire(np.full((3, 20), 0.5), [0.5, 1.0], dt=0.1, n_windows=4)
>>> [block.shape for block in _feature_blocks(pooled, "mean+windows")]
[(3, 2), (3, 8)]
""",
    "nanowire_rc.reservoirs._pooled_features": """
>>> import numpy as np
>>> from nanowire_rc import NanowireReservoir
>>> from nanowire_rc.reservoirs import _pooled_features
>>> X = np.random.default_rng(0).random((3, 20))
>>> res = NanowireReservoir(n_neurons=2, random_state=0).fit(X)
>>> _pooled_features(res.pool(X), "mean+last").shape
(3, 4)
""",
    "nanowire_rc.selection._check_representation": """
>>> from nanowire_rc.selection import _check_representation
>>> _check_representation("model")
>>> _check_representation("model+mean")
Traceback (most recent call last):
...
nanowire_rc.exceptions.InvalidParameterError: the model space ('model') is ...
""",
    "nanowire_rc.selection._chunk_configs": """
>>> from nanowire_rc.experiments.grids import configurations
>>> from nanowire_rc.selection import _chunk_configs
>>> kept, _ = configurations("nanowire")
>>> [len(piece) for piece in _chunk_configs(kept, 300, 60, 100)]
[97, 43]
""",
    "nanowire_rc.selection._classifier_for": """
>>> from nanowire_rc import NanowireReservoir
>>> from nanowire_rc.selection import _classifier_for
>>> type(_classifier_for(NanowireReservoir(dt=0.2), "model", (1.0,))).__name__
'ModelSpaceClassifier'
>>> _classifier_for(NanowireReservoir(dt=0.2), "mean+std", (1.0,)).reservoir.features
'mean+std'
""",
    "nanowire_rc.selection._config_key": """
>>> from nanowire_rc.selection import _config_key
>>> _config_key({"input_scaling": 0.5, "dt": 0.1, "val_accuracy": 0.9})
'{"dt": 0.1, "input_scaling": 0.5}'
""",
    "nanowire_rc.selection._pooled_blocks": """
>>> from nanowire_rc.selection import _pooled_blocks
>>> _pooled_blocks(["windows+last", "mean", "mean+std"])
'mean+last+windows+std'
""",
    "nanowire_rc.selection._row_rank": """
>>> from nanowire_rc.selection import _row_rank
>>> _row_rank({"dt": 0.1, "representation": "mean", "val_accuracy": 0.9, "val_mse": 0.3})
(-0.9, 0.3, '{"dt": 0.1}', 0, 'mean')
""",
    "nanowire_rc.selection._seconds_per_config": """
>>> from nanowire_rc.selection import _seconds_per_config
>>> round(_seconds_per_config(300, 60, 100), 3)  # SyntheticControl, one 70/30 split
0.031
""",
    "nanowire_rc.selection._validation_split": """
>>> import numpy as np
>>> from nanowire_rc.selection import _validation_split
>>> train, val = _validation_split(np.repeat([0, 1], 10))
>>> len(train), len(val)
(14, 6)
""",
    "nanowire_rc.series._reverse_time": """
>>> from nanowire_rc.series import as_batch, _reverse_time
>>> _reverse_time(as_batch([[1.0, 2.0, 3.0], [4.0, 5.0]])).values[:, 0]
array([[3., 2., 1.],
       [5., 4., 0.]])
""",
    "nanowire_rc.series._scale_minmax": """
>>> import numpy as np
>>> from nanowire_rc.series import as_batch, _scale_minmax
>>> train = as_batch([[1.0, 2.0, 3.0], [4.0, 5.0]])
>>> _scale_minmax(train, *train.channel_range()).values[:, 0]
array([[0.  , 0.25, 0.5 ],
       [0.75, 1.  , 0.  ]])
>>> unseen = as_batch([[0.0, 10.0]])  # clipped to the training range [1, 5] first
>>> _scale_minmax(unseen, *train.channel_range()).values[:, 0]
array([[0., 1.]])
""",
    "nanowire_rc.series._with_difference": """
>>> from nanowire_rc.series import as_batch, _with_difference
>>> _with_difference(as_batch([[1.0, 3.0, 2.0]])).values[0]
array([[ 1.,  3.,  2.],
       [ 0.,  2., -1.]])
""",
}


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_private_helper_example(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # examples that write files write them here
    test = doctest.DocTestParser().get_doctest(EXAMPLES[name], {}, name, None, 0)
    assert test.examples, "an entry without examples checks nothing"
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    report: list[str] = []
    runner.run(test, out=report.append)
    assert runner.summarize(verbose=False).failed == 0, "\n" + "".join(report)
