"""The model: a list of parameter arrays with a forward and a backward pass.

The linear model is the network with no hidden layer. Hidden layers will be
further (weight, bias) pairs with an activation between them, using the same
engine: it only calls ``forward``, ``backward`` and reads ``penalized``.
"""

from __future__ import annotations

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
    def penalized(self) -> list[bool]:
        """Which parameters the penalty applies to: weights, never intercepts."""
        return [True, False] if self.fit_intercept else [True]

    def init_params(
        self, n_features: int, intercept: np.ndarray, dtype
    ) -> list[np.ndarray]:
        """Zero weights and the given intercept (the loss's best constant)."""
        weights = np.zeros((n_features, intercept.shape[0]), dtype=dtype)
        if not self.fit_intercept:
            return [weights]
        return [weights, np.array(intercept, dtype=dtype)]

    def forward(self, params: list[np.ndarray], X) -> np.ndarray:
        """Raw outputs of shape (n_samples, n_outputs)."""
        # ``@`` on an ndarray or a CSR matrix with a dense right side gives an
        # ndarray, without safe_sparse_dot's per-call overhead (this runs once
        # per mini-batch).
        raw = np.asarray(X @ params[0])
        if self.fit_intercept:
            raw += params[1]
        return raw

    def backward(
        self,
        params: list[np.ndarray],
        X,
        grad_raw: np.ndarray,
        out: list[np.ndarray] | None = None,
    ) -> list[np.ndarray]:
        """Gradients of ``sum_i grad_raw_i . raw_i`` with respect to the parameters.

        ``grad_raw`` already carries the sample weights and the normalisation, so
        this is the gradient of the data term. With ``out`` (arrays shaped as
        ``params``) the gradients are written there and ``out`` is returned.
        """
        if out is None:
            out = [np.empty_like(param, dtype=grad_raw.dtype) for param in params]
        if isinstance(X, np.ndarray):
            np.matmul(X.T, grad_raw, out=out[0])
        else:  # sparse: scipy has no out=
            out[0][...] = X.T @ grad_raw
        if self.fit_intercept:
            # A product with ones: numpy's column sums of an (n, K) array with
            # K > 1 are strided and ~10x slower (this matters for full-batch
            # lbfgs). The ones are kept, as mini-batches mostly share one size.
            n_samples = grad_raw.shape[0]
            if self._ones.shape[0] != n_samples or self._ones.dtype != grad_raw.dtype:
                self._ones = np.ones(n_samples, dtype=grad_raw.dtype)
            np.matmul(self._ones, grad_raw, out=out[1])
        return out

    def to_attributes(self, params: list[np.ndarray]):
        """``coef_`` of shape (n_outputs, n_features) and ``intercept_``."""
        coef = np.ascontiguousarray(params[0].T)
        if self.fit_intercept:
            intercept = params[1].copy()
        else:
            intercept = np.zeros(params[0].shape[1], dtype=params[0].dtype)
        return coef, intercept

    def from_attributes(self, coef: np.ndarray, intercept: np.ndarray, dtype):
        """Parameters from ``coef_`` (2-D) and ``intercept_``, as fresh arrays."""
        weights = np.array(np.atleast_2d(coef).T, dtype=dtype, order="C")
        if not self.fit_intercept:
            return [weights]
        return [weights, np.array(np.atleast_1d(intercept), dtype=dtype)]
