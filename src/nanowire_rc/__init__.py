"""nanowire-rc: reservoir computing with memristive nanowire neurons.

Simulate the neuron (:mod:`.physics`), analyse its stability (:mod:`.stability`), run batched
reservoirs fast (:mod:`.kernels`), and classify time series with scikit-learn estimators.
"""

from .classifiers import CoupledNanowireClassifier, EchoStateClassifier, NanowireClassifier
from .datasets import list_datasets, load_ucr
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
    "ClosedLoopDivergenceWarning",
    "CoupledNanowireClassifier",
    "CoupledNanowireForecaster",
    "CoupledNanowireRegressor",
    "CoupledNanowireReservoir",
    "DatasetChangedError",
    "DatasetFormatError",
    "DatasetNotFoundError",
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
    "coupled_contraction_bound",
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
    "run_leaky_tanh",
    "run_nanowire",
    "simulate",
    "step",
    "total_rate",
]
