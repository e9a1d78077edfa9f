"""
Hidden layers: decision boundaries on two moons
===============================================

A linear model (no hidden layer) can only draw a straight boundary between the
two interleaved half-circles. One hidden layer bends it; two layers bend it
more sharply. The activation sets the boundary's shape: ReLU's is piecewise
linear, tanh's smooth. The logistic networks stay close to the linear
boundary: with outputs centred on 1/2 and a derivative of at most 1/4, their
gradients are small, and training reaches a plateau that the stopping rule
takes for the end (``MLPClassifier`` with ``activation="logistic"`` scores the
same 0.847 here). See
:ref:`sphx_glr_auto_examples_plot_gradient_norms.py`.
"""

# %%
# Nine classifiers on two moons
# -----------------------------
# Each panel is ``GDClassifier(hidden_layer_sizes=..., activation=...)`` with
# every other parameter at its default (``optimizer="auto"`` is Adam for a
# network), and shows the training accuracy.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_moons

from sklearn_gd import GDClassifier

ARCHITECTURES = [(), (16,), (16, 16)]
ACTIVATIONS = ["relu", "tanh", "logistic"]

X, y = make_moons(n_samples=300, noise=0.2, random_state=0)
grid_x, grid_y = np.meshgrid(np.linspace(-1.6, 2.6, 200), np.linspace(-1.2, 1.7, 200))
grid = np.c_[grid_x.ravel(), grid_y.ravel()]

figure, axes = plt.subplots(
    len(ACTIVATIONS), len(ARCHITECTURES), figsize=(11, 10), sharex=True, sharey=True
)
for row, activation in enumerate(ACTIVATIONS):
    for column, sizes in enumerate(ARCHITECTURES):
        model = GDClassifier(
            hidden_layer_sizes=sizes, activation=activation, random_state=0
        ).fit(X, y)
        proba = model.predict_proba(grid)[:, 1].reshape(grid_x.shape)
        ax = axes[row, column]
        ax.contourf(grid_x, grid_y, proba, levels=20, cmap="RdBu", alpha=0.7)
        ax.contour(grid_x, grid_y, proba, levels=[0.5], colors="k", linewidths=1)
        ax.scatter(X[:, 0], X[:, 1], c=y, cmap="RdBu", edgecolors="k", s=12)
        title = f"hidden_layer_sizes={sizes}"
        if sizes:
            title += f"\nactivation={activation!r}"
        ax.set_title(f"{title}\naccuracy {model.score(X, y):.3f}", fontsize=9)
        print(f"{str(sizes):9s} {activation:9s} accuracy {model.score(X, y):.3f}")
figure.tight_layout()

# %%
# So: a hidden layer lets the model bend its boundary; ReLU (the default) or
# tanh train well, while logistic units slow the gradients down, and with
# them training.
plt.show()
