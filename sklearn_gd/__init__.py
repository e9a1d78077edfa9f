"""scikit-learn estimators trained by gradient descent.

Pick the loss, the optimizer, the penalty and the learning-rate schedule, and
grid-search over them like any other hyper-parameter. The components live in
:mod:`sklearn_gd.losses`, :mod:`sklearn_gd.optimizers`,
:mod:`sklearn_gd.penalties` and :mod:`sklearn_gd.schedules`.
"""

from ._classifier import GDClassifier
from ._lr_find import LRFinderResult, lr_find
from ._regressor import GDRegressor

__all__ = ["GDClassifier", "GDRegressor", "LRFinderResult", "lr_find"]
__version__ = "0.1.0"
