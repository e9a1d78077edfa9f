"""
Regularisation paths: L1, L2 and elastic net
============================================

How does the strength ``alpha`` of a penalty change the weights of a linear
model? This example fits ``GDRegressor`` on the diabetes data with
``penalty="l1"``, ``"l2"`` and ``"elasticnet"`` over a grid of ``alpha`` and
draws each coefficient against ``alpha``: its *regularisation path*.

L2 (ridge) shrinks every weight towards zero but leaves none at zero; L1
(lasso) sets weights to *exactly* zero one after the other, so it also selects
features; elastic net does both. The fits reach the optimum of the same
objective as scikit-learn's, so the zeros are those of ``Lasso`` and
``ElasticNet``, which the example checks.
"""

# %%
# The objective and the solvers
# -----------------------------
#
# Both estimators minimise
#
# .. math::
#
#    J(w, b) = \frac{1}{n} \sum_i L(y_i, f(x_i)) + \alpha R(w),
#
# with the squared error :math:`L = \frac{1}{2}(y - f)^2` here, and
# :math:`R(w) = \|w\|_1` for ``"l1"``, :math:`\frac{1}{2}\|w\|_2^2` for ``"l2"``
# and :math:`(1 - \rho) \frac{1}{2}\|w\|_2^2 + \rho \|w\|_1` for
# ``"elasticnet"`` (:math:`\rho` = ``l1_ratio``, 0.5 here). For ``"l1"`` this is
# exactly the objective of ``Lasso(alpha)``, and for ``"elasticnet"`` that of
# ``ElasticNet(alpha, l1_ratio)``.
#
# The default ``optimizer="auto"`` picks a full-batch solver from the penalty:
# ``lbfgs`` (L-BFGS) for the smooth L2 penalty, and ``fista`` (accelerated
# proximal gradient, whose soft-thresholding step leaves exact zeros) for L1 and
# elastic net, whose :math:`|w|` has a kink at 0 that L-BFGS cannot take. The
# fitted ``optimizer_`` says which one ran.
#
# Each path is fitted from the largest ``alpha`` down, with ``warm_start=True``:
# every fit starts from the previous, nearby solution instead of from scratch,
# which saves iterations (counted below for the L1 path). The features are
# standardised so that one ``alpha`` weighs them all alike.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_diabetes
from sklearn.linear_model import ElasticNet, Lasso
from sklearn.preprocessing import StandardScaler

from sklearn_gd import GDRegressor

data = load_diabetes()
X = StandardScaler().fit_transform(data.data)
y = data.target
alphas = np.logspace(2, -2, 41)  # from strong to weak: 100 down to 0.01
PENALTIES = {
    "l1": {"penalty": "l1"},
    "l2": {"penalty": "l2"},
    "elasticnet": {"penalty": "elasticnet", "l1_ratio": 0.5},
}


def fit_path(params, warm_start=True):
    """Coefficients at each alpha, the fitted optimizer and the total iterations."""
    model = GDRegressor(**params, warm_start=warm_start)
    coefs, n_iter = [], 0
    for alpha in alphas:
        model.set_params(alpha=alpha).fit(X, y)
        coefs.append(model.coef_.copy())
        n_iter += model.n_iter_
    return np.array(coefs), model.optimizer_, n_iter


paths, iterations = {}, {}
for name, params in PENALTIES.items():
    coefs, optimizer, iterations[name] = fit_path(params)
    paths[name] = coefs
    zeros = {
        alpha: int(np.sum(coefs[np.isclose(alphas, alpha)] == 0))
        for alpha in (0.1, 1.0, 10.0)
    }
    counts = ", ".join(f"{zeros[alpha]} at alpha={alpha:g}" for alpha in zeros)
    print(f"{name:10s} optimizer_={optimizer}  exact zeros of 10: {counts}")

_, _, cold = fit_path(PENALTIES["l1"], warm_start=False)
print(f"L1 path: {iterations['l1']} FISTA iterations with warm_start, {cold} without")

# %%
# Same zeros as scikit-learn's coordinate descent
# -----------------------------------------------
#
# ``Lasso`` and ``ElasticNet`` solve the same problems by coordinate descent.
# At every ``alpha`` of the grid, the coefficients that are exactly zero
# (``coef_ == 0``) are the same features.
lasso = np.array([Lasso(alpha=alpha).fit(X, y).coef_ for alpha in alphas])
enet = np.array(
    [ElasticNet(alpha=alpha, l1_ratio=0.5).fit(X, y).coef_ for alpha in alphas]
)
same_l1 = np.array_equal(paths["l1"] == 0, lasso == 0)
same_enet = np.array_equal(paths["elasticnet"] == 0, enet == 0)
print(f"zero pattern matches Lasso at all {len(alphas)} alphas: {same_l1}")
print(f"zero pattern matches ElasticNet at all {len(alphas)} alphas: {same_enet}")

# %%
# The paths
# ---------
#
# Read each top panel from right to left: as ``alpha`` decreases, the weights
# grow from zero towards the unpenalised least-squares fit. The L1 weights leave
# zero one at a time, ``bmi`` and ``s5`` first (the most useful features), and
# a weight can even return to zero when correlated features take over its role
# (``s3`` near ``alpha=0.1``; ``s1``-``s6`` are correlated blood serum
# measurements). The L2 weights are non-zero at every ``alpha`` and reach zero
# only in the limit. Elastic net lies in between: its weights leave zero too,
# but at larger ``alpha`` (its L1 part is ``alpha * l1_ratio``) and more
# smoothly, and fewer are zero at a given ``alpha``. The bottom panels count the
# exact zeros at each ``alpha``.
fig, axes = plt.subplots(
    2,
    3,
    figsize=(13, 6.5),
    sharex=True,
    sharey="row",
    gridspec_kw={"height_ratios": [3, 1]},
)
for column, (name, coefs) in enumerate(paths.items()):
    top, bottom = axes[:, column]
    for j, feature in enumerate(data.feature_names):
        top.plot(alphas, coefs[:, j], color=f"C{j}", label=feature)
    top.axhline(0, color="grey", linewidth=0.8)
    title = f'penalty="{name}"' + (", l1_ratio=0.5" if name == "elasticnet" else "")
    top.set_title(title)
    bottom.step(alphas, np.sum(coefs == 0, axis=1), where="mid", color="k")
    bottom.set_xscale("log")
    bottom.set_xlabel("alpha")
axes[0, 0].set_ylabel("coefficient")
axes[1, 0].set_ylabel("exact zeros")
axes[1, 0].set_ylim(-0.5, 10.5)
axes[0, 2].legend(fontsize=8, ncol=2, loc="upper right")
fig.tight_layout()

# %%
# So: to select features, use ``penalty="l1"`` (or ``"elasticnet"`` among
# correlated features) and let ``optimizer="auto"`` pick ``fista``, which gives
# the exact zeros of ``Lasso``; ``"l2"`` only shrinks.
plt.show()
