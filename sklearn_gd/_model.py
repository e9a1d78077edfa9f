"""The model protocol, and the linear model that implements it.

A model is a list of parameter arrays with a forward and a backward pass. The
engine uses nothing else of it:

- ``init(n_features, n_outputs, output_bias, random_state, dtype)``: the
  parameters training starts from; the output layer starts at zero weights and
  the bias ``output_bias`` (the loss's best constant), so that training starts
  exactly at the best constant model;
- ``forward(params, X) -> (raw, cache)``: raw outputs of shape
  ``(n_samples, n_outputs)`` and what ``backward`` needs of the pass;
- ``backward(params, cache, grad_raw, out)``: the gradients of
  ``sum_i grad_raw_i . raw_i`` with respect to every parameter, written into
  ``out``;
- ``penalized``: which parameters the penalty applies to (weights, never
  biases);
- ``output_units(params, output_scale)``: per parameter, the size of the
  outputs it moves, for steps taken in the units of ``y``;
- ``attributes(params)`` and ``params_from(attributes, dtype)``: the fitted
  attributes (``coef_``, ``intercept_``) and back.

The linear model is the network with no hidden layer.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np


class LinearModel:
    """``raw = X @ W + b``.

    Parameters are ``[W, b]`` (``W`` of shape (n_features, n_outputs), ``b`` of
    shape (n_outputs,)), or ``[W]`` without intercept.

    Parameters
    ----------
    fit_intercept : bool
        Whether ``b`` is a trained parameter (else it is fixed at 0).
    """

    def __init__(self, fit_intercept: bool) -> None:
        self.fit_intercept = fit_intercept
        self._ones = np.ones(0)

    @property
    def penalized(self) -> tuple[bool, ...]:
        """Which parameters the penalty applies to: weights, never intercepts."""
        return (True, False) if self.fit_intercept else (True,)

    def init(
        self,
        n_features: int,
        n_outputs: int,
        output_bias: np.ndarray,
        random_state: np.random.RandomState,
        dtype,
    ) -> list[np.ndarray]:
        """Zero weights and the bias ``output_bias`` (no randomness needed)."""
        weights = np.zeros((n_features, n_outputs), dtype=dtype)
        if not self.fit_intercept:
            return [weights]
        return [weights, np.array(output_bias, dtype=dtype).reshape(n_outputs)]

    def output_units(
        self, params: list[np.ndarray], output_scale: np.ndarray
    ) -> list[np.ndarray]:
        """Arrays shaped as ``params``: each weight and bias of output ``k``
        moves that output, so its unit is ``output_scale[k]``."""
        return [np.broadcast_to(output_scale, param.shape) for param in params]

    def forward(self, params: list[np.ndarray], X) -> tuple[np.ndarray, object]:
        """Raw outputs of shape (n_samples, n_outputs), and ``X`` as the cache."""
        # ``@`` on an ndarray or a CSR matrix with a dense right side gives an
        # ndarray, without safe_sparse_dot's per-call overhead (this runs once
        # per mini-batch).
        raw = np.asarray(X @ params[0])
        if self.fit_intercept:
            raw += params[1]
        return raw, X

    def backward(
        self,
        params: list[np.ndarray],
        cache,
        grad_raw: np.ndarray,
        out: list[np.ndarray],
    ) -> list[np.ndarray]:
        """Gradients of ``sum_i grad_raw_i . raw_i``, written into ``out``.

        ``grad_raw`` already carries the sample weights and the normalisation,
        so this is the gradient of the data term.
        """
        X = cache
        if isinstance(X, np.ndarray):
            np.matmul(X.T, grad_raw, out=out[0])
        else:  # sparse: scipy has no out=
            out[0][...] = X.T @ grad_raw
        if self.fit_intercept:
            # A product with ones: numpy's column sums of an (n, K) array with
            # K > 1 are strided and much slower. The ones are kept, as
            # mini-batches mostly share one size.
            n_samples = grad_raw.shape[0]
            if self._ones.shape[0] != n_samples or self._ones.dtype != grad_raw.dtype:
                self._ones = np.ones(n_samples, dtype=grad_raw.dtype)
            np.matmul(self._ones, grad_raw, out=out[1])
        return out

    def attributes(self, params: list[np.ndarray]) -> dict[str, np.ndarray]:
        """``coef_`` of shape (n_outputs, n_features) and ``intercept_``, as
        fresh arrays (never views of the parameters training updates)."""
        coef = np.array(params[0].T, order="C")
        if self.fit_intercept:
            intercept = params[1].copy()
        else:
            intercept = np.zeros(params[0].shape[1], dtype=params[0].dtype)
        return {"coef_": coef, "intercept_": intercept}

    def params_from(self, attributes: Mapping, dtype) -> list[np.ndarray]:
        """Fresh parameters from fitted ``coef_`` (1-D or 2-D) and ``intercept_``."""
        weights = np.array(np.atleast_2d(attributes["coef_"]).T, dtype=dtype, order="C")
        if not self.fit_intercept:
            return [weights]
        intercept = np.atleast_1d(attributes["intercept_"])
        return [weights, np.array(intercept, dtype=dtype)]


def flatten(params: list[np.ndarray]) -> tuple[np.ndarray, list[np.ndarray]]:
    """All of ``params`` copied into one flat vector, and views of it shaped
    as ``params``: updating the flat vector updates the views."""
    flat = np.concatenate([np.ravel(param) for param in params])
    return flat, unflatten(flat, params)


def unflatten(flat: np.ndarray, params_like: list[np.ndarray]) -> list[np.ndarray]:
    """Views of ``flat`` shaped as the arrays of ``params_like``, in order."""
    views, offset = [], 0
    for param in params_like:
        views.append(flat[offset : offset + param.size].reshape(param.shape))
        offset += param.size
    return views


def penalized_slices(model, params: list[np.ndarray]) -> tuple[slice, ...]:
    """The slices of the flat vector that hold the penalised parameters."""
    slices, offset = [], 0
    for param, is_weight in zip(params, model.penalized):
        if is_weight:
            slices.append(slice(offset, offset + param.size))
        offset += param.size
    return tuple(slices)
