"""
Vanishing gradients, seen in ``gradient_norms_``
================================================

``gradient_norms_[epoch, layer]`` is the norm of each weight matrix's gradient
during an epoch (the root mean square over its updates). Backpropagation
multiplies the signal reaching a layer by every later layer's weights and
activation derivatives. The logistic function's derivative is at most 1/4,
so in a deep logistic network the first layers' gradients are orders of
magnitude below the last ones' and those layers barely learn: the vanishing
gradient problem. ReLU's derivative is 1 where a unit is active and He
initialisation keeps the signal's size through the layers, so every layer
gets a gradient of a similar size.

"""

# %%
# Two deep networks
# -----------------
# Both networks have six hidden layers of 32 units and train with plain SGD
# for 30 epochs on the same data (``init="auto"`` gives Glorot to the logistic
# network and He to the ReLU one).
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_classification
from sklearn.preprocessing import StandardScaler

from sklearn_gd import GDClassifier

X, y = make_classification(n_samples=2000, n_features=20, random_state=0)
X = StandardScaler().fit_transform(X)
deep = dict(
    hidden_layer_sizes=(32,) * 6, optimizer="sgd", max_iter=30, tol=None,
    random_state=0,
)

# %%
# Their gradient norms, layer by layer
# ------------------------------------
# The logistic network barely moves, and its fit says so ("made no
# progress"): that is what this example shows, so the warning is silenced
# for that fit only.
figure, axes = plt.subplots(1, 2, figsize=(11, 4), sharey=True)
for ax, activation in zip(axes, ["logistic", "relu"]):
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*made no progress")
        model = GDClassifier(activation=activation, **deep).fit(X, y)
    norms = model.gradient_norms_
    for layer in range(norms.shape[1]):
        label = "output" if layer == norms.shape[1] - 1 else f"hidden {layer + 1}"
        ax.semilogy(np.arange(1, len(norms) + 1), norms[:, layer], label=label)
    ax.set_title(f"activation={activation!r}: accuracy {model.score(X, y):.3f}")
    ax.set_xlabel("epoch")
    ratio = norms[-1, 0] / norms[-1, -1]
    print(
        f"{activation:8s} accuracy {model.score(X, y):.3f}; last epoch, first "
        f"layer / output layer gradient norm {ratio:.1e}"
    )
axes[0].set_ylabel("gradient norm per weight matrix")
axes[1].legend(fontsize=8)
figure.tight_layout()

# %%
# So: in a deep network, a first layer whose ``gradient_norms_`` sit orders
# of magnitude below the output layer's is barely learning; ReLU activations
# with He initialisation (the default ``init="auto"``) keep every layer's
# gradient of one size.
plt.show()
