"""
Early stopping with a validation set
====================================

A network with enough weights can memorise its training data, noise included:
the training objective keeps falling while the accuracy on new data peaks and
then declines. ``early_stopping=True`` holds out part of the training data,
scores it after every epoch, stops once the score has not improved for a
while, and keeps the weights of the best epoch. This example shows what that
looks like, and what it is worth against training for a fixed number of epochs.
"""

# %%
# Noisy data and a network that can overfit it
# ---------------------------------------------
#
# Two classes in 20 features, and 20% of the samples given a random class
# (``flip_y=0.2``): no model can predict those, so a model that fits them has
# learnt noise. Half
# of the 4000 samples are kept apart as a test set. The model is a network with
# one hidden layer of 64 ReLU units and no penalty (``alpha=0``), so nothing
# but the number of epochs limits how closely it fits the training data.
#
# With ``early_stopping=True`` the estimator holds out ``validation_fraction``
# of the training samples (stratified), trains on the rest, and after each epoch
# appends their accuracy to ``validation_scores_``. Training stops once
# ``n_iter_no_change`` epochs in a row have not raised the best score by
# ``tol``; the weights of the best epoch are then restored and its score is
# ``best_validation_score_``. Scoring needs epochs, so this takes a mini-batch
# optimizer: ``optimizer="auto"`` picks Adam (it would anyway, for a network).
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_gd import GDClassifier

X, y = make_classification(
    n_samples=4000, n_features=20, n_informative=5, flip_y=0.2, random_state=0
)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.5, stratify=y, random_state=0
)
MAX_ITER = 200


def network(**params):
    """A standardised (64,) ReLU network without penalty."""
    classifier = GDClassifier(
        hidden_layer_sizes=(64,), alpha=0.0, max_iter=MAX_ITER, random_state=0
    )
    return make_pipeline(StandardScaler(), classifier.set_params(**params))


stopped = network(early_stopping=True, validation_fraction=0.2, n_iter_no_change=10)
stopped.fit(X_train, y_train)
model = stopped[-1]
best_epoch = int(np.argmax(model.validation_scores_)) + 1
print(f"optimizer_: {model.optimizer_}")
print(
    f"early stopping: stopped after {model.n_iter_} epochs, best validation "
    f"accuracy {model.best_validation_score_:.3f} at epoch {best_epoch} (restored)"
)

# %%
# Training stopped ``n_iter_no_change=10`` epochs after the best one. (The
# epochs without improvement must also span at least 50 updates; here each
# epoch of 1600 training samples is 7 updates of ``batch_size="auto"``, 256,
# so 10 epochs are enough.)
#
# For comparison, two fits that do not stop early:
#
# * the same fit with ``n_iter_no_change=MAX_ITER`` and ``tol=None`` (every epoch
#   counts as an improvement), which runs all 200 epochs and so shows the
#   validation score *after* the point where early stopping stopped (it still
#   restores its best epoch at the end);
# * a plain fit, ``early_stopping=False``, on all the training samples for a
#   fixed ``max_iter=200`` epochs (``tol=None`` again, so it neither stops
#   earlier nor warns that it reached ``max_iter``).
watched = network(
    early_stopping=True, validation_fraction=0.2, n_iter_no_change=MAX_ITER, tol=None
).fit(X_train, y_train)
fixed = network(tol=None).fit(X_train, y_train)
print(f"without early stopping: {fixed[-1].n_iter_} epochs")
print(
    f"test accuracy: {stopped.score(X_test, y_test):.3f} with early stopping, "
    f"{fixed.score(X_test, y_test):.3f} without "
    f"(training accuracy {fixed.score(X_train, y_train):.3f})"
)

# %%
# Reading the curves
# ------------------
#
# Left: the training objective ``loss_curve_`` (the log loss :math:`J` on the
# training samples at the end of each epoch) keeps falling towards zero for as
# long as training runs: the network ends up fitting nearly every training
# label, random ones included. Right: the validation accuracy rises for the first
# epochs, peaks, and then drifts down as the network fits the noise. Early
# stopping stops shortly after the peak and keeps the peak's weights; training
# on (pale curve) only lowers the score, and the plain 200-epoch fit scores
# lower on the test set too.
fig, (ax_loss, ax_score) = plt.subplots(1, 2, figsize=(12, 4.5))
epochs = np.arange(1, MAX_ITER + 1)
ax_loss.plot(epochs, fixed[-1].loss_curve_, color="C1", label="without early stopping")
ax_loss.plot(
    epochs[: model.n_iter_], model.loss_curve_, color="C0", label="early stopping"
)
ax_loss.set_yscale("log")
ax_loss.set_ylabel("training objective J (loss_curve_)")

ax_score.plot(
    epochs,
    watched[-1].validation_scores_,
    color="C0",
    alpha=0.35,
    label="same fit, never stopped",
)
ax_score.plot(
    epochs[: model.n_iter_],
    model.validation_scores_,
    color="C0",
    label="early stopping: validation_scores_",
)
ax_score.plot(
    best_epoch,
    model.best_validation_score_,
    "o",
    color="C3",
    label=f"best_validation_score_ (epoch {best_epoch}, restored)",
)
ax_score.set_ylabel("validation accuracy")
for ax in (ax_loss, ax_score):
    ax.axvline(model.n_iter_, color="grey", linestyle="--", label="training stopped")
    ax.set_xlabel("epoch")
    ax.legend(fontsize=8)
fig.tight_layout()

# %%
# So: when a model can overfit, ``early_stopping=True`` picks the number of
# epochs for you, at the cost of ``validation_fraction`` of the training data.
plt.show()
