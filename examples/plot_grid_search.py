"""
Grid search over the optimizer and its learning rate
====================================================

Which learning rate should a mini-batch optimizer use? The answer depends on the
optimizer. Plain SGD moves each weight by the step times the gradient, Adam and
RMSprop by about the step itself whatever the size of the gradient, and momentum
multiplies SGD's effective step by ten. So a learning rate that works for one
optimizer can be far too small or far too large for another.

This example cross-validates every pair of five optimizers and six learning
rates with scikit-learn's ``GridSearchCV`` and draws the mean accuracy of each
pair as a heat map. Each optimizer has its own band of good steps, and the bands
sit up to two decades apart: tune the learning rate *for each optimizer*, never
carry it over from another one.
"""

# %%
# The search
# ----------
# The digits data set (1797 images of 8x8 pixels, 10 classes), standardised by a
# ``StandardScaler`` in a ``Pipeline``, so that each cross-validation fold is
# scaled with the statistics of its own training part. The grid crosses the
# optimizers ``"sgd"``, ``"momentum"`` (SGD with ``momentum=0.9``), ``"adam"``,
# ``"rmsprop"`` and ``"adagrad"`` with learning rates from ``1e-4`` to ``10``,
# one per decade: 30 candidates, 90 fits with ``cv=3``.
#
# Every fit gets the same budget: ``max_iter=30`` epochs with ``tol=None``, which
# turns the stopping rule off, so each fit runs exactly 30 epochs (150 updates
# of at most 256 samples). The heat map therefore shows how good a model each
# step size reaches in a fixed amount of work. With the default ``tol`` the
# smallest steps would instead run to ``max_iter`` and warn that they did not
# converge.
#
# **Steps that are too large.** Log loss has a bounded gradient, so even a step
# of 10 does not make the weights overflow. Instead the fit ends with an
# objective above the one it started from (the best constant model), and
# ``GDClassifier`` warns about it with a ``ConvergenceWarning``. Here we make the
# search strict: inside the ``with`` block that warning becomes an error, the fit
# fails, and ``GridSearchCV`` scores that fold ``error_score=np.nan`` (the
# default, written out here). The candidate's mean score is then NaN: it ranks
# last and leaves a blank cell in the heat map. A step that really diverges, such
# as ``GDRegressor(optimizer="sgd", learning_rate=10)`` on the diabetes data,
# raises ``ValueError("Training diverged ...")`` and ends up the same way, with
# no filter needed. ``GridSearchCV`` reports failed fits with a
# ``FitFailedWarning`` and a ``UserWarning`` about non-finite scores. The code
# below prints the failures itself, so it silences those two warnings.
import warnings

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning, FitFailedWarning
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_gd import GDClassifier

OPTIMIZERS = ["sgd", "momentum", "adam", "rmsprop", "adagrad"]
LEARNING_RATES = [1e-4, 1e-3, 1e-2, 1e-1, 1.0, 10.0]
N_SPLITS = 3

X, y = load_digits(return_X_y=True)
pipeline = make_pipeline(
    StandardScaler(), GDClassifier(max_iter=30, tol=None, random_state=0)
)
param_grid = {
    "gdclassifier__optimizer": OPTIMIZERS,
    "gdclassifier__learning_rate": LEARNING_RATES,
}
search = GridSearchCV(pipeline, param_grid, cv=N_SPLITS, error_score=np.nan, n_jobs=1)
with warnings.catch_warnings():
    warnings.simplefilter("error", category=ConvergenceWarning)
    warnings.simplefilter("ignore", category=FitFailedWarning)
    warnings.filterwarnings(
        "ignore", message="One or more of the test scores are non-finite"
    )
    search.fit(X, y)

# %%
# The results as a table
# ----------------------
# ``cv_results_`` holds one row per candidate. We arrange the mean test scores
# as an optimizers x learning rates table and count the folds that failed.
results = search.cv_results_
scores = np.full((len(OPTIMIZERS), len(LEARNING_RATES)), np.nan)
failed = {}
for index, params in enumerate(results["params"]):
    row = OPTIMIZERS.index(params["gdclassifier__optimizer"])
    column = LEARNING_RATES.index(params["gdclassifier__learning_rate"])
    scores[row, column] = results["mean_test_score"][index]
    fold_scores = [results[f"split{k}_test_score"][index] for k in range(N_SPLITS)]
    n_failed = int(np.isnan(fold_scores).sum())
    if n_failed:
        failed[(row, column)] = n_failed

n_fits = len(results["params"]) * N_SPLITS
print(f"{sum(failed.values())} of {n_fits} fits warned and were scored NaN:")
for (row, column), n_failed in failed.items():
    print(
        f"  {OPTIMIZERS[row]}, learning_rate={LEARNING_RATES[column]:g}: "
        f"{n_failed} of {N_SPLITS} folds"
    )
best = search.best_params_
print(
    f"best_params_: optimizer={best['gdclassifier__optimizer']!r}, "
    f"learning_rate={best['gdclassifier__learning_rate']:g}; "
    f"best_score_ {search.best_score_:.3f}"
)
best_columns = np.nanargmax(scores, axis=1)
for row, column in enumerate(best_columns):
    print(
        f"  {OPTIMIZERS[row]:8s} best learning_rate={LEARNING_RATES[column]:<6g} "
        f"mean accuracy {scores[row, column]:.3f}"
    )

# %%
# The heat map
# ------------
# Rows are optimizers and columns learning rates. Each cell shows the mean
# accuracy over the three folds, as a colour and as a number. A blank cell is a
# candidate with a fold that warned: its step was too large. A box marks the
# best learning rate of each row. Left of the box, the steps are too small to
# get far in 30 epochs. Right of it, they overshoot and the score drops again.
fig, ax = plt.subplots(figsize=(8, 4.5))
image = ax.imshow(scores, cmap="viridis", vmin=0.6, vmax=0.95)
for row in range(len(OPTIMIZERS)):
    for column in range(len(LEARNING_RATES)):
        score = scores[row, column]
        if np.isnan(score):
            ax.text(column, row, "warned", ha="center", va="center", color="0.4")
        else:
            color = "black" if score > 0.8 else "white"
            ax.text(column, row, f"{score:.3f}", ha="center", va="center", color=color)
    ax.add_patch(
        Rectangle(
            (best_columns[row] - 0.5, row - 0.5),
            1,
            1,
            fill=False,
            edgecolor="red",
            linewidth=2,
        )
    )
ax.set_xticks(range(len(LEARNING_RATES)), [f"{lr:g}" for lr in LEARNING_RATES])
ax.set_yticks(range(len(OPTIMIZERS)), OPTIMIZERS)
ax.set_xlabel("learning_rate")
ax.set_ylabel("optimizer")
ax.set_title("digits: mean accuracy of 3-fold CV after 30 epochs")
fig.colorbar(image, ax=ax, label="mean test accuracy")
fig.tight_layout()

# %%
# What to take from it
# --------------------
# - At their best steps the five optimizers tie: 0.923 to 0.930 mean accuracy,
#   a difference of about a dozen images out of 1797. The optimizer matters
#   less than the step you give it.
# - The best step is 0.01 for Adam and RMSprop, 0.1 for momentum and Adagrad,
#   and 1 for plain SGD: two decades apart. Adam and RMSprop move each weight by
#   about the step, whatever the gradient. SGD moves it by the step times a
#   log-loss gradient that is well below 1, so it needs a larger step. Momentum's
#   effective step is :math:`\eta / (1 - \mu) = 10\,\eta`, which puts its band one
#   decade left of SGD's.
# - Adam and RMSprop also fail first on the large side: at 10 their fits end
#   worse than the constant model they started from. At 1, RMSprop's objective
#   swings far above its start before it settles; on a fold where it settles
#   back near the start the fit warns that it made no progress because its
#   steps are too large (such chaotic runs differ between machines).
#
# So: search the learning rate together with the optimizer, over a log grid,
# rather than reusing a step tuned for another optimizer. ``learning_rate="auto"``
# (the default) picks a step per optimizer for the same reason (see the
# optimizers page), and for a smooth loss on data that fits in memory the
# default ``optimizer="auto"`` (L-BFGS) needs no step at all.

plt.show()
