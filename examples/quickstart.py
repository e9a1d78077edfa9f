"""
Quickstart: a pipeline tuned with GridSearchCV
==============================================

The grid covers the learning rate, the penalty and a parameter of the optimizer
object itself (``optimizer__beta1``), exactly as for any scikit-learn
hyper-parameter. Run with ``python examples/quickstart.py``.
"""

from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_gd import GDClassifier
from sklearn_gd.optimizers import Adam

X, y = load_breast_cancer(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, stratify=y, random_state=0
)

pipeline = Pipeline(
    [
        ("scale", StandardScaler()),
        ("model", GDClassifier(optimizer=Adam(), random_state=0)),
    ]
)
grid = {
    "model__learning_rate": [0.01, 0.05],
    "model__penalty": ["l2", "l1"],
    "model__optimizer__beta1": [0.8, 0.9],
}
search = GridSearchCV(pipeline, grid, cv=3).fit(X_train, y_train)

print("best parameters:", search.best_params_)
print(f"cross-validated accuracy: {search.best_score_:.3f}")
print(f"test accuracy:            {search.score(X_test, y_test):.3f}")
model = search.best_estimator_[-1]
print(f"epochs: {model.n_iter_}, updates: {model.t_}, "
      f"final objective: {model.loss_curve_[-1]:.4f}")
