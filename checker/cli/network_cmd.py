"""``eoscheck network``: the NET-* checks on a built-in network (tanh MLPs on scikit-learn's digits data).

Output: one progress line per 500 GD steps on stderr (TTY or not: long runs in CI logs show life), then one line
per claim as `eoscheck run` prints them and the report path. Exit 0 nothing refuted, 1 a claim refuted, 2 bad
input (checked before any training, including the report directory).
"""

from __future__ import annotations

from pathlib import Path

import click

from checker.cli.common import ETA, EXIT_BAD_INPUT, EXIT_OK, EXIT_REFUTED, SEED

MAX_STEPS = 10_000_000


@click.command(
    help="""Check the EoS theory on real training: full-batch GD on a built-in network with sharpness tracking.

\b
  eoscheck network                            tanh MLP [32, 32] on 200 digits, eta 0.3 (about a minute)
  eoscheck network --model mlp-wide           tanh MLP [200, 200] on 1000 digits, eta 0.2
  eoscheck network --eta 0.25 --steps 6000 --report-dir out

Your own JAX model: `from checker.network import check_training` (see the README).
Exit code: 0 nothing refuted, 1 a claim refuted, 2 bad input."""
)
@click.option("--model", default="mlp-small", show_default=True, help="mlp-small (quick) or mlp-wide (thorough)")
@click.option("--eta", type=ETA, default=None, help="GD step size (default: the model's)")
@click.option("--steps", type=click.IntRange(1, MAX_STEPS), default=None, help="GD steps (default: the model's)")
@click.option(
    "--sqrt-eta", type=ETA, default=0.05, show_default=True, help="step size of the GD-on-sqrt(L) run (NET-SQRT)"
)
@click.option(
    "--sqrt-steps",
    type=click.IntRange(0, MAX_STEPS),
    default=4000,
    show_default=True,
    help="steps of the GD-on-sqrt(L) run; 0 skips it",
)
@click.option("--seed", type=SEED, default=None, help="initialisation seed (default: the model's, mlp-small 4)")
@click.option("--checkpoint", default=None, help="checkpoint file: a killed run resumes from it")
@click.option("--report-dir", default="reports", show_default=True, help="where the JSON report is written")
@click.option("--quiet", is_flag=True, help="no progress lines")
def command(
    model: str,
    eta: float | None,
    steps: int | None,
    sqrt_eta: float,
    sqrt_steps: int,
    seed: int | None,
    checkpoint: str | None,
    report_dir: str,
    quiet: bool,
) -> int:
    from checker.network.models import get_builtin

    spec = get_builtin(model)
    eta_v = eta if eta is not None else spec.eta
    steps_v = steps if steps is not None else spec.steps
    sqrt_eta_v, sqrt_steps_v = sqrt_eta, sqrt_steps
    from checker.report.writer import check_writable

    out = Path(report_dir)
    check_writable(out)

    from checker.cli.run_cmd import claim_line
    from checker.network.api import network_record
    from checker.network.models import builtin_problem
    from checker.report.writer import write_report
    from checker.verdict import Verdict

    seed = spec.seed if seed is None else seed
    _, loss, params = builtin_problem(model, seed)
    command_line = ["eoscheck", "network", "--model", model, "--eta", str(eta_v), "--steps", str(steps_v)]
    command_line += ["--sqrt-eta", str(sqrt_eta_v), "--sqrt-steps", str(sqrt_steps_v), "--seed", str(seed)]
    record = network_record(
        loss,
        params,
        eta=eta_v,
        steps=steps_v,
        sqrt_eta=sqrt_eta_v,
        sqrt_steps=sqrt_steps_v,
        progress=not quiet,
        checkpoint=checkpoint,
        model=spec.description,
        command=command_line,
        seed=seed,
    )
    for res in record.claims:  # the results first: a report that cannot be written loses nothing
        click.echo(claim_line(res))
    runs = record.extra["network"]["runs"]
    main = runs["loss"]
    click.echo(
        f"{spec.description}: {main['n_params']} parameters, EoS at step {main['eos_step']}, float64 from step "
        f"{main['float64_from_step']}, lambda_2 at 1.9/eta from step {main['lambda2_joins_step']}; "
        f"{main['gd_steps_per_second'] or 0:.0f} GD steps/s, {1000 * (main['seconds_per_sharpness_eval'] or 0):.1f} ms "
        f"per sharpness evaluation; {record.seconds:.1f}s"
    )
    try:
        path = write_report(record, out)
    except OSError as exc:
        click.echo(f"eoscheck: error: the report was not written to {out}: {exc.strerror or exc}", err=True)
        return EXIT_BAD_INPUT
    click.echo(f"report: {path}")
    return EXIT_REFUTED if any(c.verdict is Verdict.REFUTED for c in record.claims) else EXIT_OK
