"""What a fit leaves behind when it fails: the fitted state it started from, exactly.

Every estimator's fit-like method (``fit``, and a ReservoirPy node's ``initialize``) is wrapped
by :func:`keeps_state_on_failure`. It copies the instance's state on entry and, if the method
raises anything (an invalid setting, bad data, an unstable draw, ``KeyboardInterrupt``), puts
that state back before the exception propagates: a previously fitted estimator predicts as it
did, and one never fitted stays unfitted. A successful fit is untouched.

The state is every attribute but the constructor's hyper-parameters (scikit-learn's learned
``name_`` attributes, aeon's private bookkeeping, a node's ``input_dim`` and reservoir). It is
deep-copied, not merely referenced, so that state a fit would change in place (an array, a
torch module, a fitted sub-estimator) is protected too. Hyper-parameters are the user's: what
``set_params`` set stays set.

The same wrapper makes scikit-learn's parameter-table errors (raised by ``_fit_context``) the
library's :class:`~nanowire_rc.exceptions.InvalidParameterError`, so that every error a fit
raises on purpose is a :class:`~nanowire_rc.exceptions.NanowireRCError`.

The task estimators' constructors store their arguments with :func:`_set_hyper_parameters`, and
their ``fit`` methods that fit a reservoir inside are wrapped by :func:`_fits_reservoir`.
"""

from __future__ import annotations

import copy
import functools
import threading
from collections.abc import Callable
from typing import TypeVar

from sklearn.base import _fit_context
from sklearn.utils._param_validation import InvalidParameterError as _TableError

from .exceptions import InvalidParameterError, NanowireRCError

__all__ = ["keeps_state_on_failure"]

F = TypeVar("F", bound=Callable)

# The instances whose guarded method is running, per thread: a guarded method that calls
# another on the same instance (a subclass's fit calling super().fit, fit_transform calling fit)
# copies the state once, at the outermost call.
_RUNNING = threading.local()


def _hyper_parameters(obj) -> set[str]:
    """The names ``__init__`` stores as hyper-parameters (empty for objects without
    scikit-learn's ``_get_param_names``, whose whole state is then kept)."""
    names = getattr(type(obj), "_get_param_names", None)
    return set(names()) if callable(names) else set()


def _state(obj) -> dict:
    keep = _hyper_parameters(obj)
    return {k: v for k, v in vars(obj).items() if k not in keep}


def _restore(obj, saved: dict) -> None:
    # Straight into the instance dictionary: what was there, without any __setattr__ logic.
    attributes = vars(obj)
    keep = _hyper_parameters(obj)
    for name in [k for k in attributes if k not in keep and k not in saved]:
        del attributes[name]
    attributes.update(saved)


def keeps_state_on_failure(method: F) -> F:
    """Decorate a fit-like method so that a failure restores the state it started from.

    Parameters
    ----------
    method : callable
        ``fit`` (or another method that builds fitted state), taking the instance first.

    Returns
    -------
    callable
        The method, with the same signature and docstring: on any exception (``BaseException``,
        so Ctrl-C too) the instance's state is restored and the exception re-raised; a
        scikit-learn parameter-table error is re-raised as
        :class:`~nanowire_rc.exceptions.InvalidParameterError` with the same message.

    Examples
    --------
    >>> import numpy as np
    >>> from nanowire_rc._fitting import keeps_state_on_failure
    >>> class Mean:
    ...     @keeps_state_on_failure
    ...     def fit(self, x):
    ...         self.mean_ = np.mean(x)
    ...         if not np.isfinite(self.mean_):
    ...             raise ValueError("x is not finite")
    ...         return self
    >>> m = Mean().fit([1.0, 2.0])
    >>> try:
    ...     m.fit([np.inf])
    ... except ValueError:
    ...     pass
    >>> float(m.mean_)
    1.5
    """

    @functools.wraps(method)
    def guarded(self, *args, **kwargs):
        running = _RUNNING.__dict__.setdefault("ids", set())
        if id(self) in running:
            return method(self, *args, **kwargs)
        saved = copy.deepcopy(_state(self))
        running.add(id(self))
        try:
            return method(self, *args, **kwargs)
        except _TableError as err:
            _restore(self, saved)
            if isinstance(err, NanowireRCError):
                raise
            raise InvalidParameterError(str(err)) from err
        except BaseException:
            _restore(self, saved)
            raise
        finally:
            running.discard(id(self))

    return guarded  # type: ignore[return-value]


def _set_hyper_parameters(estimator, arguments: dict) -> None:
    """Store an ``__init__``'s arguments (its ``locals()``) unchanged, as scikit-learn wants."""
    for name, value in arguments.items():
        if name not in ("self", "__class__"):
            setattr(estimator, name, value)


def _fits_reservoir(fit):
    """Decorator of a ``fit`` that fits a reservoir inside: the estimator's state is kept when it
    fails, and the reservoir's own parameter table is still checked (no skipped nested
    validation)."""
    return keeps_state_on_failure(_fit_context(prefer_skip_nested_validation=False)(fit))
