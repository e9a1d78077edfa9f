"""The model protocol, and the two models that implement it.

A model is a list of parameter arrays with a forward and a backward pass. The
engine uses nothing else of it:

- ``init(n_features, n_outputs, output_bias, random_state, dtype)``: the
  parameters training starts from; the output layer starts at zero weights and
  the bias ``output_bias`` (the loss's best constant), so that training starts
  exactly at the best constant model;
- ``forward(params, X, training=False) -> (raw, cache)``: raw outputs of
  shape ``(n_samples, n_outputs)`` and what ``backward`` needs of the pass;
  ``training`` is True only for the passes of mini-batch updates (dropout);
- ``backward(params, cache, grad_raw, out)``: the gradients of
  ``sum_i grad_raw_i . raw_i`` with respect to every parameter, written into
  ``out``;
- ``penalized``: which parameters the penalty applies to (weights, never
  biases);
- ``output_units(params, output_scale)``: per parameter, the size of the
  outputs it moves, for steps taken in the units of ``y``;
- ``attributes(params)`` and ``params_from(attributes, dtype)``: the fitted
  attributes (``coef_``, ``intercept_`` or ``coefs_``, ``intercepts_``) and
  back (None where they are absent).

:class:`LinearModel` is the network with no hidden layer
(``hidden_layer_sizes=()``); :class:`NeuralNetwork` has one or more.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import scipy.sparse as sp


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

    def forward(
        self, params: list[np.ndarray], X, training: bool = False
    ) -> tuple[np.ndarray, object]:
        """Raw outputs of shape (n_samples, n_outputs), and ``X`` as the cache
        (``training`` changes nothing: the linear model has no dropout)."""
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
        _weight_gradient(cache, grad_raw, out[0])
        if self.fit_intercept:
            self._ones = _column_sums(grad_raw, self._ones, out[1])
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

    def params_from(self, attributes: Mapping, dtype) -> list[np.ndarray] | None:
        """Fresh parameters from fitted ``coef_`` (1-D or 2-D) and ``intercept_``;
        None if they are absent."""
        if "coef_" not in attributes:
            return None
        coef = attributes["coef_"]
        if sp.issparse(coef):  # after sparsify()
            coef = coef.toarray()
        weights = np.array(np.atleast_2d(coef).T, dtype=dtype, order="C")
        if not self.fit_intercept:
            return [weights]
        intercept = np.atleast_1d(attributes["intercept_"])
        return [weights, np.array(intercept, dtype=dtype)]


class NeuralNetwork:
    """A fully connected network: hidden layers, then a linear output layer.

    With ``a_0 = X``, each hidden layer ``l = 1 .. L`` computes

    ``z_l = a_{l-1} W_l + b_l``,  ``a_l = g_l(z_l) * m_l``

    where ``g_l`` is its activation and ``m_l`` its inverted-dropout mask
    (in training only: each unit kept with probability ``1 - dropout`` and
    then scaled by ``1 / (1 - dropout)``; all ones otherwise). The raw output
    is ``a_L W_out + b_out``. Backpropagation, from ``G = ∂/∂raw``:

    ``∇W_out = a_Lᵀ G``, ``∇b_out = 1ᵀ G``, ``δ_L = (G W_outᵀ) * m_L * g_L'(z_L)``,

    then for each hidden layer ``∇W_l = a_{l-1}ᵀ δ_l``, ``∇b_l = 1ᵀ δ_l`` and
    ``δ_{l-1} = (δ_l W_lᵀ) * m_{l-1} * g_{l-1}'(z_{l-1})``.

    Parameters are ``[W_1, b_1, ..., W_L, b_L, W_out, b_out]`` (``b_out``
    only with ``fit_intercept``); the penalty applies to every ``W``.

    Parameters
    ----------
    hidden_layer_sizes : tuple of int
        Units per hidden layer (at least one layer).
    activations : list of Activation
        One per hidden layer.
    initializers : list of Initializer
        One per hidden layer; the output layer starts at zero weights.
    dropout : float
        Rate of inverted dropout on hidden units, in training only.
    fit_intercept : bool
        Whether the output layer has a trained bias (hidden layers always do).
    """

    def __init__(
        self, hidden_layer_sizes, activations, initializers, dropout, fit_intercept
    ) -> None:
        self.hidden_layer_sizes = tuple(hidden_layer_sizes)
        self.activations = activations
        self.initializers = initializers
        self.dropout = dropout
        self.fit_intercept = fit_intercept
        self._dropout_rng = None
        self._ones = np.ones(0)

    @property
    def penalized(self) -> tuple[bool, ...]:
        """Every weight matrix is penalised, no bias."""
        output = (True, False) if self.fit_intercept else (True,)
        return (True, False) * len(self.hidden_layer_sizes) + output

    def init(self, n_features, n_outputs, output_bias, random_state, dtype):
        """Hidden weights from the initializers, zero hidden biases; the output
        layer at zero weights and the bias ``output_bias``."""
        # Initializers get the fit's numpy RandomState (not its lazy wrapper).
        stream = getattr(random_state, "state", random_state)
        params, fan_in = [], n_features
        for size, initializer in zip(self.hidden_layer_sizes, self.initializers):
            params.append(initializer.weights(fan_in, size, stream, dtype))
            params.append(np.zeros(size, dtype=dtype))
            fan_in = size
        params.append(np.zeros((fan_in, n_outputs), dtype=dtype))
        if self.fit_intercept:
            params.append(np.array(output_bias, dtype=dtype).reshape(n_outputs))
        if self.dropout:
            # Masks are drawn from the fit's random stream, in training only.
            self._dropout_rng = stream
        return params

    def output_units(self, params, output_scale):
        """Hidden parameters are unit-free (activations are of order 1); the
        output layer's moves the outputs, in units of ``output_scale``."""
        n_hidden = 2 * len(self.hidden_layer_sizes)
        hidden = [np.ones(param.shape) for param in params[:n_hidden]]
        output = [np.broadcast_to(output_scale, p.shape) for p in params[n_hidden:]]
        return hidden + output

    def forward(self, params, X, training: bool = False):
        """Raw outputs, and the cache: each layer's input, and each hidden
        layer's pre-activation, activation and dropout mask."""
        inputs, hidden = [X], []
        for layer, activation in enumerate(self.activations):
            W, b = params[2 * layer], params[2 * layer + 1]
            z = np.asarray(inputs[-1] @ W)
            z += b
            a = activation.value(z)
            mask = self._dropout_mask(a.shape, a.dtype) if training else None
            hidden.append((z, a, mask))
            inputs.append(a if mask is None else a * mask)
        n_hidden = 2 * len(self.activations)
        raw = inputs[-1] @ params[n_hidden]
        if self.fit_intercept:
            raw += params[n_hidden + 1]
        return raw, (inputs, hidden)

    def _dropout_mask(self, shape, dtype):
        """Inverted dropout: 0 with probability ``dropout``, else
        ``1 / (1 - dropout)``; None without dropout."""
        if not self.dropout:
            return None
        keep = 1.0 - self.dropout
        kept = self._dropout_rng.random_sample(shape) < keep
        return kept.astype(dtype) * dtype.type(1.0 / keep)

    def backward(self, params, cache, grad_raw, out):
        """Gradients of ``sum_i grad_raw_i . raw_i``, written into ``out``."""
        inputs, hidden = cache
        n_layers = len(self.activations) + 1
        delta = grad_raw
        for layer in reversed(range(n_layers)):
            index = 2 * layer
            _weight_gradient(inputs[layer], delta, out[index])
            if layer < n_layers - 1 or self.fit_intercept:
                self._ones = _column_sums(delta, self._ones, out[index + 1])
            if layer == 0:
                break
            z, a, mask = hidden[layer - 1]
            delta = delta @ params[index].T
            delta *= self.activations[layer - 1].derivative(z, a)
            if mask is not None:
                delta *= mask
        return out

    def attributes(self, params):
        """scikit-learn MLP's ``coefs_`` (shapes ``(fan_in, fan_out)``),
        ``intercepts_`` and ``n_layers_``, as fresh arrays."""
        n_hidden = len(self.hidden_layer_sizes)
        coefs = [params[2 * layer].copy() for layer in range(n_hidden + 1)]
        intercepts = [params[2 * layer + 1].copy() for layer in range(n_hidden)]
        if self.fit_intercept:
            intercepts.append(params[-1].copy())
        else:
            intercepts.append(np.zeros(coefs[-1].shape[1], dtype=coefs[-1].dtype))
        return {"coefs_": coefs, "intercepts_": intercepts, "n_layers_": n_hidden + 2}

    def params_from(self, attributes: Mapping, dtype) -> list[np.ndarray] | None:
        """Fresh parameters from ``coefs_`` and ``intercepts_``; None if absent."""
        if "coefs_" not in attributes:
            return None
        params = []
        for coef, intercept in zip(attributes["coefs_"], attributes["intercepts_"]):
            params += [np.array(coef, dtype=dtype), np.array(intercept, dtype=dtype)]
        return params if self.fit_intercept else params[:-1]


def _column_sums(delta: np.ndarray, ones: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``out = 1ᵀ delta`` (a bias gradient); returns the vector of ones used,
    for the next call to reuse.

    A product with ones: numpy's column sums of an (n, K) array with K > 1
    are strided and much slower. Mini-batches mostly share one size, so the
    ones are kept between calls.
    """
    if ones.shape[0] != delta.shape[0] or ones.dtype != delta.dtype:
        ones = np.ones(delta.shape[0], dtype=delta.dtype)
    np.matmul(ones, delta, out=out)
    return ones


def _weight_gradient(inputs, delta, out) -> None:
    """``out = inputsᵀ delta``, for dense or CSR ``inputs``."""
    if isinstance(inputs, np.ndarray):
        np.matmul(inputs.T, delta, out=out)
    else:  # sparse: scipy has no out=
        out[...] = inputs.T @ delta


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
