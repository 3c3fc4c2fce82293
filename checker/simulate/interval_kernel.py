"""The certified interval batch as one compiled loop per trajectory (numba), bit-identical to the numpy path.

Why: the numpy path (``interval_batch``) pays one memory pass per interval operation, ~150 passes per
mean-value step, and one interpreter call per operation; compiled, a trajectory's whole step stays in
registers. The loss's l' and l'' are not compiled per loss: they are lowered to a tiny register program
(opcode, destination, operands) that the compiled loop interprets, so one compilation (cached on disk by
numba) serves every polynomial or rational loss, and no source text is generated from user input.

Why it is as rigorous as the numpy path, operation for operation: every interval operation below is the
numpy path's formula on scalars, in the same order (same candidate endpoints, same min/max with NaN
propagating, same outward step ``a -/+ (|a| 2^-52 + 2^-1074)`` after every rounded operation), so it
computes the same floats; the tests compare the two paths bit for bit on random instances and both against
arb. The arguments of the numpy path's docstring carry over: IEEE 754 + - * / are correctly rounded in
LLVM's scalar and vector code, numba is used *without* ``fastmath`` (no reassociation, no
reciprocal-multiply, no assumption that NaN and inf are absent), and no FTZ/DAZ flags are set
(:func:`checker.simulate.interval_batch.check_ieee` runs before every batch). Even a fused multiply-add
formed by the compiler (LLVM does not contract without fastmath flags) would keep the enclosure: it rounds
the exact a*b + c once, and the outward step after it still covers that one rounding.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import sympy as sp

from checker.errors import UserInputError
from checker.parse import Z

# opcodes of the register program: registers hold (lo, hi); register 0 is the argument z
VAR, CONST, ADD, MUL, SCALE, POW, DIV = 0, 1, 2, 3, 4, 5, 6


class Program:
    """l^(k) as straight-line interval code: rows (opcode, dst, a, b) plus per-row float data."""

    def __init__(self) -> None:
        self.rows: list[tuple[int, int, int, int]] = []
        self.data: list[tuple[float, float]] = []
        self.nreg = 1

    def emit(self, op: int, a: int = 0, b: int = 0, data: tuple[float, float] = (0.0, 0.0)) -> int:
        dst = self.nreg
        self.nreg += 1
        self.rows.append((op, dst, a, b))
        self.data.append(data)
        return dst

    def arrays(self, out: int) -> tuple[np.ndarray, np.ndarray, int, int]:
        ops = np.array(self.rows, dtype=np.int64).reshape(-1, 4)
        data = np.array(self.data, dtype=np.float64).reshape(-1, 2)
        return ops, data, self.nreg, out


def lower(expr: sp.Expr) -> tuple[np.ndarray, np.ndarray, int, int]:
    """The register program of ``expr`` (in z), mirroring ``interval_batch._compile`` node for node."""
    from checker.simulate.interval_batch import _exact_float, constant_bounds

    prog = Program()

    def go(node: sp.Basic) -> int:
        if node == Z:
            return 0
        if isinstance(node, sp.Rational):
            return prog.emit(CONST, data=constant_bounds(node))
        if isinstance(node, sp.Mul) and node.args[0].is_Rational and _exact_float(node.args[0]) is not None:
            c = float(_exact_float(node.args[0]))
            return prog.emit(SCALE, go(sp.Mul(*node.args[1:])), data=(c, c))
        if isinstance(node, sp.Add | sp.Mul):
            op = ADD if isinstance(node, sp.Add) else MUL
            total = go(node.args[0])
            for arg in node.args[1:]:
                total = prog.emit(op, total, go(arg))
            return total
        if isinstance(node, sp.Pow) and node.args[1].is_Integer:
            return prog.emit(POW, go(node.args[0]), int(node.args[1]))
        raise UserInputError(
            f"certified batches need a polynomial or rational loss with rational coefficients; {node} is neither"
        )

    out = go(sp.sympify(expr))
    return prog.arrays(out)


_KERNEL: list[Callable[..., Any]] = []


def kernel() -> Callable[..., Any]:
    """The compiled batch loop (compiled on first use, cached on disk by numba); ImportError without numba."""
    if not _KERNEL:
        _KERNEL.append(_build())
    return _KERNEL[0]


def _build() -> Callable[..., Any]:
    import numba

    jit = numba.njit(cache=True, fastmath=False, error_model="numpy")
    ulp, tiny, inf, nan = 2.0**-52, 2.0**-1074, np.inf, np.nan

    @jit
    def down(a: float) -> float:
        return a - (abs(a) * ulp + tiny)

    @jit
    def up(a: float) -> float:
        return a + (abs(a) * ulp + tiny)

    @jit
    def vmin(a: float, b: float) -> float:  # np.minimum: NaN propagates (branch-free, so lanes vectorise)
        r = a if a < b else b
        return nan if (a != a) | (b != b) else r

    @jit
    def vmax(a: float, b: float) -> float:  # np.maximum: NaN propagates (branch-free, so lanes vectorise)
        r = a if a > b else b
        return nan if (a != a) | (b != b) else r

    @jit
    def imul(a0: float, a1: float, b0: float, b1: float) -> tuple[float, float]:
        p1, p2, p3, p4 = a0 * b0, a0 * b1, a1 * b0, a1 * b1
        return down(vmin(vmin(p1, p2), vmin(p3, p4))), up(vmax(vmax(p1, p2), vmax(p3, p4)))

    @jit
    def iscale(v: float, b0: float, b1: float) -> tuple[float, float]:
        p1, p2 = v * b0, v * b1
        return down(vmin(p1, p2)), up(vmax(p1, p2))

    @jit
    def idiv(a0: float, a1: float, b0: float, b1: float) -> tuple[float, float]:
        q1, q2, q3, q4 = a0 / b0, a0 / b1, a1 / b0, a1 / b1
        lo, hi = down(vmin(vmin(q1, q2), vmin(q3, q4))), up(vmax(vmax(q1, q2), vmax(q3, q4)))
        if b0 <= 0 and b1 >= 0:
            return -inf, inf
        if lo != lo or hi != hi:
            return -inf, inf
        return lo, hi

    @jit
    def pow_nonneg_down(v: float, n: int) -> float:
        r = v
        for _ in range(n - 1):
            r = down(r * v)
        return r

    @jit
    def pow_nonneg_up(v: float, n: int) -> float:
        r = v
        for _ in range(n - 1):
            r = up(r * v)
        return r

    @jit
    def ipow_pos(lo: float, hi: float, n: int) -> tuple[float, float]:
        if n == 1:
            return lo, hi
        if n % 2 == 0:
            mlo = lo if lo > 0 else (-hi if hi < 0 else 0.0)
            mhi = vmax(-lo, hi)
            return pow_nonneg_down(mlo, n), pow_nonneg_up(mhi, n)
        low = pow_nonneg_down(abs(lo), n) if lo >= 0 else -pow_nonneg_up(abs(lo), n)
        high = pow_nonneg_up(abs(hi), n) if hi >= 0 else -pow_nonneg_down(abs(hi), n)
        return low, high

    @jit
    def isq(lo: float, hi: float) -> tuple[float, float]:  # ipow(lo, hi, 2) without its loops (same floats)
        mlo = lo if lo > 0 else (-hi if hi < 0 else 0.0)
        mhi = vmax(-lo, hi)
        return down(mlo * mlo), up(mhi * mhi)

    @jit
    def icube(lo: float, hi: float) -> tuple[float, float]:  # ipow(lo, hi, 3) unrolled, both branches selected
        alo, ahi = abs(lo), abs(hi)
        low_pos, low_neg = down(down(alo * alo) * alo), -up(up(alo * alo) * alo)
        high_pos, high_neg = up(up(ahi * ahi) * ahi), -down(down(ahi * ahi) * ahi)
        return (low_pos if lo >= 0 else low_neg), (high_pos if hi >= 0 else high_neg)

    @jit
    def ipow(lo: float, hi: float, n: int) -> tuple[float, float]:
        if n == 0:
            return 1.0, 1.0
        if n < 0:
            p0, p1 = ipow_pos(lo, hi, -n)
            return idiv(1.0, 1.0, p0, p1)
        return ipow_pos(lo, hi, n)

    @jit
    def run_program(ops: np.ndarray, data: np.ndarray, rlo: np.ndarray, rhi: np.ndarray, m: int) -> None:
        """Registers rlo/rhi[r, lane] for lanes < m; row 0 holds the argument. Operation-major, so that each
        inner loop runs one interval operation over all lanes (vectorisable, independent lanes)."""
        for k in range(ops.shape[0]):
            op, dst, a, b = ops[k, 0], ops[k, 1], ops[k, 2], ops[k, 3]
            if op == CONST:
                for j in range(m):
                    rlo[dst, j], rhi[dst, j] = data[k, 0], data[k, 1]
            elif op == ADD:
                for j in range(m):
                    rlo[dst, j], rhi[dst, j] = down(rlo[a, j] + rlo[b, j]), up(rhi[a, j] + rhi[b, j])
            elif op == MUL:
                for j in range(m):
                    rlo[dst, j], rhi[dst, j] = imul(rlo[a, j], rhi[a, j], rlo[b, j], rhi[b, j])
            elif op == SCALE:
                c = data[k, 0]
                for j in range(m):
                    rlo[dst, j], rhi[dst, j] = iscale(c, rlo[a, j], rhi[a, j])
            elif op == POW and b == 2:  # the common powers without ipow's loops, so the lane loop vectorises
                for j in range(m):
                    rlo[dst, j], rhi[dst, j] = isq(rlo[a, j], rhi[a, j])
            elif op == POW and b == 3:
                for j in range(m):
                    rlo[dst, j], rhi[dst, j] = icube(rlo[a, j], rhi[a, j])
            elif op == POW:
                for j in range(m):
                    rlo[dst, j], rhi[dst, j] = ipow(rlo[a, j], rhi[a, j], b)
            else:  # DIV (not emitted by ``lower``; kept for completeness of the opcode set)
                for j in range(m):
                    rlo[dst, j], rhi[dst, j] = idiv(rlo[a, j], rhi[a, j], rlo[b, j], rhi[b, j])

    @jit
    def mag(a0: float, a1: float) -> float:
        return vmax(abs(a0), abs(a1))

    @numba.njit(cache=True, fastmath=False, error_model="numpy", parallel=True)
    def batch(
        x0: np.ndarray,
        y0: np.ndarray,
        eta: np.ndarray,
        steps: int,
        max_radius: float,
        bound: float,
        ops1: np.ndarray,
        data1: np.ndarray,
        nreg1: int,
        out1: int,
        ops2: np.ndarray,
        data2: np.ndarray,
        nreg2: int,
        out2: int,
        res: np.ndarray,
        status: np.ndarray,
        stop: np.ndarray,
        block: int,
    ) -> None:
        n = x0.size
        nblocks = (n + block - 1) // block
        for blk in numba.prange(nblocks):
            i0 = blk * block
            m = min(block, n - i0)
            xl, xh, yl, yh = (
                x0[i0 : i0 + m].copy(),
                x0[i0 : i0 + m].copy(),
                y0[i0 : i0 + m].copy(),
                y0[i0 : i0 + m].copy(),
            )
            h = eta[i0 : i0 + m]
            sup = np.empty(m)
            live = np.ones(m, np.bool_)
            pl, ph = np.empty((nreg1, m)), np.empty((nreg1, m))  # l' at the midpoint
            al, ah = np.empty((nreg1, m)), np.empty((nreg1, m))  # l' over the box
            bl, bh = np.empty((nreg2, m)), np.empty((nreg2, m))  # l'' over the box
            rx, ry, mxs, mys = np.empty(m), np.empty(m), np.empty(m), np.empty(m)
            for j in range(m):
                sup[j] = vmax(abs(xl[j]), abs(yl[j]))
            for t in range(steps + 1):
                running = 0
                for j in range(m):
                    if not live[j]:
                        continue
                    zl, zh = imul(xl[j], xh[j], yl[j], yh[j])
                    diverged = zl > bound or zh < -bound
                    lost = (not (np.isfinite(zl) and np.isfinite(zh))) and not diverged
                    lost = lost or (vmax(xh[j] - xl[j], yh[j] - yl[j]) > 2 * max_radius and not diverged)
                    if diverged or lost or t == steps:
                        live[j] = False
                        i = i0 + j
                        res[i, 0], res[i, 1], res[i, 2], res[i, 3], res[i, 4] = xl[j], xh[j], yl[j], yh[j], sup[j]
                        status[i] = 1 if diverged else (2 if lost else 0)
                        stop[i] = t
                    else:
                        running += 1
                if running == 0:
                    break
                # one mean-value step (interval_batch.step, operation for operation); finished lanes compute
                # on their frozen state and are not written back
                for j in range(m):
                    mx = vmin(vmax((xl[j] + xh[j]) / 2, xl[j]), xh[j])
                    my = vmin(vmax((yl[j] + yh[j]) / 2, yl[j]), yh[j])
                    z = mx * my
                    pl[0, j], ph[0, j] = down(z), up(z)
                    zb0, zb1 = imul(xl[j], xh[j], yl[j], yh[j])
                    al[0, j], ah[0, j] = zb0, zb1
                    bl[0, j], bh[0, j] = zb0, zb1
                    rx[j] = vmax(up(mx - xl[j]), up(xh[j] - mx))
                    ry[j] = vmax(up(my - yl[j]), up(yh[j] - my))
                    mxs[j], mys[j] = mx, my
                run_program(ops1, data1, pl, ph, m)
                run_program(ops1, data1, al, ah, m)
                run_program(ops2, data2, bl, bh, m)
                for j in range(m):
                    mx, my, hj = mxs[j], mys[j], h[j]
                    e0, e1 = iscale(hj, pl[out1, j], ph[out1, j])
                    s0, s1 = iscale(my, e0, e1)
                    nx0, nx1 = down(mx - s1), up(mx - s0)
                    s0, s1 = iscale(mx, e0, e1)
                    ny0, ny1 = down(my - s1), up(my - s0)
                    zb0, zb1 = al[0, j], ah[0, j]
                    a0, a1 = al[out1, j], ah[out1, j]
                    b0, b1 = bl[out2, j], bh[out2, j]
                    p0, p1 = isq(yl[j], yh[j])
                    h11l, h11h = imul(b0, b1, p0, p1)
                    p0, p1 = isq(xl[j], xh[j])
                    h22l, h22h = imul(b0, b1, p0, p1)
                    m0, m1 = imul(b0, b1, zb0, zb1)
                    h12l, h12h = down(m0 + a0), up(m1 + a1)
                    q0, q1 = iscale(hj, h11l, h11h)
                    j11l, j11h = down(1.0 - q1), up(1.0 - q0)
                    q0, q1 = iscale(hj, h22l, h22h)
                    j22l, j22h = down(1.0 - q1), up(1.0 - q0)
                    j12l, j12h = iscale(hj, h12l, h12h)
                    m12 = mag(j12l, j12h)
                    sx = up(up(mag(j11l, j11h) * rx[j]) + up(m12 * ry[j]))
                    sy = up(up(m12 * rx[j]) + up(mag(j22l, j22h) * ry[j]))
                    nxl, nxh = down(nx0 - sx), up(nx1 + sx)
                    nyl, nyh = down(ny0 - sy), up(ny1 + sy)
                    nsup = vmax(sup[j], vmax(mag(nxl, nxh), mag(nyl, nyh)))
                    keep = live[j]
                    xl[j] = nxl if keep else xl[j]
                    xh[j] = nxh if keep else xh[j]
                    yl[j] = nyl if keep else yl[j]
                    yh[j] = nyh if keep else yh[j]
                    sup[j] = nsup if keep else sup[j]

    return batch
