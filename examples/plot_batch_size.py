"""
Batch size: updates, epochs and noise
=====================================

A mini-batch optimizer makes one update per batch, so ``batch_size`` decides how
many updates an epoch (one pass over the data) buys, and how noisy each one is.
This example trains the same logistic regression with plain SGD and batches of
16 to 1024 samples, and with the whole training set (``batch_size=None``: plain
gradient descent with the same step), for the same number of epochs, and
measures how far each run is from the exact optimum of the objective.

It answers: which batch size gets closest to the optimum for a given number of
epochs, and why no batch size gets all the way there with a constant step.
"""

# %%
# The problem and its exact optimum
# ---------------------------------
# 10,000 samples with 20 standardised features. With up to 10,000 training
# samples, ``loss_curve_`` holds the exact objective :math:`J` over all of them
# after each epoch (beyond that, over 10,000 evenly spaced ones), so we can
# compare it with the optimum :math:`J^*`, which ``optimizer="lbfgs"`` reaches
# with a small ``tol`` in a few dozen iterations.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_classification
from sklearn.preprocessing import StandardScaler

from sklearn_gd import GDClassifier

X, y = make_classification(
    n_samples=10_000, n_features=20, n_informative=10, random_state=0
)
X = StandardScaler().fit_transform(X)

exact = GDClassifier(optimizer="lbfgs", tol=1e-10, max_iter=1000).fit(X, y)
J_star = exact.loss_curve_[-1]

# %%
# Same optimizer, same step, same epochs
# --------------------------------------
# Every run uses ``optimizer="sgd"`` with its default step
# (``learning_rate="auto"``, 0.05), a constant schedule and ``tol=None``, so all
# ``EPOCHS`` epochs run. The fitted ``t_`` counts the updates: ``ceil(10000 /
# batch_size)`` per epoch. One more run, with batches of 16 and
# ``schedule="cosine"``, lets the step decay to zero over the same epochs.
EPOCHS = 40
BATCH_SIZES = [16, 64, 256, 1024, None]
THRESHOLD = 1e-2  # a gap J - J* that is "close" for this problem

runs = [(batch_size, "constant") for batch_size in BATCH_SIZES] + [(16, "cosine")]
gaps, per_epoch = {}, {}
for batch_size, schedule in runs:
    model = GDClassifier(
        optimizer="sgd",
        batch_size=batch_size,
        schedule=schedule,
        tol=None,
        max_iter=EPOCHS,
        random_state=0,
    ).fit(X, y)
    gaps[batch_size, schedule] = np.asarray(model.loss_curve_) - J_star
    per_epoch[batch_size, schedule] = model.t_ // model.n_iter_

print(f"J* = {J_star:.4f} (lbfgs)")
print(
    f"{'batch_size':>16} {'updates/epoch':>13} {'epochs to gap<1e-2':>18} "
    f"{f'gap after {EPOCHS} epochs':>19} {'median of last 10':>17}"
)
for (batch_size, schedule), gap in gaps.items():
    label = f"{batch_size}" + (f", {schedule}" if schedule != "constant" else "")
    reached = np.flatnonzero(gap < THRESHOLD)
    epochs = f"{reached[0] + 1}" if reached.size else "-"
    print(
        f"{label:>16} {per_epoch[batch_size, schedule]:>13} {epochs:>18} "
        f"{gap[-1]:>19.1e} {np.median(gap[-10:]):>17.1e}"
    )

# %%
# Reading the plot
# ----------------
# Left, the gap :math:`J - J^*` after each epoch; right, the same curves against
# the number of updates. Per update, every batch size first follows the same
# path: with the same step, an update moves the parameters about as far
# whatever the batch, so a batch larger than needed spends samples without
# gaining per update. Per epoch, smaller batches therefore get closer sooner:
# an epoch of batches of 16 makes 625 updates, one of the whole set makes one.
# Plain gradient descent (``None``) with the step tuned for mini-batches is the
# slowest of all per epoch; for full passes, ``optimizer="lbfgs"`` (what the
# default ``optimizer="auto"`` picks here) needs no step size at all.
#
# With a constant step the small-batch curves stop falling and jitter: the noise
# of a batch gradient (its variance shrinks like :math:`1/B`) keeps the
# parameters moving around the optimum, by an amount that grows with the step
# :math:`\eta` and falls with the batch size :math:`B`. That floor, not the
# number of updates, sets the final gap of batches of 16. A step that decays
# (dashed: ``schedule="cosine"`` over the run, or ``schedule="adaptive"``, which
# divides the step by 5 at each plateau when ``tol`` is set) removes the floor.
#
# So: smaller batches make more, noisier updates per epoch and need fewer
# epochs, down to a noise floor set by the constant step; to go below it, decay
# the step (or take larger batches), not smaller ones.
fig, (ax_epochs, ax_updates) = plt.subplots(1, 2, figsize=(11, 4.2), sharey=True)
for (batch_size, schedule), gap in gaps.items():
    color = f"C{BATCH_SIZES.index(batch_size)}"
    style = "--" if schedule != "constant" else "-"
    label = f"batch_size={batch_size}"
    if schedule != "constant":
        label += f', schedule="{schedule}"'
    epochs = np.arange(1, len(gap) + 1)
    updates = epochs * per_epoch[batch_size, schedule]
    ax_epochs.plot(epochs, gap, style, color=color, label=label)
    ax_updates.plot(updates, gap, style, color=color, label=label)
for ax in (ax_epochs, ax_updates):
    ax.axhline(THRESHOLD, color="grey", linewidth=0.8, linestyle=":")
    ax.set_yscale("log")
    ax.grid(alpha=0.3)
ax_epochs.set_xlabel("epoch")
ax_epochs.set_ylabel("J - J*  (gap to the optimum)")
ax_epochs.set_title("per epoch: smaller batches get there sooner")
ax_updates.set_xscale("log")
ax_updates.set_xlabel("updates t")
ax_updates.set_title("per update: the same path, down to each noise floor")
ax_epochs.legend(fontsize=8)
fig.suptitle(f'GDClassifier(optimizer="sgd"), {EPOCHS} epochs, 10,000 x 20')
fig.tight_layout()

plt.show()
