"""
Learning-rate schedules
=======================

Each panel previews one schedule, with its default parameters, through
``Schedule.values(base_lr, n_steps, alpha)``: the step size at the update steps
``t = 0 .. T - 1`` of a run planned for ``T`` steps, without fitting anything.
The dotted continuation past ``T`` (the vertical line) comes from
``Schedule.value`` and shows what happens when training runs longer than planned
(``partial_fit`` keeps counting updates across calls): most schedules hold their
last value, ``invscaling`` and ``optimal`` keep decaying.

The ``adaptive`` schedule cannot be previewed: it is constant until training
plateaus, and how often that happens depends on the data.
"""

# %%
# Every schedule, previewed
# -------------------------
# ``SCHEDULES`` maps each string the estimators accept to its schedule class.
import matplotlib.pyplot as plt
import numpy as np

from sklearn_gd.schedules import SCHEDULES

BASE_LR = 0.05  # plain SGD's learning_rate="auto" (Adam's is 0.01)
N_STEPS = 1000  # T, e.g. max_iter=100 epochs of 10 mini-batches
ALPHA = 1e-4  # the estimators' default alpha (only "optimal" uses it)
PAST_END = 0.3  # show the curve up to (1 + PAST_END) * T

NOTES = {
    "optimal": "ignores learning_rate",
    "adaptive": "preview only: ×factor at each plateau,\nwhich depends on training",
}


n_cols = 3
n_rows = -(-len(SCHEDULES) // n_cols)
fig, axes = plt.subplots(
    n_rows, n_cols, figsize=(4.2 * n_cols, 3.0 * n_rows), sharex=True, squeeze=False
)
steps = np.arange(N_STEPS)
later = np.arange(N_STEPS, int((1 + PAST_END) * N_STEPS))

for ax, (name, factory) in zip(axes.flat, SCHEDULES.items()):
    schedule = factory()
    ax.plot(steps, schedule.values(BASE_LR, N_STEPS, ALPHA), color="C0")
    beyond = schedule.value(later, BASE_LR, N_STEPS, ALPHA)
    beyond = np.broadcast_to(beyond, later.shape)  # a custom value() may be scalar
    ax.plot(later, beyond, color="C0", linestyle=":")
    ax.axvline(N_STEPS, color="grey", linewidth=0.8)
    ax.set_ylim(bottom=0)
    title = f'"{name}": {type(schedule).__name__}()'
    if name in NOTES:
        title += f"\n{NOTES[name]}"
    ax.set_title(title, fontsize=9)
    ax.grid(alpha=0.3)

for ax in axes.flat[len(SCHEDULES) :]:
    ax.set_visible(False)
for ax in axes[-1]:
    ax.set_xlabel("update step t")
for ax in axes[:, 0]:
    ax.set_ylabel("step size")

fig.suptitle(
    f"Learning-rate schedules: learning_rate={BASE_LR}, T={N_STEPS} planned steps, "
    f"alpha={ALPHA:g}; dotted: past T"
)
fig.tight_layout()

# %%
# So: ``"constant"`` keeps the step; the decaying schedules (``"cosine"``,
# ``"exponential"``, ``"step"``) end a planned run with small steps, which
# brings a mini-batch optimizer closer to the optimum; the warm-up schedules
# (``"warmup_cosine"``, ``"onecycle"``) start small for networks whose first
# full-size steps would be unstable.
plt.show()
