"""
Class weights on imbalanced data
================================

When one class is rare, a classifier trained to minimise the average loss can
score a high accuracy by mostly predicting the common class, and still miss
most of the rare one. ``class_weight`` changes what training pays attention to:
it multiplies the loss of every sample of a class by that class's weight, so
the rare class counts for more in the objective and the decision boundary
moves towards the common class.

This example fits the same ``GDClassifier`` on two-dimensional data with 5% of
one class, with ``class_weight=None``, a hand-chosen dict and ``"balanced"``. It
draws the three decision boundaries and compares the recall of the rare class,
the balanced accuracy and the accuracy. It also checks that
``class_weight="balanced"`` is nothing more than per-sample weights: the same
model as ``sample_weight=compute_sample_weight("balanced", y)``.
"""

# %%
# Imbalanced data
# ---------------
# ``make_classification`` with ``weights=[0.95, 0.05]``: 2000 samples in two
# overlapping clusters, of which 100 belong to class 1. Half of them, split with
# the same class proportions (``stratify=y``), train the models; the other half
# scores them.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_classification
from sklearn.metrics import accuracy_score, balanced_accuracy_score, recall_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.class_weight import compute_class_weight, compute_sample_weight

from sklearn_gd import GDClassifier

X, y = make_classification(
    n_samples=2000,
    n_features=2,
    n_informative=2,
    n_redundant=0,
    n_clusters_per_class=1,
    weights=[0.95, 0.05],
    class_sep=0.8,
    flip_y=0,
    random_state=4,
)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.5, stratify=y, random_state=0
)
print(f"training samples per class: {np.bincount(y_train).tolist()}")

# %%
# Three class weightings
# ----------------------
# The objective of ``GDClassifier`` is a weighted mean of the losses,
#
# .. math:: J(W, b) = \frac{\sum_i s_i L(y_i, x_i W + b)}{\sum_i s_i}
#           + \alpha R(W),
#
# where the weight :math:`s_i` of a sample is its ``sample_weight`` (1 by
# default) times its class's weight. We compare three settings:
#
# - ``class_weight=None``: every sample counts the same, so class 0 makes up 95%
#   of the objective;
# - ``class_weight={1: 5}``: each sample of class 1 counts five times (classes
#   left out of the dict keep weight 1);
# - ``class_weight="balanced"``: class :math:`k` gets the weight
#   :math:`n / (K n_k)`, with :math:`n_k` its number of samples and :math:`K`
#   the number of classes, so that both classes weigh the same in total.
#
# Each model is a ``Pipeline`` of a ``StandardScaler`` and the classifier, with
# every other parameter at its default (``optimizer="auto"`` is L-BFGS here).
# We score each one on the test half with three numbers. The *recall* of class 1
# is the share of rare samples it finds. The *balanced accuracy* is the mean of
# the two classes' recalls. The *accuracy* is the share of all samples
# classified right. Predicting class 0 everywhere would score an accuracy of
# 0.95 and a balanced accuracy of 0.5.
balanced_weights = compute_class_weight(
    "balanced", classes=np.unique(y_train), y=y_train
)
print(f'"balanced" class weights: {np.round(balanced_weights, 3).tolist()}')

CLASS_WEIGHTS = [None, {1: 5}, "balanced"]
models = {}
print(f"{'class_weight':12s} {'recall 1':>8s} {'bal. acc.':>9s} {'accuracy':>8s}")
for class_weight in CLASS_WEIGHTS:
    model = make_pipeline(
        StandardScaler(), GDClassifier(class_weight=class_weight, random_state=0)
    )
    model.fit(X_train, y_train)
    models[repr(class_weight)] = model
    predicted = model.predict(X_test)
    print(
        f"{class_weight!r:12s} {recall_score(y_test, predicted):8.2f} "
        f"{balanced_accuracy_score(y_test, predicted):9.3f} "
        f"{accuracy_score(y_test, predicted):8.3f}"
    )

# %%
# Decision boundaries
# -------------------
# Each panel shows the test samples, class 1 in red. The background is the
# predicted probability of class 1 and the black line the decision boundary,
# where that probability is 1/2. The dashed line repeats the unweighted
# boundary in every panel. The heavier class 1 weighs, the further the boundary
# moves into the cloud of class 0. It catches more of the red points, at the
# price of more blue points on the wrong side.
x_min, y_min = X.min(axis=0) - 0.5
x_max, y_max = X.max(axis=0) + 0.5
grid_x, grid_y = np.meshgrid(
    np.linspace(x_min, x_max, 300), np.linspace(y_min, y_max, 300)
)
grid = np.c_[grid_x.ravel(), grid_y.ravel()]
unweighted = models["None"].predict_proba(grid)[:, 1].reshape(grid_x.shape)

fig, axes = plt.subplots(1, 3, figsize=(13, 4.4), sharex=True, sharey=True)
for ax, (name, model) in zip(axes, models.items()):
    proba = model.predict_proba(grid)[:, 1].reshape(grid_x.shape)
    ax.contourf(grid_x, grid_y, proba, levels=20, cmap="RdBu_r", alpha=0.5)
    ax.contour(grid_x, grid_y, proba, levels=[0.5], colors="k", linewidths=1.5)
    ax.contour(grid_x, grid_y, unweighted, levels=[0.5], colors="k", linestyles="--")
    for label, color, size in [(0, "tab:blue", 8), (1, "tab:red", 22)]:
        members = y_test == label
        ax.scatter(
            X_test[members, 0],
            X_test[members, 1],
            c=color,
            s=size,
            edgecolors="k",
            linewidths=0.3,
            label=f"class {label}",
        )
    predicted = model.predict(X_test)
    ax.set_title(
        f"class_weight={name}\nrecall of class 1 "
        f"{recall_score(y_test, predicted):.2f}, balanced accuracy "
        f"{balanced_accuracy_score(y_test, predicted):.3f}",
        fontsize=10,
    )
    ax.set_xlabel("feature 0")
axes[0].set_ylabel("feature 1")
axes[0].legend(loc="lower right")
fig.tight_layout()

# %%
# ``"balanced"`` is a sample weight
# ---------------------------------
# ``class_weight`` only multiplies the sample weights, so fitting with
# ``class_weight="balanced"`` and fitting with
# ``sample_weight=compute_sample_weight("balanced", y)`` give the same model. In
# a ``Pipeline`` the sample weights go to the classifier's step as
# ``gdclassifier__sample_weight``.
#
# Because :math:`J` divides by :math:`\sum_i s_i`, only the *ratio* of the
# class weights matters. Multiplying every weight by the same number changes
# nothing, so ``"balanced"`` here is the same as ``{1: n_0 / n_1}``, that is
# ``{1: 19}``: the coefficients agree up to rounding errors (about 1e-15).
by_class_weight = models["'balanced'"][-1]
by_sample_weight = make_pipeline(StandardScaler(), GDClassifier(random_state=0))
by_sample_weight.fit(
    X_train,
    y_train,
    gdclassifier__sample_weight=compute_sample_weight("balanced", y_train),
)
counts = np.bincount(y_train)
by_ratio = make_pipeline(
    StandardScaler(),
    GDClassifier(class_weight={1: counts[0] / counts[1]}, random_state=0),
)
by_ratio.fit(X_train, y_train)
for name, other in [
    ("sample_weight", by_sample_weight[-1]),
    (f"{{1: {counts[0] / counts[1]:g}}}", by_ratio[-1]),
]:
    difference = max(
        np.abs(by_class_weight.coef_ - other.coef_).max(),
        np.abs(by_class_weight.intercept_ - other.intercept_).max(),
    )
    print(
        f'"balanced" vs {name}: max |difference| of coef_, intercept_ {difference:.1e}'
    )

# %%
# What to take from it
# --------------------
# - Unweighted, the model finds few of the rare samples, and its accuracy is
#   below the 0.95 of always predicting class 0. On imbalanced data, accuracy
#   hides this: look at the recall of the rare class or the balanced accuracy.
# - ``class_weight="balanced"`` moves the boundary so that it finds most of the
#   rare samples. It raises the balanced accuracy and lowers the accuracy, since
#   more common samples are now misclassified. A dict such as ``{1: 5}`` sits in
#   between: the weight is a dial between the two errors.
# - ``"balanced"`` is exactly ``sample_weight=compute_sample_weight("balanced",
#   y)``, and only the ratio of the class weights matters.
#
# So: on imbalanced data, choose ``class_weight`` by the error you care about,
# and judge the model by the balanced accuracy or the rare class's recall, not
# by the accuracy.

plt.show()
