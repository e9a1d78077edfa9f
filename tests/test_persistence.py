"""Safe persistence (``sklearn_gd/_persistence.py``): a fitted estimator's
state is plain data, so ``skops.io`` needs only the estimator class trusted,
files stay within twice ``SGDClassifier``'s, and loading gives the same
predictions, for linear models and networks; ``pickle`` round trips too, and
``partial_fit`` continues from a loaded model."""

import pickle

import numpy as np
import pytest
from _helpers import breast_cancer, diabetes
from numpy.testing import assert_array_equal
from sklearn.linear_model import SGDClassifier, SGDRegressor

from sklearn_gd import GDClassifier, GDRegressor
from sklearn_gd.activations import Activation
from sklearn_gd.optimizers import Adam

sio = pytest.importorskip("skops.io")

CASES = {
    "classifier": (GDClassifier(random_state=0), SGDClassifier(random_state=0),
                   breast_cancer),
    "regressor": (GDRegressor(random_state=0), SGDRegressor(random_state=0),
                  diabetes),
}


@pytest.mark.parametrize("case", list(CASES))
def test_skops_trusts_only_the_estimator_class_and_files_stay_small(case):
    # Before: GDClassifier, TrainingState, the loss and optimizer classes had
    # to be trusted, and files were 346-661 KB against SGDClassifier's 31 KB.
    ours, reference, data = CASES[case]
    X, y = data()
    ours.fit(X, y)
    saved = sio.dumps(ours)
    untrusted = sio.get_untrusted_types(data=saved)
    assert untrusted == [f"sklearn_gd.{type(ours).__module__.split('.')[-1]}."
                         f"{type(ours).__name__}"]
    assert len(saved) <= 2 * len(sio.dumps(reference.fit(X, y)))
    loaded = sio.loads(saved, trusted=untrusted)
    assert_array_equal(loaded.predict(X), ours.predict(X))
    assert_array_equal(loaded.loss_curve_, ours.loss_curve_)
    assert loaded.optimizer_.get_params() == ours.optimizer_.get_params()


def test_a_network_with_dropout_loads_and_continues():
    X, y = breast_cancer()
    model = GDClassifier(hidden_layer_sizes=(8,), dropout=0.2,
                         activation="leaky_relu", random_state=0).fit(X, y)
    saved = sio.dumps(model)
    untrusted = sio.get_untrusted_types(data=saved)
    assert untrusted == ["sklearn_gd._classifier.GDClassifier"]
    loaded = sio.loads(saved, trusted=untrusted)
    assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))
    # partial_fit goes on from the loaded model (with a fresh optimizer
    # state, as warm_start), as from the original.
    loaded.partial_fit(X, y)
    assert loaded.n_iter_ == model.n_iter_ + 1
    assert loaded.score(X, y) > 0.9


def test_a_component_class_the_user_wrote_is_listed_to_trust():
    class Square(Activation):
        def value(self, z):
            return z * z

        def derivative(self, z, a):
            return 2 * z

    X, y = breast_cancer()
    model = GDClassifier(hidden_layer_sizes=(3,), activation=Square(),
                         optimizer=Adam(beta1=0.8), max_iter=5).fit(X, y)
    state = model.__getstate__()
    assert isinstance(state["_training_state"], dict)
    # Built-in components become plain data; the user's class stays itself.
    assert state["optimizer_"] == (
        'sklearn_gd-component:{"component": "Adam", "params": {"beta1": 0.8}}'
    )
    assert isinstance(state["_training_state"]["model"]["activations"][0], Square)


@pytest.mark.parametrize("case", list(CASES))
def test_pickle_round_trip_and_partial_fit_after_loading(case):
    ours, _, data = CASES[case]
    X, y = data()
    model = pickle.loads(pickle.dumps(ours.set_params(optimizer="adam").fit(X, y)))
    assert_array_equal(model.predict(X), ours.predict(X))
    assert np.isfinite(model.partial_fit(X, y).predict(X)).all()
