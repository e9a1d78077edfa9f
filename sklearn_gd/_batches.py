"""Mini-batches: which rows each update sees, gathered without copying ``X``."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import scipy.sparse as sp


class BatchSource:
    """Yields (X, Y, sample_weight) mini-batches for one epoch at a time.

    Dense shuffled batches are gathered into one reused buffer, so an epoch
    never copies the whole of ``X``; unshuffled batches are views. A shuffled
    CSR matrix is permuted once per epoch (one copy of its arrays), and its
    batches are :class:`CsrBatch` views of slices of the permuted arrays:
    scipy's fancy row indexing per batch costs more (docs/benchmarks.md). A
    ``sample_weight`` of None stays None.
    """

    def __init__(self, X, Y, sample_weight, batch_size: int, shuffle: bool):
        self.X, self.Y, self.sample_weight = X, Y, sample_weight
        self.batch_size = batch_size
        self.n_samples = X.shape[0]
        self.shuffle = shuffle and batch_size < self.n_samples
        self.buffer = None
        if self.shuffle and not sp.issparse(X):
            self.buffer = np.empty((batch_size, X.shape[1]), dtype=X.dtype)

    def epoch(self, rng: np.random.RandomState) -> Iterator[tuple]:
        if not self.shuffle:
            for start in range(0, self.n_samples, self.batch_size):
                rows = slice(start, start + self.batch_size)
                weights = (
                    None if self.sample_weight is None else self.sample_weight[rows]
                )
                yield self.X[rows], self.Y[rows], weights
            return
        order = rng.permutation(self.n_samples)
        # Targets and weights are small: one gather per epoch, then views.
        Y = self.Y.take(order, axis=0)
        if self.sample_weight is not None:
            sample_weight = self.sample_weight.take(order)
        X = self.X[order] if self.buffer is None else None
        csr_batch = None
        for start in range(0, self.n_samples, self.batch_size):
            rows = order[start : start + self.batch_size]
            batch = slice(start, start + self.batch_size)
            if self.buffer is None:
                if csr_batch is None or csr_batch.shape[0] != len(rows):
                    csr_batch = CsrBatch(len(rows), X.shape[1], X.dtype)
                X_batch = csr_batch.point_to(X, start)
            else:
                X_batch = self.buffer[: len(rows)]
                # mode="clip" (a no-op for valid rows): with the default
                # mode="raise", numpy gathers into a temporary and copies it
                # to `out` (docs/benchmarks.md).
                np.take(self.X, rows, axis=0, out=X_batch, mode="clip")
            weights = None if self.sample_weight is None else sample_weight[batch]
            yield X_batch, Y[batch], weights


class CsrBatch:
    """A run of consecutive rows of a CSR matrix, reused from batch to batch.

    Supports what the model asks of a batch, ``batch @ W`` and
    ``batch.T @ G``. It holds one CSR matrix and its transpose (CSC) over the
    same arrays and points both at the next rows by assigning their public
    ``data``, ``indices`` and ``indptr``. Building two scipy matrices per batch
    (constructor and format checks) costs more than the products themselves
    (docs/benchmarks.md).
    """

    def __init__(self, n_rows: int, n_features: int, dtype) -> None:
        self.matrix = sp.csr_matrix((n_rows, n_features), dtype=dtype)
        self.T = self.matrix.T
        self.shape = self.matrix.shape

    def point_to(self, X, start: int) -> CsrBatch:
        """Make this batch rows ``start:start + n_rows`` of ``X``; return self."""
        stop = start + self.shape[0]
        first, last = X.indptr[start], X.indptr[stop]
        data, indices = X.data[first:last], X.indices[first:last]
        indptr = X.indptr[start : stop + 1] - first
        for matrix in (self.matrix, self.T):
            matrix.data, matrix.indices, matrix.indptr = data, indices, indptr
        return self

    def __matmul__(self, other: np.ndarray) -> np.ndarray:
        return self.matrix @ other
