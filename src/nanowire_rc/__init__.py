"""nanowire-rc: reservoir computing with memristive nanowire neurons.

Simulate the neuron (:mod:`.physics`), analyse its stability (:mod:`.stability`), model real
devices (:mod:`.device`, :mod:`.calibration`), run batched reservoirs fast (:mod:`.kernels`,
:mod:`.reservoirs`), and classify, forecast and regress time series with scikit-learn
estimators (:mod:`.classifiers`, :mod:`.forecasting`). The names in ``__all__`` are importable
from here; each is documented with the module that defines it.

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

from .calibration import CalibrationError, CalibrationResult, calibrate
from .classifiers import (
    CoupledNanowireClassifier,
    EchoStateClassifier,
    NanowireClassifier,
    ReservoirClassifier,
)
from .datasets import list_datasets, load_ucr
from .device import (
    MILANO2021_PULSE,
    MILANO2021_RESERVOIR,
    TABLE2,
    Device,
    DeviceConstants,
    device_memory_factor,
)
from .exceptions import (
    DatasetChangedError,
    DatasetFormatError,
    DatasetNotFoundError,
    DivergedError,
    IntegrationDivergedError,
    InvalidArgumentError,
    InvalidInputError,
    InvalidParameterError,
    MemoryLimitError,
    NanowireRCError,
    NetworkError,
    ProtocolMismatchError,
    StabilityWarning,
    StoreError,
    StoreInUseError,
    UnstableReservoirError,
    VoltageOverflowError,
)
from .forecasting import (
    ClosedLoopDivergenceWarning,
    CoupledNanowireForecaster,
    EchoStateForecaster,
    NanowireForecaster,
    ReservoirForecaster,
    TrainingRangeWarning,
)
from .kernels import PooledStates, run_coupled_nanowire, run_leaky_tanh, run_nanowire
from .kernels.device import run_coupled_nanowire_device, run_nanowire_device
from .model_space import ModelSpaceClassifier, ReservoirModelSpace
from .multiscale import MultiScaleNanowireReservoir
from .physics import (
    NanowireParams,
    fixed_point,
    rates,
    simulate,
    step,
    total_rate,
)
from .regression import (
    CoupledNanowireRegressor,
    EchoStateRegressor,
    NanowireRegressor,
    ReservoirRegressor,
)
from .reservoirs import CoupledNanowireReservoir, LeakyTanhReservoir, NanowireReservoir
from .stability import (
    coupled_contraction_bound,
    echo_state_gap,
    is_stable,
    memory_factor,
    memory_factor_box,
    memory_factor_range,
    memory_factor_voltage,
)
from .tuning import (
    CoupledNanowireClassifierCV,
    EchoStateClassifierCV,
    NanowireClassifierCV,
    ReservoirClassifierCV,
)

__version__ = "0.4.0"

__all__ = [
    "MILANO2021_PULSE",
    "MILANO2021_RESERVOIR",
    "TABLE2",
    "CalibrationError",
    "CalibrationResult",
    "ClosedLoopDivergenceWarning",
    "CoupledNanowireClassifier",
    "CoupledNanowireClassifierCV",
    "CoupledNanowireForecaster",
    "CoupledNanowireRegressor",
    "CoupledNanowireReservoir",
    "DatasetChangedError",
    "DatasetFormatError",
    "DatasetNotFoundError",
    "Device",
    "DeviceConstants",
    "DivergedError",
    "EchoStateClassifier",
    "EchoStateClassifierCV",
    "EchoStateForecaster",
    "EchoStateRegressor",
    "IntegrationDivergedError",
    "InvalidArgumentError",
    "InvalidInputError",
    "InvalidParameterError",
    "LeakyTanhReservoir",
    "MemoryLimitError",
    "ModelSpaceClassifier",
    "MultiScaleNanowireReservoir",
    "NanowireClassifier",
    "NanowireClassifierCV",
    "NanowireForecaster",
    "NanowireParams",
    "NanowireRCError",
    "NanowireRegressor",
    "NanowireReservoir",
    "NetworkError",
    "PooledStates",
    "ProtocolMismatchError",
    "ReservoirClassifier",
    "ReservoirClassifierCV",
    "ReservoirForecaster",
    "ReservoirModelSpace",
    "ReservoirRegressor",
    "StabilityWarning",
    "StoreError",
    "StoreInUseError",
    "TrainingRangeWarning",
    "UnstableReservoirError",
    "VoltageOverflowError",
    "__version__",
    "calibrate",
    "coupled_contraction_bound",
    "device_memory_factor",
    "echo_state_gap",
    "fixed_point",
    "is_stable",
    "list_datasets",
    "load_ucr",
    "memory_factor",
    "memory_factor_box",
    "memory_factor_range",
    "memory_factor_voltage",
    "rates",
    "run_coupled_nanowire",
    "run_coupled_nanowire_device",
    "run_leaky_tanh",
    "run_nanowire",
    "run_nanowire_device",
    "simulate",
    "step",
    "total_rate",
]
