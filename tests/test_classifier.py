"""GDClassifier (``sklearn_gd/_classifier.py``): labels, probabilities, class
weights, multiclass.

What both estimators share is tested in test_base.py, test_engine.py and
test_solvers.py.
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy.special import expit, softmax
from sklearn.datasets import load_breast_cancer, load_iris, make_classification
from sklearn.preprocessing import StandardScaler
from sklearn.utils.class_weight import compute_class_weight

from sklearn_gd import GDClassifier

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def binary_data(weights=None, n_samples=200):
    return make_classification(
        n_samples=n_samples,
        n_features=6,
        n_informative=3,
        weights=weights,
        random_state=0,
    )


def three_class_data(weights=None):
    return make_classification(
        n_samples=240,
        n_features=6,
        n_informative=4,
        n_classes=3,
        weights=weights,
        random_state=0,
    )


# ---------------------------------------------------------------------------
# Probabilities (acceptance criteria 2 and 10)


def test_multiclass_log_loss_probabilities_are_the_softmax():
    X, y = iris()
    model = GDClassifier(loss="log_loss", max_iter=50, random_state=0).fit(X, y)
    decision = model.decision_function(X)
    proba = model.predict_proba(X)
    assert decision.shape == proba.shape == (len(X), 3)
    assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-12)
    assert_allclose(proba, softmax(decision, axis=1), rtol=1e-12, atol=1e-15)
    # Not the one-vs-rest normalisation of sigmoids, which is what a model
    # trained as K binary problems would report.
    one_vs_rest = expit(decision)
    one_vs_rest /= one_vs_rest.sum(axis=1, keepdims=True)
    assert np.abs(proba - one_vs_rest).max() > 0.1
    with np.errstate(divide="ignore"):
        assert_allclose(model.predict_log_proba(X), np.log(proba), rtol=1e-12)
    assert_array_equal(model.predict(X), model.classes_[proba.argmax(axis=1)])


def test_multiclass_log_loss_is_trained_as_one_softmax_model():
    # The softmax gradient sums to zero over classes, and so do the zero start
    # and the centred log-prior intercepts; with plain SGD and an L2 penalty the
    # weights of the K outputs therefore sum to zero. One-vs-rest training would
    # not keep that invariant.
    X, y = iris()
    model = GDClassifier(optimizer="sgd", max_iter=30, random_state=0).fit(X, y)
    assert np.abs(model.coef_).max() > 0.2
    assert_allclose(model.coef_.sum(axis=0), 0.0, atol=1e-10)
    assert_allclose(model.intercept_.sum(), 0.0, atol=1e-10)


def test_binary_log_loss_probability_is_the_sigmoid():
    X, y = binary_data()
    model = GDClassifier(max_iter=30, random_state=0).fit(X, y)
    decision = model.decision_function(X)
    proba = model.predict_proba(X)
    assert decision.shape == (len(X),)
    assert model.coef_.shape == (1, X.shape[1])
    assert_allclose(proba[:, 1], expit(decision), rtol=1e-12)
    assert_allclose(proba[:, 0], 1.0 - expit(decision), rtol=1e-12, atol=1e-15)
    assert_allclose(model.predict_log_proba(X), np.log(proba), rtol=1e-12)
    assert_array_equal(model.predict(X), (decision > 0).astype(int))


@pytest.mark.parametrize("n_classes", [2, 3])
def test_modified_huber_probabilities(n_classes):
    X, y = binary_data() if n_classes == 2 else three_class_data()
    model = GDClassifier(loss="modified_huber", max_iter=30, random_state=0)
    model.fit(X, y)
    proba = model.predict_proba(X)
    assert proba.shape == (len(X), n_classes)
    assert np.all((proba >= 0) & (proba <= 1))
    assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-12)
    if n_classes == 2:
        expected = (np.clip(model.decision_function(X), -1, 1) + 1) / 2
        assert_allclose(proba[:, 1], expected, rtol=1e-12)
    # Where one class is clearly ahead, it is the most probable.
    decision = model.decision_function(X).reshape(len(X), -1)
    clear = np.ptp(decision, axis=1) > 0.5
    assert_array_equal(
        model.classes_[proba[clear].argmax(axis=1)], model.predict(X)[clear]
    )


@pytest.mark.parametrize(
    "loss, has_proba",
    [
        ("log_loss", True),
        ("modified_huber", True),
        ("hinge", False),
        ("squared_hinge", False),
        ("perceptron", False),
    ],
)
def test_predict_proba_exists_only_for_probabilistic_losses(loss, has_proba):
    X, y = three_class_data()
    model = GDClassifier(loss=loss, max_iter=5, random_state=0)
    assert hasattr(model, "predict_proba") is has_proba
    model.fit(X, y)
    for method in ("predict_proba", "predict_log_proba"):
        assert hasattr(model, method) is has_proba
        if not has_proba:
            with pytest.raises(AttributeError, match=method) as error:
                getattr(model, method)(X)
            # The reason, with what to use instead, is chained.
            assert "loss='log_loss' or 'modified_huber'" in str(error.value.__cause__)


def test_predict_proba_follows_a_changed_loss_after_refit():
    X, y = binary_data()
    model = GDClassifier(loss="hinge", max_iter=5).fit(X, y)
    assert not hasattr(model, "predict_proba")
    model.set_params(loss="log_loss").fit(X, y)
    assert hasattr(model, "predict_proba")


# ---------------------------------------------------------------------------
# Class weights (acceptance criterion 6)


@pytest.mark.parametrize(
    "data, weights",
    [(binary_data, [0.75]), (three_class_data, [0.6, 0.3])],
    ids=["binary", "multiclass"],
)
def test_balanced_class_weight_equals_the_computed_dict(data, weights):
    X, y = data(weights=weights)
    classes = np.unique(y)
    class_weight = compute_class_weight("balanced", classes=classes, y=y)
    settings = dict(batch_size=32, max_iter=20, random_state=0)
    balanced = GDClassifier(class_weight="balanced", **settings).fit(X, y)
    manual = GDClassifier(class_weight=dict(zip(classes, class_weight)), **settings)
    manual.fit(X, y)
    assert not np.allclose(class_weight, 1.0)
    assert_allclose(balanced.coef_, manual.coef_, rtol=1e-12)
    assert_allclose(balanced.intercept_, manual.intercept_, rtol=1e-12)


@pytest.mark.parametrize(
    "data", [binary_data, three_class_data], ids=["binary", "multiclass"]
)
def test_class_weight_moves_predictions_towards_the_weighted_class(data):
    X, y = data()
    settings = dict(batch_size=32, max_iter=20, random_state=0)
    plain = GDClassifier(**settings).fit(X, y)
    favoured = 1
    weighted = GDClassifier(class_weight={favoured: 10.0}, **settings).fit(X, y)
    n_plain = np.sum(plain.predict(X) == favoured)
    n_weighted = np.sum(weighted.predict(X) == favoured)
    assert n_weighted > n_plain + 0.1 * len(y)


def test_class_weight_equals_sample_weight():
    X, y = binary_data()
    settings = dict(batch_size=None, max_iter=30, random_state=0)
    by_class = GDClassifier(class_weight={0: 1.0, 1: 3.0}, **settings).fit(X, y)
    by_sample = GDClassifier(**settings).fit(X, y, sample_weight=np.where(y, 3.0, 1))
    assert_allclose(by_class.coef_, by_sample.coef_, rtol=1e-10)


# ---------------------------------------------------------------------------
# Labels and partial_fit (acceptance criterion 7)


def test_partial_fit_requires_classes_on_the_first_call():
    X, y = binary_data()
    model = GDClassifier()
    with pytest.raises(ValueError, match="classes"):
        model.partial_fit(X, y)
    assert not hasattr(model, "coef_")
    model.partial_fit(X, y, classes=[0, 1])
    model.partial_fit(X, y)  # later calls may omit it
    assert model.n_iter_ == 2


@pytest.mark.parametrize("n_classes", [2, 3])
def test_partial_fit_with_a_class_absent_from_the_first_batch(n_classes):
    # Streams often start without some class (e.g. data sorted by time).
    X, y = binary_data() if n_classes == 2 else three_class_data()
    first = y != n_classes - 1
    model = GDClassifier(random_state=0)
    model.partial_fit(X[first], y[first], classes=np.arange(n_classes))
    assert model.intercept_.shape == (1 if n_classes == 2 else n_classes,)
    assert np.isfinite(model.intercept_).all()
    for _ in range(10):
        model.partial_fit(X, y)
    assert set(model.predict(X)) == set(range(n_classes))


def test_a_class_absent_from_the_first_chunk_is_learnt_within_ten_chunks():
    # Before: the absent class started at the clipped prior (logit -3.5 for
    # 100 rows) and was predicted for 0% of samples after 10 chunks (true 33%;
    # SGDClassifier 38%). It now starts neutral, at the mean logit of the
    # classes present.
    X, y = make_classification(
        3000, 10, n_informative=5, n_classes=3, random_state=0
    )
    X = StandardScaler().fit_transform(X)
    first = np.flatnonzero(y != 2)[:100]
    rest = np.random.RandomState(0).permutation(np.setdiff1d(np.arange(3000), first))
    model = GDClassifier(random_state=0).partial_fit(X[first], y[first], [0, 1, 2])
    for chunk in np.array_split(rest[:1000], 10):
        model.partial_fit(X[chunk], y[chunk])
    assert np.mean(model.predict(X) == 2) > 0.2


def test_streaming_small_chunks_learns_as_fast_as_per_sample_sgd():
    # Before: one update per 100-row chunk, accuracy 0.73 / 0.94 / 0.975
    # after 1 / 5 / 20 passes (SGDClassifier: 0.97 / 0.98 / 0.98). In
    # partial_fit batch_size="auto" now makes about 16 updates per chunk.
    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    order = np.random.RandomState(0).permutation(len(y))
    X, y = X[order], y[order]
    model = GDClassifier(random_state=0)
    accuracy = {}
    for epoch in range(1, 21):
        for start in range(0, len(y), 100):
            model.partial_fit(X[start : start + 100], y[start : start + 100], [0, 1])
        accuracy[epoch] = model.score(X, y)
    assert accuracy[1] >= 0.95
    assert accuracy[5] >= 0.97
    assert accuracy[20] >= 0.975


@pytest.mark.parametrize(
    "classes, labels, match",
    [([0, 1, 2], [0, 1], "not the same"), ([0, 1], [0, 5], "not in classes")],
    ids=["changed-classes", "unknown-label"],
)
def test_partial_fit_rejects_inconsistent_labels(classes, labels, match):
    X, y = binary_data()
    model = GDClassifier().partial_fit(X, y, classes=[0, 1])
    y_bad = np.where(y == 1, labels[1], labels[0])
    with pytest.raises(ValueError, match=match):
        model.partial_fit(X, y_bad, classes=classes)


def test_string_labels_round_trip():
    X, y = three_class_data()
    names = np.array(["setosa", "versicolor", "virginica"])
    model = GDClassifier(max_iter=20, random_state=0).fit(X, names[y])
    assert_array_equal(model.classes_, names)
    numeric = GDClassifier(max_iter=20, random_state=0).fit(X, y)
    assert_array_equal(model.predict(X), names[numeric.predict(X)])
    assert model.score(X, names[y]) > 0.7


@pytest.mark.parametrize("class_weight", ["wrong", [1.0, 2.0]])
def test_bad_class_weight_raises_at_fit(class_weight):
    X, y = binary_data()
    model = GDClassifier(class_weight=class_weight)  # not validated in __init__
    with pytest.raises(ValueError, match="'class_weight' parameter") as error:
        model.fit(X, y)
    assert "'balanced'" in str(error.value)
    assert "dict" in str(error.value)


def test_class_weight_dict_naming_a_class_absent_from_the_batch():
    # A rare class weighted up is absent from most partial_fit chunks; the dict
    # is looked up over all classes, not only those present (which raised).
    X, y = make_classification(
        n_samples=300, n_features=5, n_informative=3, n_classes=3, random_state=0
    )
    present = y != 2
    # SGD: its steps grow with the weights (Adam's are normalised).
    weighted = GDClassifier(class_weight={2: 5.0}, optimizer="sgd", random_state=0)
    weighted.partial_fit(X[present], y[present], classes=[0, 1, 2])
    plain = GDClassifier(optimizer="sgd", random_state=0)
    plain.partial_fit(X[present], y[present], classes=[0, 1, 2])
    assert_array_equal(weighted.coef_, plain.coef_)  # weight 1 for classes 0, 1
    weighted.partial_fit(X, y)  # class 2 arrives and is weighted 5
    plain.partial_fit(X, y)
    assert weighted.intercept_[2] > plain.intercept_[2] + 0.02
    # Zero sample weights on the weighted class: the same lookup in fit.
    GDClassifier(class_weight={2: 5.0}).fit(X, y, sample_weight=present * 1.0)


@pytest.mark.parametrize(
    "class_weight, match",
    [({0: -1.0}, "finite and >= 0"), ({0: np.nan}, "finite and >= 0"),
     ({7: 2.0}, r"keys \[7\] that are not classes")],
)
def test_class_weight_dict_values_and_keys_are_checked(class_weight, match):
    # A negative weight makes the objective unbounded below (it reached -666);
    # sample_weight already refuses negatives.
    X, y = binary_data()
    with pytest.raises(ValueError, match=match):
        GDClassifier(class_weight=class_weight).fit(X, y)


def test_a_single_class_is_rejected():
    X, y = binary_data()
    with pytest.raises(ValueError, match="at least 2 classes"):
        GDClassifier().fit(X, np.zeros_like(y))


# ---------------------------------------------------------------------------
# Multiclass margin losses train one model (acceptance criterion 11)


@pytest.mark.parametrize("loss", ["hinge", "squared_hinge", "perceptron"])
def test_multiclass_margin_loss_is_one_model(loss):
    X, y = three_class_data()
    model = GDClassifier(
        loss=loss,
        optimizer="sgd",
        learning_rate=0.01,
        batch_size=40,
        max_iter=30,
        tol=None,
        random_state=0,
    ).fit(X, y)
    assert model.coef_.shape == (3, X.shape[1])
    assert model.intercept_.shape == (3,)
    # One run of the engine: a single epoch count and 240 / 40 updates each.
    assert type(model.n_iter_) is int
    assert model.n_iter_ == 30
    assert model.t_ == 30 * 6
    # (The perceptron's scale is arbitrary: compare rows relative to it.)
    scale = np.abs(model.coef_).max()
    for i in range(3):
        for j in range(i + 1, 3):
            assert np.abs(model.coef_[i] - model.coef_[j]).max() > 0.1 * scale
    assert model.decision_function(X).shape == (len(X), 3)
    assert model.score(X, y) > 0.5  # chance is 1/3


def test_warm_start_fit_on_another_class_set_raises():
    # Before: silently accepted, the old outputs read as other classes.
    X, y = three_class_data()
    model = GDClassifier(warm_start=True, random_state=0).fit(X, y)
    coef = model.coef_.copy()
    with pytest.raises(ValueError, match=r"classes were \[0, 1, 2\].*\[0, 1\]"):
        model.fit(X[y < 2], y[y < 2])
    assert_array_equal(model.coef_, coef)  # left as it was
    # The same classes continue; warm_start=False starts again on any.
    model.fit(X, y)
    model.set_params(warm_start=False).fit(X[y < 2], y[y < 2])
    assert_array_equal(model.classes_, [0, 1])


@pytest.mark.parametrize(
    "loss", ["squared_error", "huber", "epsilon_insensitive",
             "squared_epsilon_insensitive"],
)
def test_classification_with_the_regression_losses_sgd_accepts(loss):
    # Before: rejected. As SGDClassifier: the loss of y in {-1, +1} against
    # the raw output, one output per class for more than two.
    from sklearn.datasets import load_breast_cancer, load_iris
    from sklearn.preprocessing import StandardScaler

    for X, y, floor in [
        (*load_breast_cancer(return_X_y=True), 0.93),
        (*load_iris(return_X_y=True), 0.7),
    ]:
        X = StandardScaler().fit_transform(X)
        model = GDClassifier(loss=loss, random_state=0).fit(X, y)
        assert model.score(X, y) > floor
        assert not hasattr(model, "predict_proba")


def test_multilabel_y_trains_one_sigmoid_per_label():
    # Before: refused (MLPClassifier accepts it).
    from sklearn.datasets import make_multilabel_classification
    from sklearn.linear_model import LogisticRegression

    X, Y = make_multilabel_classification(400, 8, n_classes=3, random_state=0)
    model = GDClassifier(alpha=1e-3, tol=1e-8, random_state=0).fit(X, Y)
    assert_array_equal(model.classes_, [0, 1, 2])
    assert model.predict(X).shape == Y.shape
    proba = model.predict_proba(X)
    assert proba.shape == Y.shape and np.all((proba >= 0) & (proba <= 1))
    assert_array_equal(model.predict(X), (proba > 0.5).astype(int))
    # Each label is its own logistic regression with the same objective.
    for label in range(3):
        reference = LogisticRegression(C=1 / (1e-3 * len(Y)), tol=1e-10).fit(
            X, Y[:, label]
        )
        assert_allclose(proba[:, label], reference.predict_proba(X)[:, 1], atol=1e-3)
    with pytest.raises(ValueError, match="class_weight is not supported"):
        GDClassifier(class_weight="balanced").fit(X, Y)
    with pytest.raises(ValueError, match="multilabel indicator"):
        GDClassifier().fit(X, np.column_stack([Y[:, 0], 2 * Y[:, 1]]))


def test_multilabel_and_multiclass_models_never_replace_each_other():
    # Review: partial_fit and warm starts silently switched between softmax
    # and per-label sigmoid outputs (MLPClassifier raises).
    import scipy.sparse as sp
    from sklearn.datasets import make_multilabel_classification

    X, Y = make_multilabel_classification(150, 4, n_classes=3, random_state=0)
    y = Y.argmax(axis=1)
    model = GDClassifier(optimizer="adam").partial_fit(X, y, classes=[0, 1, 2])
    with pytest.raises(ValueError, match="fitted on a 1-D y of classes"):
        model.partial_fit(X, Y)
    warm = GDClassifier(warm_start=True).fit(X, Y)
    with pytest.raises(ValueError, match="fitted on a multilabel indicator y"):
        warm.fit(X, y)
    with pytest.raises(ValueError, match="classes has 2 entries but y has 3"):
        GDClassifier().partial_fit(X, Y, classes=["a", "b"])
    with pytest.raises(ValueError, match="matrix of 0s and 1s"):
        GDClassifier().fit(X, 2 * Y - 1)
    dense = GDClassifier(random_state=0).fit(X, Y)
    sparse = GDClassifier(random_state=0).fit(X, sp.csr_matrix(Y))
    assert_array_equal(sparse.predict(X), dense.predict(X))
    from sklearn_gd.losses import LogLoss, Multilabel

    with pytest.raises(ValueError, match="applied by GDClassifier itself"):
        GDClassifier(loss=Multilabel(LogLoss())).fit(X, Y)
