"""``check_training``: run the NET-* checks on the user's own JAX model and return the report document.

    from checker.network import check_training
    doc = check_training(loss_fn, params, eta=0.1, steps=5000, report_dir="reports")

The document is the one ``eoscheck run`` writes (kind "network"), so ``eoscheck report`` renders it and
``eoscheck verify`` accepts it. Bad input raises :class:`~checker.network.flat.NetworkInputError` (a ValueError)
before any training.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from checker.claim import ClaimResult, RunRecord
from checker.network.engine import EngineConfig, TrainResult, train
from checker.network.flat import NetworkInputError, check_settings, flatten
from checker.network.suite import STATEMENTS

PRECISION_NOTE = (
    "GD runs in float32 until the first instability (the loss rises, or eta*lambda_1/2 >= 0.95) and in float64 "
    "after; lambda_1, lambda_2, D3, D4, c1 and the projection are float64. Floats only: at most CORROBORATED."
)


def code_hash() -> str:
    """sha256 over the network engine's sources (what decided the claims)."""
    hasher = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        hasher.update(f"network:{path.name}\n".encode())
        hasher.update(path.read_bytes())
    return hasher.hexdigest()


def _claims(results: dict[str, TrainResult]) -> list[ClaimResult]:
    from checker.runner import run_property

    claims = []
    for s in STATEMENTS:
        if s.objective in results:
            res = results[s.objective]
            claims.append(run_property(s.property(lambda res=res: res)))  # type: ignore[misc]
    return claims


def _summary(res: TrainResult) -> dict[str, Any]:
    h = res.history
    return {
        "objective": res.config.objective,
        "config": asdict(res.config),
        "n_params": h.n_params,
        "steps_done": h.steps_done,
        "eos_step": h.eos_step,
        "float64_from_step": h.switch_step,
        "lambda2_joins_step": h.lambda2_join_step,
        "diverged_step": h.diverged_step,
        "final_loss": h.loss[-1],
        "gd_steps_per_second": h.steps_done / h.gd_seconds if h.gd_seconds > 0 else None,
        "seconds_per_sharpness_eval": h.sharp_seconds / h.sharp_evals if h.sharp_evals else None,
        "sharpness_evals": h.sharp_evals,
        "detail_seconds": h.detail_seconds,
    }


def network_record(
    loss_fn: Callable[[Any], Any],
    params: Any,
    *,
    eta: float,
    steps: int,
    sqrt_eta: float | None = None,
    sqrt_steps: int = 0,
    progress: bool = True,
    checkpoint: str | Path | None = None,
    config: dict[str, Any] | None = None,
    model: str = "user model",
    command: Sequence[str] = (),
    seed: int = 0,
) -> RunRecord:
    """Train, measure, judge; the RunRecord (kind "network") that the report writer turns into a document."""
    check_settings(eta, steps)
    if sqrt_steps:
        check_settings(sqrt_eta if sqrt_eta is not None else eta, sqrt_steps)
    flat = flatten(loss_fn, params)
    try:
        base = replace(EngineConfig(eta=float(eta), steps=int(steps), seed=seed), **(config or {}))
    except TypeError as exc:
        raise NetworkInputError(f"unknown engine setting in config: {exc}") from None
    started = datetime.now(UTC)
    t0 = time.perf_counter()
    results = {"loss": train(flat, base, progress=progress, checkpoint=checkpoint)}
    if sqrt_steps:
        cfg = replace(base, eta=float(sqrt_eta or eta), steps=int(sqrt_steps), objective="sqrt", max_detail=0)
        ck = None if checkpoint is None else Path(str(checkpoint) + ".sqrt.npz")
        results["sqrt"] = train(flat, cfg, progress=progress, checkpoint=ck)
    claims = _claims(results)
    return RunRecord(
        kind="network",
        command=[str(c) for c in command] or ["check_training", f"eta={eta}", f"steps={steps}"],
        profile="network",
        seed=seed,
        started=started.isoformat(timespec="seconds"),
        seconds=time.perf_counter() - t0,
        claims=claims,
        code_hash=code_hash(),
        extra={
            "network": {
                "model": model,
                "precision": PRECISION_NOTE,
                "hplus_rule": "positive: eigenvalues > cutoff * lambda_1; abs: |eigenvalue| > cutoff * lambda_1",
                "runs": {k: _summary(v) for k, v in results.items()},
            }
        },
    )


def check_training(
    loss_fn: Callable[[Any], Any],
    params: Any,
    *,
    eta: float,
    steps: int,
    sqrt_eta: float | None = None,
    sqrt_steps: int = 0,
    progress: bool = True,
    checkpoint: str | Path | None = None,
    report_dir: str | Path | None = None,
    config: dict[str, Any] | None = None,
    model: str = "user model",
    seed: int = 0,
) -> dict[str, Any]:
    """Full-batch GD on ``loss_fn(params)`` (any pytree) for ``steps`` steps at step size ``eta``, the NET-* checks
    on it, and the report document (kind "network"); written to ``report_dir`` too when given (its path is in
    ``doc["extra"]["network"]["report_path"]`` of the returned copy).

    ``sqrt_steps`` > 0 also runs GD on sqrt(L) (step size ``sqrt_eta``) for NET-SQRT. ``config``: engine settings
    (see :class:`~checker.network.engine.EngineConfig`), e.g. ``{"lanczos_k": 30, "dense_points": 0}``.
    ``checkpoint``: a file path; a killed run called again with it resumes.
    """
    from checker.report.document import build_document

    if report_dir is not None:
        from checker.report.writer import check_writable

        check_writable(Path(report_dir))
    record = network_record(
        loss_fn,
        params,
        eta=eta,
        steps=steps,
        sqrt_eta=sqrt_eta,
        sqrt_steps=sqrt_steps,
        progress=progress,
        checkpoint=checkpoint,
        config=config,
        model=model,
        seed=seed,
    )
    doc = build_document(record)
    if report_dir is not None:
        from checker.report.writer import report_name, write_document

        path = write_document(doc, Path(report_dir) / report_name(record))
        doc = {**doc, "extra": {**doc["extra"], "network": {**doc["extra"]["network"], "report_path": str(path)}}}
    return doc
