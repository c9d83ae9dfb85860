"""nanowire-rc: reservoir computing with memristive nanowire neurons.

Simulate the neuron (:mod:`.physics`), analyse its stability (:mod:`.stability`), run batched
reservoirs fast (:mod:`.kernels`), and classify time series with scikit-learn estimators.
"""

from .calibration import CalibrationError, CalibrationResult, calibrate
from .classifiers import CoupledNanowireClassifier, EchoStateClassifier, NanowireClassifier
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
    NanowireRCError,
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
    CoupledNanowireRegressor,
    EchoStateForecaster,
    EchoStateRegressor,
    NanowireForecaster,
    NanowireRegressor,
)
from .kernels import PooledStates, run_coupled_nanowire, run_leaky_tanh, run_nanowire
from .kernels.device import run_coupled_nanowire_device, run_nanowire_device
from .physics import (
    NanowireParams,
    fixed_point,
    rates,
    simulate,
    step,
    total_rate,
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

__version__ = "0.2.0"

__all__ = [
    "MILANO2021_PULSE",
    "MILANO2021_RESERVOIR",
    "TABLE2",
    "CalibrationError",
    "CalibrationResult",
    "ClosedLoopDivergenceWarning",
    "CoupledNanowireClassifier",
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
    "EchoStateForecaster",
    "EchoStateRegressor",
    "LeakyTanhReservoir",
    "NanowireClassifier",
    "NanowireForecaster",
    "NanowireParams",
    "NanowireRCError",
    "NanowireRegressor",
    "NanowireReservoir",
    "PooledStates",
    "ProtocolMismatchError",
    "StabilityWarning",
    "StoreError",
    "StoreInUseError",
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
