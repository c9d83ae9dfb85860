"""nanowire-rc: reservoir computing with memristive nanowire neurons.

Simulate the neuron (:mod:`.physics`), analyse its stability (:mod:`.stability`), model real
devices (:mod:`.device`, :mod:`.calibration`), run reservoirs (:mod:`.reservoirs`,
:mod:`.multiscale`, :mod:`.network`), and classify, forecast and regress time series with
scikit-learn estimators composed from a reservoir (:mod:`.classifiers`, :mod:`.tuning`,
:mod:`.forecasting`, :mod:`.regression`, :mod:`.model_space`). The names in ``__all__`` are the
ones most programs need; everything else lives in its module (docs/architecture.md).

Examples
--------
>>> import numpy as np
>>> import nanowire_rc as nw
>>> x = np.zeros(100)
>>> x[30:40] = 1.0
>>> h = nw.simulate(x, dt=0.1, omega=1.0)  # one neuron's response to a pulse
>>> round(nw.memory_factor_range(0.0, 1.0, dt=0.1, omega=1.0), 5)  # < 1: stable
0.96874
"""

from .calibration import calibrate
from .classifiers import EchoStateClassifier, NanowireClassifier, ReservoirClassifier
from .datasets import list_datasets, load_ucr
from .device import Device
from .exceptions import (
    InvalidInputError,
    InvalidParameterError,
    NanowireRCError,
    StabilityWarning,
    UnstableReservoirError,
)
from .forecasting import EchoStateForecaster, NanowireForecaster, ReservoirForecaster
from .model_space import ModelSpaceClassifier
from .multiscale import MultiScaleNanowireReservoir
from .physics import NanowireParams, simulate
from .regression import ReservoirRegressor
from .reservoirs import CoupledNanowireReservoir, LeakyTanhReservoir, NanowireReservoir
from .stability import is_stable, memory_factor, memory_factor_range
from .tuning import NanowireClassifierCV, ReservoirClassifierCV

__version__ = "0.4.0"

__all__ = [
    "CoupledNanowireReservoir",
    "Device",
    "EchoStateClassifier",
    "EchoStateForecaster",
    "InvalidInputError",
    "InvalidParameterError",
    "LeakyTanhReservoir",
    "ModelSpaceClassifier",
    "MultiScaleNanowireReservoir",
    "NanowireClassifier",
    "NanowireClassifierCV",
    "NanowireForecaster",
    "NanowireParams",
    "NanowireRCError",
    "NanowireReservoir",
    "ReservoirClassifier",
    "ReservoirClassifierCV",
    "ReservoirForecaster",
    "ReservoirRegressor",
    "StabilityWarning",
    "UnstableReservoirError",
    "__version__",
    "calibrate",
    "is_stable",
    "list_datasets",
    "load_ucr",
    "memory_factor",
    "memory_factor_range",
    "simulate",
]

#: Public names that live in a module rather than at the root, and the module.
_MOVED = {
    **dict.fromkeys(("CoupledNanowireClassifier",), "classifiers"),
    **dict.fromkeys(("EchoStateClassifierCV", "CoupledNanowireClassifierCV"), "tuning"),
    **dict.fromkeys(("CoupledNanowireForecaster", "ClosedLoopDivergenceWarning",
                     "TrainingRangeWarning"), "forecasting"),
    **dict.fromkeys(("NanowireRegressor", "EchoStateRegressor", "CoupledNanowireRegressor"),
                    "regression"),
    "ReservoirModelSpace": "model_space",
    **dict.fromkeys(("CalibrationError", "CalibrationResult"), "calibration"),
    **dict.fromkeys(("MILANO2021_PULSE", "MILANO2021_RESERVOIR", "TABLE2", "DeviceConstants",
                     "device_memory_factor"), "device"),
    **dict.fromkeys(("PooledStates", "run_coupled_nanowire", "run_leaky_tanh", "run_nanowire"),
                    "kernels"),
    **dict.fromkeys(("run_coupled_nanowire_device", "run_nanowire_device"), "kernels.device"),
    **dict.fromkeys(("fixed_point", "rates", "step", "total_rate"), "physics"),
    **dict.fromkeys(("coupled_contraction_bound", "echo_state_gap", "memory_factor_box",
                     "memory_factor_voltage"), "stability"),
    **dict.fromkeys(("DatasetChangedError", "DatasetFormatError", "DatasetNotFoundError",
                     "DivergedError", "IntegrationDivergedError", "InvalidArgumentError",
                     "MemoryLimitError", "NetworkError", "ProtocolMismatchError", "StoreError",
                     "StoreInUseError", "VoltageOverflowError"), "exceptions"),
}


def __getattr__(name: str):
    """Say where a public name that the root does not export lives."""
    if name in _MOVED:
        raise AttributeError(f"nanowire_rc.{name} lives in its module: use "
                             f"nanowire_rc.{_MOVED[name]}.{name}")
    raise AttributeError(f"module 'nanowire_rc' has no attribute {name!r}")
