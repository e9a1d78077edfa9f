"""Unit tests of the model protocol in :mod:`sklearn_gd._model`.

Checked for :class:`LinearModel` (``raw = X @ W + b``), with and without
intercept, one and three outputs, dense and CSR ``X``:

- ``backward`` against central finite differences of ``sum(G * raw)`` for a
  random ``G``, with respect to every parameter, in float64; float32
  parameters and ``X`` give float32 raw outputs and gradients;
- ``init``: zero weights, the bias ``output_bias`` (no bias array without
  intercept), shapes, dtype, and ``random_state`` accepted (no randomness);
- ``forward``: raw outputs of shape ``(n, n_outputs)`` equal to ``X @ W + b``
  written out here, and a cache that ``backward`` accepts;
- ``backward`` writes into ``out`` and returns those same arrays, and stays
  right across calls with different batch sizes and dtypes (it keeps a vector
  of ones between calls);
- ``attributes`` / ``params_from``: ``coef_`` of shape (n_outputs, n_features),
  round trip, fresh arrays in both directions, 1-D ``coef_`` and scalar
  ``intercept_`` accepted, zero ``intercept_`` without intercept;
- ``penalized`` (weights only) and the flat-vector helpers ``flatten``,
  ``unflatten`` and ``penalized_slices``;
- ``output_units``: every parameter of output ``k`` has unit
  ``output_scale[k]``.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from _helpers import finite_differences
from numpy.testing import assert_allclose, assert_array_equal

from sklearn_gd._model import (
    LinearModel,
    NeuralNetwork,
    flatten,
    penalized_slices,
    unflatten,
)
from sklearn_gd.activations import ACTIVATIONS
from sklearn_gd.initializers import GlorotUniform

N_SAMPLES, N_FEATURES = 9, 4

X_KINDS = {
    "dense": lambda X: X,
    "csr_matrix": sp.csr_matrix,
    "csr_array": sp.csr_array,
}


def _problem(fit_intercept, n_outputs, dtype=np.float64, n_samples=N_SAMPLES, seed=0):
    """Dense X with some exact zeros, random parameters and a random G."""
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n_samples, N_FEATURES))
    X[rng.uniform(size=X.shape) < 0.3] = 0.0
    params = [rng.normal(size=(N_FEATURES, n_outputs))]
    if fit_intercept:
        params.append(rng.normal(size=n_outputs))
    G = rng.normal(size=(n_samples, n_outputs))
    return X.astype(dtype), [p.astype(dtype) for p in params], G.astype(dtype)


def _reference_raw(params, X_dense):
    """``X @ W + b`` written out sample by sample and output by output."""
    n_outputs = params[0].shape[1]
    raw = np.zeros((X_dense.shape[0], n_outputs))
    for i in range(X_dense.shape[0]):
        for k in range(n_outputs):
            raw[i, k] = sum(X_dense[i, j] * params[0][j, k] for j in range(N_FEATURES))
            if len(params) == 2:
                raw[i, k] += params[1][k]
    return raw


def _garbage_like(params):
    return [np.full_like(p, 123.0) for p in params]


# ---------------------------------------------------------------------------
# backward against finite differences


@pytest.mark.parametrize("x_kind", X_KINDS)
@pytest.mark.parametrize("n_outputs", [1, 3])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_backward_matches_finite_differences(fit_intercept, n_outputs, x_kind):
    X_dense, params, G = _problem(fit_intercept, n_outputs)
    X = X_KINDS[x_kind](X_dense)
    model = LinearModel(fit_intercept)

    def objective(candidate):
        raw, _ = model.forward(candidate, X)
        return float(np.sum(G * raw))

    expected = finite_differences(objective, params)

    _, cache = model.forward(params, X)
    grads = model.backward(params, cache, G, out=_garbage_like(params))
    assert len(grads) == len(params) == (2 if fit_intercept else 1)
    for grad, reference, param in zip(grads, expected, params):
        assert grad.shape == param.shape
        assert grad.dtype == np.float64
        assert_allclose(grad, reference, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("x_kind", X_KINDS)
@pytest.mark.parametrize("n_outputs", [1, 3])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_float32_params_and_X_give_float32_outputs_and_gradients(
    fit_intercept, n_outputs, x_kind
):
    X32, params32, G32 = _problem(fit_intercept, n_outputs, dtype=np.float32)
    model = LinearModel(fit_intercept)
    raw, cache = model.forward(params32, X_KINDS[x_kind](X32))
    assert raw.dtype == np.float32
    params64 = [p.astype(np.float64) for p in params32]
    assert_allclose(raw, _reference_raw(params64, X32.astype(np.float64)), rtol=1e-5)

    out = [np.zeros_like(p) for p in params32]
    grads = model.backward(params32, cache, G32, out=out)
    assert all(grad.dtype == np.float32 for grad in grads)
    # The gradient of sum(G * raw): X^T G for W, the column sums of G for b.
    X64, G64 = X32.astype(np.float64), G32.astype(np.float64)
    assert_allclose(grads[0], X64.T @ G64, rtol=1e-5, atol=1e-6)
    if fit_intercept:
        assert_allclose(grads[1], G64.sum(axis=0), rtol=1e-5, atol=1e-6)


# ---------------------------------------------------------------------------
# init


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("n_outputs", [1, 3])
def test_init_starts_at_zero_weights_and_the_output_bias(n_outputs, dtype):
    output_bias = np.arange(1.0, n_outputs + 1) * 0.5
    params = LinearModel(True).init(
        N_FEATURES, n_outputs, output_bias, np.random.RandomState(0), dtype
    )
    assert len(params) == 2
    weights, bias = params
    assert weights.shape == (N_FEATURES, n_outputs)
    assert bias.shape == (n_outputs,)
    assert weights.dtype == bias.dtype == dtype
    assert_array_equal(weights, 0.0)
    assert_array_equal(bias, output_bias.astype(dtype))
    # The bias is the model's own array, not the caller's.
    assert not np.shares_memory(bias, output_bias)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("n_outputs", [1, 3])
def test_init_without_intercept_has_no_bias(n_outputs, dtype):
    params = LinearModel(False).init(
        N_FEATURES, n_outputs, np.ones(n_outputs), np.random.RandomState(0), dtype
    )
    assert len(params) == 1
    assert params[0].shape == (N_FEATURES, n_outputs)
    assert params[0].dtype == dtype
    assert_array_equal(params[0], 0.0)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_init_accepts_random_state_and_needs_no_randomness(fit_intercept):
    model = LinearModel(fit_intercept)
    bias = np.array([0.3, -1.0])
    first = model.init(N_FEATURES, 2, bias, np.random.RandomState(0), np.float64)
    second = model.init(N_FEATURES, 2, bias, np.random.RandomState(42), np.float64)
    for a, b in zip(first, second):
        assert_array_equal(a, b)


def test_init_accepts_a_scalar_output_bias_for_one_output():
    params = LinearModel(True).init(
        N_FEATURES, 1, np.float64(2.5), np.random.RandomState(0), np.float64
    )
    assert_array_equal(params[1], [2.5])


# ---------------------------------------------------------------------------
# forward


@pytest.mark.parametrize("x_kind", X_KINDS)
@pytest.mark.parametrize("n_outputs", [1, 3])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_forward_is_X_times_W_plus_b(fit_intercept, n_outputs, x_kind):
    X_dense, params, G = _problem(fit_intercept, n_outputs)
    model = LinearModel(fit_intercept)
    before = [p.copy() for p in params]
    raw, cache = model.forward(params, X_KINDS[x_kind](X_dense))
    assert isinstance(raw, np.ndarray)
    assert raw.shape == (N_SAMPLES, n_outputs)
    assert_allclose(raw, _reference_raw(params, X_dense), rtol=1e-12, atol=1e-12)
    for param, original in zip(params, before):
        assert_array_equal(param, original)
    # The cache is what backward needs: it gives X^T G and the sums of G.
    grads = model.backward(params, cache, G, out=_garbage_like(params))
    assert_allclose(grads[0], X_dense.T @ G, rtol=1e-12, atol=1e-12)
    if fit_intercept:
        assert_allclose(grads[1], G.sum(axis=0), rtol=1e-12, atol=1e-12)


# ---------------------------------------------------------------------------
# backward's out and its kept vector of ones


@pytest.mark.parametrize("x_kind", X_KINDS)
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_backward_writes_into_out_and_returns_it(fit_intercept, x_kind):
    X_dense, params, G = _problem(fit_intercept, 3)
    model = LinearModel(fit_intercept)
    _, cache = model.forward(params, X_KINDS[x_kind](X_dense))
    out = _garbage_like(params)
    arrays = list(out)
    returned = model.backward(params, cache, G, out=out)
    assert len(returned) == len(arrays)
    for grad, array in zip(returned, arrays):
        assert grad is array
    assert_allclose(arrays[0], X_dense.T @ G, rtol=1e-12, atol=1e-12)
    if fit_intercept:
        assert_allclose(arrays[1], G.sum(axis=0), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("x_kind", X_KINDS)
@pytest.mark.parametrize("n_outputs", [1, 3])
def test_backward_is_right_across_batch_sizes_and_dtypes(n_outputs, x_kind):
    model = LinearModel(True)
    # Sizes and dtypes change from call to call, and come back.
    calls = [
        (9, np.float64),
        (4, np.float64),
        (9, np.float64),
        (4, np.float32),
        (1, np.float32),
        (4, np.float64),
    ]
    for seed, (n_samples, dtype) in enumerate(calls):
        X_dense, params, G = _problem(True, n_outputs, dtype, n_samples, seed)
        _, cache = model.forward(params, X_KINDS[x_kind](X_dense))
        grads = model.backward(params, cache, G, out=_garbage_like(params))
        assert grads[1].dtype == dtype
        rtol = 1e-5 if dtype == np.float32 else 1e-12
        G64 = G.astype(np.float64)
        assert_allclose(grads[1], G64.sum(axis=0), rtol=rtol, atol=rtol)
        assert_allclose(
            grads[0], X_dense.astype(np.float64).T @ G64, rtol=rtol, atol=rtol
        )


# ---------------------------------------------------------------------------
# attributes and params_from


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("n_outputs", [1, 3])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_attributes_and_params_from_round_trip(fit_intercept, n_outputs, dtype):
    _, params, _ = _problem(fit_intercept, n_outputs, dtype)
    model = LinearModel(fit_intercept)
    attributes = model.attributes(params)
    assert attributes["coef_"].shape == (n_outputs, N_FEATURES)
    assert attributes["intercept_"].shape == (n_outputs,)
    for j in range(N_FEATURES):
        for k in range(n_outputs):
            assert attributes["coef_"][k, j] == params[0][j, k]
    if fit_intercept:
        assert_array_equal(attributes["intercept_"], params[1])
    else:
        assert_array_equal(attributes["intercept_"], np.zeros(n_outputs))

    back = model.params_from(attributes, dtype)
    assert len(back) == len(params)
    for new, old in zip(back, params):
        assert new.shape == old.shape
        assert new.dtype == dtype
        assert_array_equal(new, old)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_attributes_are_fresh_arrays(fit_intercept):
    _, params, _ = _problem(fit_intercept, 3)
    before = [p.copy() for p in params]
    model = LinearModel(fit_intercept)
    attributes = model.attributes(params)
    for value in attributes.values():
        assert not any(np.shares_memory(value, p) for p in params)
    # Training goes on updating params: the attributes must not follow, and
    # changing the attributes must not change params.
    for param in params:
        param += 1.0
    assert_array_equal(attributes["coef_"], before[0].T)
    attributes["coef_"][...] = -7.0
    attributes["intercept_"][...] = -7.0
    assert_array_equal(params[0], before[0] + 1.0)
    if fit_intercept:
        assert_array_equal(params[1], before[1] + 1.0)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_params_from_returns_fresh_arrays(fit_intercept):
    model = LinearModel(fit_intercept)
    attributes = {"coef_": np.arange(12.0).reshape(3, 4), "intercept_": np.ones(3)}
    params = model.params_from(attributes, np.float64)
    for param in params:
        assert not any(np.shares_memory(param, a) for a in attributes.values())
    attributes["coef_"][...] = 0.0
    attributes["intercept_"][...] = 0.0
    assert_array_equal(params[0], np.arange(12.0).reshape(3, 4).T)
    if fit_intercept:
        assert_array_equal(params[1], np.ones(3))


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_params_from_accepts_1d_coef_and_scalar_intercept(fit_intercept):
    model = LinearModel(fit_intercept)
    coef = np.array([1.0, -2.0, 3.0, 0.5])
    params = model.params_from({"coef_": coef, "intercept_": 4.0}, np.float32)
    assert params[0].shape == (4, 1)
    assert params[0].dtype == np.float32
    assert_array_equal(params[0][:, 0], coef)
    if fit_intercept:
        assert len(params) == 2
        assert params[1].shape == (1,)
        assert params[1].dtype == np.float32
        assert_array_equal(params[1], [4.0])
    else:
        assert len(params) == 1
    # And 1-D coef with a 1-element intercept array, as estimators store them.
    params = model.params_from({"coef_": coef, "intercept_": np.array([4.0])}, float)
    assert params[0].shape == (4, 1)


# ---------------------------------------------------------------------------
# penalized and the flat-vector helpers


def test_penalized_marks_the_weights_only():
    assert LinearModel(True).penalized == (True, False)
    assert LinearModel(False).penalized == (True,)


def _distinct_params(shapes):
    """Arrays whose entries are all distinct, to tell every position apart."""
    params, offset = [], 0
    for shape in shapes:
        size = int(np.prod(shape))
        params.append(np.arange(offset, offset + size, dtype=float).reshape(shape))
        offset += size
    return params


class _StubModel:
    """Anything with ``penalized`` is a model to ``penalized_slices``."""

    def __init__(self, penalized):
        self.penalized = penalized


@pytest.mark.parametrize(
    "model, shapes",
    [
        (LinearModel(True), [(4, 3), (3,)]),
        (LinearModel(False), [(4, 3)]),
        (LinearModel(True), [(5, 1), (1,)]),
        # A layered model: weights, bias, weights, bias.
        (_StubModel((True, False, True, False)), [(4, 2), (2,), (2, 3), (3,)]),
        (_StubModel((False, True)), [(3,), (2, 2)]),
    ],
)
def test_penalized_slices_hold_the_penalised_arrays(model, shapes):
    params = _distinct_params(shapes)
    flat, _ = flatten(params)
    slices = penalized_slices(model, params)
    assert all(isinstance(s, slice) for s in slices)
    selected = np.concatenate([flat[s] for s in slices])
    expected = np.concatenate(
        [p.ravel() for p, is_weight in zip(params, model.penalized) if is_weight]
    )
    assert_array_equal(selected, expected)
    # And nothing else: the complement holds exactly the unpenalised arrays.
    mask = np.zeros(flat.size, dtype=bool)
    for s in slices:
        mask[s] = True
    others = [
        p.ravel() for p, is_weight in zip(params, model.penalized) if not is_weight
    ]
    assert_array_equal(flat[~mask], np.concatenate(others) if others else [])


@pytest.mark.parametrize(
    "shapes", [[(4, 3), (3,)], [(4, 1)], [(2, 2), (2,), (2, 5), (5,)], [(1,)]]
)
def test_flatten_copies_and_its_views_follow_the_flat_vector(shapes):
    params = _distinct_params(shapes)
    originals = [p.copy() for p in params]
    flat, views = flatten(params)
    assert flat.ndim == 1
    assert flat.size == sum(p.size for p in params)
    assert_array_equal(flat, np.concatenate([p.ravel() for p in originals]))
    assert len(views) == len(params)
    for view, param in zip(views, params):
        assert view.shape == param.shape
        assert_array_equal(view, param)
        assert np.shares_memory(view, flat)
        assert not np.shares_memory(view, param)

    # Updating the flat vector updates the views, not the original params.
    flat *= 2.0
    flat += 1.0
    for view, original, param in zip(views, originals, params):
        assert_array_equal(view, 2.0 * original + 1.0)
        assert_array_equal(param, original)
    # Writing through a view updates the flat vector.
    views[-1][...] = -1.0
    assert_array_equal(flat[-params[-1].size :], -1.0)
    # And changing the original params leaves the copy alone.
    params[0][...] = 99.0
    assert not np.any(flat == 99.0)


@pytest.mark.parametrize(
    "shapes", [[(4, 3), (3,)], [(4, 1)], [(2, 2), (2,), (2, 5), (5,)]]
)
def test_unflatten_gives_views_shaped_like_the_params_in_order(shapes):
    params_like = [np.empty(shape) for shape in shapes]
    size = sum(p.size for p in params_like)
    flat = np.arange(size, dtype=float)
    views = unflatten(flat, params_like)
    assert [v.shape for v in views] == [tuple(s) for s in shapes]
    assert_array_equal(np.concatenate([v.ravel() for v in views]), flat)
    for view in views:
        assert np.shares_memory(view, flat)
    flat[:] = -flat
    assert_array_equal(np.concatenate([v.ravel() for v in views]), -np.arange(size))


# ---------------------------------------------------------------------------
# output_units


@pytest.mark.parametrize("n_outputs", [1, 3])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_output_units_give_each_parameter_its_outputs_scale(fit_intercept, n_outputs):
    _, params, _ = _problem(fit_intercept, n_outputs)
    output_scale = np.array([2.0, 0.5, 30.0])[:n_outputs]
    units = LinearModel(fit_intercept).output_units(params, output_scale)
    assert len(units) == len(params)
    for unit, param in zip(units, params):
        assert unit.shape == param.shape
    # W[j, k] and b[k] move output k only.
    for j in range(N_FEATURES):
        for k in range(n_outputs):
            assert units[0][j, k] == output_scale[k]
    if fit_intercept:
        for k in range(n_outputs):
            assert units[1][k] == output_scale[k]


# ---------------------------------------------------------------------------
# NeuralNetwork: hidden layers


def _network(activation="tanh", sizes=(4, 3), fit_intercept=True, dropout=0.0):
    """A network with the same activation on every layer, Glorot init."""
    layer = ACTIVATIONS[activation]()
    return NeuralNetwork(
        sizes, [layer] * len(sizes), [GlorotUniform()] * len(sizes), dropout,
        fit_intercept,
    )


def _network_problem(model, n_outputs=2, seed=0, x_kind="dense"):
    """Data, random parameters (output layer too, so every gradient is
    non-zero) and a random ``G``."""
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(N_SAMPLES, N_FEATURES))
    params = model.init(N_FEATURES, n_outputs, np.zeros(n_outputs), _Stream(0), float)
    params = [p + rng.normal(scale=0.5, size=p.shape) for p in params]
    G = rng.normal(size=(N_SAMPLES, n_outputs))
    return X_KINDS[x_kind](X), X, params, G


class _Stream:
    """What ``init`` receives: a random stream with a ``state`` (RandomSource)."""

    def __init__(self, seed):
        self.state = np.random.RandomState(seed)

    def __getattr__(self, name):
        return getattr(self.state, name)


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("x_kind", ["dense", "csr_matrix"])
def test_network_backward_matches_finite_differences(activation, x_kind):
    model = _network(activation)
    X, X_dense, params, G = _network_problem(model, x_kind=x_kind)
    grads = [np.full_like(p, 123.0) for p in params]
    raw, cache = model.forward(params, X)
    assert raw.shape == (N_SAMPLES, 2)
    assert model.backward(params, cache, G.copy(), out=grads) is grads

    def inner_product(candidate):
        return float(np.sum(G * model.forward(candidate, X_dense)[0]))

    for grad, expected in zip(grads, finite_differences(inner_product, params)):
        assert_allclose(grad, expected, rtol=1e-5, atol=1e-7)


def test_network_forward_is_written_out_layer_by_layer():
    model = _network("relu", sizes=(5,), fit_intercept=False)
    X, _, params, _ = _network_problem(model, n_outputs=3)
    W1, b1, W2 = params
    expected = np.maximum(X @ W1 + b1, 0) @ W2
    assert_allclose(model.forward(params, X)[0], expected, rtol=1e-12)
    assert model.penalized == (True, False, True)


def test_dropout_masks_in_training_only_and_backward_uses_them():
    model = _network("tanh", sizes=(50,), dropout=0.4)
    X, _, params, G = _network_problem(model)
    raw, _ = model.forward(params, X)
    assert_allclose(raw, model.forward(params, X)[0])  # no dropout outside training
    model._dropout_rng = np.random.RandomState(1)
    _, (inputs, hidden) = model.forward(params, X, training=True)
    mask = hidden[0][2]
    # Inverted dropout: kept units scaled by 1 / (1 - rate), about 60% kept.
    assert set(np.unique(mask)) == {0.0, 1 / 0.6}
    assert 0.5 < np.mean(mask > 0) < 0.7
    assert_allclose(inputs[1], hidden[0][1] * mask)

    def with_mask(candidate):
        model._dropout_rng = np.random.RandomState(1)  # the same masks
        return float(np.sum(G * model.forward(candidate, X, training=True)[0]))

    model._dropout_rng = np.random.RandomState(1)
    raw, cache = model.forward(params, X, training=True)
    grads = model.backward(params, cache, G.copy(), [np.empty_like(p) for p in params])
    for grad, expected in zip(grads, finite_differences(with_mask, params)):
        assert_allclose(grad, expected, rtol=1e-5, atol=1e-7)


def test_network_init_starts_at_the_best_constant_with_seeded_hidden_weights():
    model = _network("relu", sizes=(6, 4))
    params = model.init(5, 2, np.array([0.5, -1.0]), _Stream(0), np.float32)
    assert [p.shape for p in params] == [(5, 6), (6,), (6, 4), (4,), (4, 2), (2,)]
    assert all(p.dtype == np.float32 for p in params)
    assert_array_equal(params[4], 0.0)
    assert_array_equal(params[5], [0.5, -1.0])
    assert_array_equal(params[1], 0.0)
    again = model.init(5, 2, np.array([0.5, -1.0]), _Stream(0), np.float32)
    assert_array_equal(params[0], again[0])
    other = model.init(5, 2, np.array([0.5, -1.0]), _Stream(1), np.float32)
    assert not np.array_equal(params[0], other[0])


def test_network_attributes_round_trip_with_mlp_shapes():
    for fit_intercept in (True, False):
        model = _network("tanh", sizes=(4, 3), fit_intercept=fit_intercept)
        _, _, params, _ = _network_problem(model, n_outputs=2)
        attributes = model.attributes(params)
        assert [c.shape for c in attributes["coefs_"]] == [(4, 4), (4, 3), (3, 2)]
        assert [b.shape for b in attributes["intercepts_"]] == [(4,), (3,), (2,)]
        assert attributes["n_layers_"] == 4
        back = model.params_from(attributes, np.float64)
        assert len(back) == len(params)
        for param, restored in zip(params, back):
            assert_array_equal(param, restored)
            assert not np.shares_memory(param, restored)
        assert model.params_from({"coef_": params[0]}, np.float64) is None


def test_network_output_units_only_on_the_output_layer():
    model = _network("relu", sizes=(3,))
    _, _, params, _ = _network_problem(model, n_outputs=2)
    units = model.output_units(params, np.array([10.0, 1000.0]))
    assert_array_equal(units[0], 1.0)
    assert_array_equal(units[1], 1.0)
    assert_array_equal(units[2], np.broadcast_to([10.0, 1000.0], (3, 2)))
    assert_array_equal(units[3], [10.0, 1000.0])
