"""
Poisson regression on counts
============================

Counts (visits, claims, defects) are non-negative integers whose spread grows
with their mean. The squared error treats them as any real number: its linear
predictions can go below zero, and it weighs an error of 2 at a mean of 1 the
same as one at a mean of 20. ``loss="poisson"`` models the *logarithm* of the
mean count instead, so predictions are always positive and each feature
multiplies the expected count.

This example fits ``GDRegressor(loss="poisson")`` and
``GDRegressor(loss="squared_error")`` to generated counts, scores them with the
Poisson deviance on held-out data, and checks the Poisson fit against
scikit-learn's :class:`~sklearn.linear_model.PoissonRegressor`.
"""

# %%
# Counts with a log-linear mean
# -----------------------------
# Five standard-normal features (already standardised, so no scaler is needed)
# and counts :math:`y \sim \mathrm{Poisson}(\exp(x w + b))`, with one feature
# that does not matter. The mean count is 1.6 on average, and about 30% of the
# counts are zero. 1000 samples train the models; 10 000 more, held out,
# measure them.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.linear_model import PoissonRegressor
from sklearn.metrics import mean_poisson_deviance

from sklearn_gd import GDRegressor

TRUE_COEF = np.array([0.5, -0.4, 0.3, 0.2, 0.0])
TRUE_INTERCEPT = 0.3
rng = np.random.RandomState(0)


def make_counts(n_samples):
    X = rng.normal(size=(n_samples, len(TRUE_COEF)))
    return X, rng.poisson(np.exp(X @ TRUE_COEF + TRUE_INTERCEPT))


X_train, y_train = make_counts(1000)
X_test, y_test = make_counts(10_000)

# %%
# Poisson, squared error, and scikit-learn's PoissonRegressor
# -----------------------------------------------------------
# With ``loss="poisson"`` the raw output is :math:`f = x w + b = \log \mu` and
# ``predict`` returns :math:`\mu = \exp(f)`; the loss is
# :math:`L(y, f) = \exp(f) - y f`, half the Poisson deviance up to a term that
# depends on ``y`` only. With the default L2 penalty
# :math:`R(w) = \tfrac12 \|w\|^2`, the objective
#
# .. math:: J(w, b) = \frac{1}{n} \sum_i L(y_i, f_i) + \alpha \cdot R(w)
#
# differs by a constant from the one
# :class:`~sklearn.linear_model.PoissonRegressor` minimises,
# :math:`\frac{1}{2n} \sum_i \mathrm{deviance}_i + \frac{\alpha}{2} \|w\|^2`,
# so the same ``alpha`` gives the same model. The loss is smooth, so
# ``optimizer="auto"`` trains it with ``lbfgs`` on the full batch, to the
# optimum within ``tol`` (default ``1e-4``); we compare with a
# ``PoissonRegressor`` run to a tight tolerance. The squared-error model gets
# the same ``alpha``.
ALPHA = 1e-3
poisson = GDRegressor(loss="poisson", alpha=ALPHA, random_state=0)
poisson.fit(X_train, y_train)
squared = GDRegressor(loss="squared_error", alpha=ALPHA, random_state=0)
squared.fit(X_train, y_train)
reference = PoissonRegressor(alpha=ALPHA, tol=1e-10, max_iter=1000)
reference.fit(X_train, y_train)

print(f"optimizer_ of the Poisson fit: {poisson.optimizer_}")
coef_gap = np.abs(poisson.coef_ - reference.coef_).max()
intercept_gap = np.abs(poisson.intercept_ - reference.intercept_).max()
print(f"max |coef_ difference| with PoissonRegressor: {coef_gap:.1e}")
print(f"|intercept_ difference| with PoissonRegressor: {intercept_gap:.1e}")

# %%
# The coefficients agree to within 4e-5, what the default ``tol=1e-4`` asks
# for (with ``tol=1e-8`` they agree to 1e-17).

# %%
# Scoring counts: the Poisson deviance
# ------------------------------------
# The mean Poisson deviance
# (:func:`~sklearn.metrics.mean_poisson_deviance`) measures how likely the
# observed counts are under the predicted means; lower is better. It is only
# defined for positive predictions, and the squared-error model predicts
# negative counts for some samples, so for it we clip the predictions at 0.01
# first (any clip level is arbitrary; a lower one scores it worse). For
# reference we also score the true means, what a perfect model would score.
predictions = {
    'GDRegressor(loss="poisson")': poisson.predict(X_test),
    'GDRegressor(loss="squared_error")': squared.predict(X_test),
    "PoissonRegressor": reference.predict(X_test),
    "true means": np.exp(X_test @ TRUE_COEF + TRUE_INTERCEPT),
}
for name, predicted in predictions.items():
    deviance = mean_poisson_deviance(y_test, np.clip(predicted, 0.01, None))
    negative = np.sum(predicted < 0)
    print(
        f"{name:33s} held-out mean Poisson deviance {deviance:.4f}, "
        f"negative predictions: {negative} of {len(y_test)}"
    )

# %%
# Are the predicted means right?
# ------------------------------
# Left: the held-out samples, sorted by each model's prediction and cut into 20
# bins of 500, with the mean prediction of each bin against the mean count
# observed in it. A well-calibrated model's points lie on the diagonal. The
# squared-error line is too high in the middle and too low at both ends,
# where it even predicts negative means for bins whose observed counts are
# positive: a straight line cannot follow the exponential growth of the mean.
# Right: the distribution of the predictions (the few above 10 are not shown),
# with the squared-error model's spilling below zero.
fig, (ax_calibration, ax_histogram) = plt.subplots(1, 2, figsize=(11, 4.5))
histogram_bins = np.linspace(-4, 10, 57)  # width 0.25
for name, color in [
    ('GDRegressor(loss="poisson")', "C0"),
    ('GDRegressor(loss="squared_error")', "C3"),
]:
    predicted = predictions[name]
    order = np.argsort(predicted)
    bins = np.array_split(order, 20)
    mean_predicted = [predicted[b].mean() for b in bins]
    mean_observed = [y_test[b].mean() for b in bins]
    ax_calibration.plot(mean_predicted, mean_observed, "o-", color=color, label=name)
    ax_histogram.hist(
        predicted, bins=histogram_bins, alpha=0.5, color=color, label=name
    )
limits = [-1, 7]
ax_calibration.plot(limits, limits, "k--", linewidth=0.8, label="perfect calibration")
ax_calibration.set_xlabel("mean predicted count (bin of 500 samples)")
ax_calibration.set_ylabel("mean observed count")
ax_calibration.set_title("Calibration on held-out data")
ax_calibration.legend()
ax_histogram.axvline(0, color="k", linewidth=0.8)
ax_histogram.set_xlabel("predicted count")
ax_histogram.set_ylabel("number of held-out samples")
ax_histogram.set_title("Distribution of the predictions")
ax_histogram.legend()
fig.tight_layout()

# %%
# So: for counts, ``loss="poisson"`` gives positive, calibrated predictions and
# a held-out deviance close to the true means' (1.123 against 1.109, where the
# squared error scores 1.371 and predicts 666 negative counts of 10 000), and
# with the same ``alpha`` it is ``PoissonRegressor``'s model.
plt.show()
