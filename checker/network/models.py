"""Built-in networks for ``eoscheck network``: tanh MLPs on scikit-learn's bundled digits data.

Why digits with MSE: the data ship with scikit-learn (no download), and under MSE 0.5 * sum((f - y)^2) / n with
one-hot targets a tanh MLP sharpens progressively to 2/eta within seconds on a CPU. Cross-entropy on digits
never sharpens (the classes separate), so it would only ever give UNDECIDED.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from checker.errors import UserInputError


@dataclass(frozen=True)
class BuiltinModel:
    """A named network, its data size and default step size and budget."""

    name: str
    widths: tuple[int, ...]
    n: int
    eta: float
    steps: int
    seed: int  # default initialisation seed (chosen so the default budget shows both EoS phases)
    description: str


BUILTINS = {
    "mlp-small": BuiltinModel("mlp-small", (32, 32), 200, 0.3, 2200, 4, "tanh MLP [32, 32] on 200 digits (quick)"),
    "mlp-wide": BuiltinModel(
        "mlp-wide", (200, 200), 1000, 0.2, 4000, 0, "tanh MLP [200, 200] on 1000 digits (thorough)"
    ),
}


def get_builtin(name: str) -> BuiltinModel:
    if name not in BUILTINS:
        raise UserInputError(f"unknown model {name!r}; choose one of: {', '.join(BUILTINS)}")
    return BUILTINS[name]


def digits(n: int) -> tuple[np.ndarray, np.ndarray]:
    """The first n digits images, standardised per pixel (constant pixels left at 0), and one-hot targets.

    Stored as float32: the engine's float32 phase then runs fully in float32, and the float64 phase promotes
    (float32 data are exact float64 numbers, so the data do not change between the phases).
    """
    from sklearn.datasets import load_digits  # type: ignore[import-untyped]

    data = load_digits()
    if not 1 <= n <= len(data.target):
        raise UserInputError(f"digits has {len(data.target)} examples; choose n in 1..{len(data.target)}, not {n}")
    x = np.asarray(data.data[:n], dtype=np.float64)
    sd = x.std(axis=0)
    x = (x - x.mean(axis=0)) / np.where(sd > 0, sd, 1.0)
    y = np.eye(10)[np.asarray(data.target[:n])]
    return x.astype(np.float32), y.astype(np.float32)


def init_mlp(widths: Sequence[int], n_in: int, n_out: int, seed: int) -> list[dict[str, Any]]:
    """Weights and biases uniform in +-1/sqrt(fan_in) (PyTorch's default for linear layers, as in Cohen et al.'s
    experiments), as a list of {"w", "b"} layers (float32). With it, the small model starts well below 2/eta."""
    rng = np.random.default_rng(seed)
    sizes = [n_in, *widths, n_out]
    return [
        {
            "w": rng.uniform(-1, 1, (a, b)).astype(np.float32) / np.float32(np.sqrt(a)),
            "b": rng.uniform(-1, 1, b).astype(np.float32) / np.float32(np.sqrt(a)),
        }
        for a, b in itertools.pairwise(sizes)
    ]


def mlp_mse_loss(x: np.ndarray, y: np.ndarray) -> Callable[[Any], Any]:
    """loss(params) = 0.5 * sum((f(x) - y)^2) / n for a tanh MLP (linear last layer)."""
    import jax.numpy as jnp

    xs, ys = jnp.asarray(x), jnp.asarray(y)
    n = x.shape[0]

    def loss(params: list[dict[str, Any]]) -> Any:
        h = xs
        for layer in params[:-1]:
            h = jnp.tanh(h @ layer["w"] + layer["b"])
        out = h @ params[-1]["w"] + params[-1]["b"]
        return 0.5 * jnp.sum((out - ys) ** 2) / n

    return loss


def builtin_problem(
    name: str, seed: int | None = None
) -> tuple[BuiltinModel, Callable[[Any], Any], list[dict[str, Any]]]:
    """The model's description, its loss function and its initial parameters."""
    model = get_builtin(name)
    x, y = digits(model.n)
    init = init_mlp(model.widths, x.shape[1], y.shape[1], model.seed if seed is None else seed)
    return model, mlp_mse_loss(x, y), init
