#!/usr/bin/env python3
"""Minimax coefficients for the table-driven (lut16) exponential of the AVX-512 kernels (ExpEmitter.EmitScaleExp).

exp(r) ~ 1 + r + c2 r^2 + ... + cn r^n on |r| <= ln(2)/32 (the reduced argument of k = round(16 u / ln 2)), minimising
the maximum *relative* error |p(r) - e^r| / e^r by a discrete Remez exchange in 60-digit arithmetic (mpmath), then
rounding the coefficients to the element type and re-measuring the error with the rounded coefficients.

Also prints the 16-entry tables 2^(j/16) rounded to float and double (and the double's low parts), and simulates the
float exponential as the kernels evaluate it (FMA by FMA, each rounded to float) against mpmath to report its ULP error.

Usage: python3 tools/ExpFit/lut_exp_coefficients.py        (needs mpmath; no numpy)
"""
import struct
import sys

import mpmath
from mpmath import mp, mpf

mp.dps = 60
A = mp.log(2) / 32  # |r| <= ln(2)/32 (+ the reduction's rounding, covered by fitting a slightly wider interval)
GRID = 4000


def to_float(x):
    return struct.unpack("f", struct.pack("f", float(x)))[0]


def err(c, r):
    """Relative error of 1 + r + sum c[i] r^(i+2)."""
    p = 1 + r
    rp = r * r
    for ci in c:
        p += ci * rp
        rp *= r
    return (p - mp.exp(r)) / mp.exp(r)


def remez(degree, a):
    n = degree - 1  # free coefficients c2..c_degree
    grid = [a * mp.cos(mp.pi * (GRID - i) / GRID) for i in range(GRID + 1)]
    # initial reference: n + 1 Chebyshev points, away from 0 (where the error is forced to vanish)
    ref = [a * mp.cos(mp.pi * (n - i + 0.5) / (n + 1)) for i in range(n + 1)]
    c = None
    for _ in range(40):
        # solve: sum c_i r^(i+2) - (-1)^k E e^r = e^r - 1 - r
        m = mp.matrix(n + 1, n + 1)
        rhs = mp.matrix(n + 1, 1)
        for k, r in enumerate(ref):
            for i in range(n):
                m[k, i] = r ** (i + 2)
            m[k, n] = -((-1) ** k) * mp.exp(r)
            rhs[k] = mp.exp(r) - 1 - r
        sol = mp.lu_solve(m, rhs)
        c = [sol[i] for i in range(n)]
        e = [err(c, r) for r in grid]
        # new reference: the largest |error| in each run of one sign (maximal alternating extrema)
        runs = []
        for r, v in zip(grid, e):
            if v == 0:
                continue
            s = v > 0
            if runs and runs[-1][0] == s:
                if abs(v) > abs(runs[-1][2]):
                    runs[-1] = (s, r, v)
            else:
                runs.append((s, r, v))
        while len(runs) > n + 1:  # drop the smaller end
            if abs(runs[0][2]) < abs(runs[-1][2]):
                runs.pop(0)
            else:
                runs.pop()
        new = [r for _, r, _ in runs]
        if len(new) == n + 1 and max(abs(x - y) for x, y in zip(new, ref)) < mpf(10) ** -40:
            break
        if len(new) == n + 1:
            ref = new
    return c, max(abs(v) for v in e)


def maxerr(c, a):
    return max(abs(err(c, a * mp.cos(mp.pi * i / GRID))) for i in range(GRID + 1))


def report(name, degree, rounder, ulp_exp, a=None):
    a = (A if a is None else a) * mpf("1.0001")
    c, e = remez(degree, a)
    cr = [mpf(rounder(x)) for x in c]
    er = maxerr(cr, a)
    print(f"{name} degree {degree}: minimax relative error {mpmath.nstr(e, 4)} = 2^{mpmath.nstr(mp.log(e, 2), 4)}"
          f" ({mpmath.nstr(e / mpf(2) ** ulp_exp, 3)} ulp of 1); rounded coefficients: {mpmath.nstr(er, 4)}"
          f" ({mpmath.nstr(er / mpf(2) ** ulp_exp, 3)} ulp)")
    print("  c2..cn (lowest first):", ", ".join(repr(rounder(x)) for x in c))
    return [rounder(x) for x in c]


def simulate_float(c):
    """The float exponential of the kernels, exp(u) for u in [-87, 0], each FMA rounded once to float."""
    f = to_float
    log2e = f(1.4426950408889634)
    ln2hi, ln2lo = f(0.693359375), f(-2.12194440e-4)
    magic = f(1.5 * 2 ** 19)  # t = u log2 e + 1.5 2^19 keeps 4 fraction bits: k/16
    table = [f(mp.power(2, mpf(j) / 16)) for j in range(16)]
    c2, c3 = f(c[0]), f(c[1])
    worst = 0
    worst_u = None
    steps = 60000
    for i in range(steps + 1):
        u = f(-87 + 87.5 * i / steps)
        t = f(mpf(u) * log2e + magic)
        kk = f(t - magic)
        j = int(round((t - magic) * 16)) % 16
        r = f(mpf(u) - mpf(kk) * ln2hi)
        r = f(mpf(r) - mpf(kk) * ln2lo)
        p = f(mpf(c3) * r + c2)
        p = f(p * r)
        q = f(mpf(p) * r + r)
        s = f(mpf(table[j]) * q + table[j])
        n = mpmath.floor(kk)
        y = mpf(s) * mpf(2) ** n
        exact = mp.exp(mpf(u))
        e = abs(y - exact) / (mpf(2) ** (mpmath.floor(mp.log(exact, 2)) - 23))
        if e > worst:
            worst, worst_u = e, u
    print(f"float lut16 exponential, simulated over u in [-87, 0.5]: max {mpmath.nstr(worst, 4)} ulp at u = {worst_u!r}")


def main():
    print("16-entry tables (k = round(16 u / ln 2)): |r| <=", mpmath.nstr(A, 10))
    cf = report("float", 3, to_float, -23)  # used: Lane.Single, Vector512 and Vector256
    report("float", 4, to_float, -23)
    report("double", 5, float, -52)
    report("double", 6, float, -52)  # used: Lane.Double, Vector512
    report("double", 7, float, -52)
    print("8-entry tables (k = round(8 u / ln 2)): |r| <=", mpmath.nstr(2 * A, 10))
    report("float", 3, to_float, -23, 2 * A)
    report("double", 6, float, -52, 2 * A)
    report("double", 7, float, -52, 2 * A)  # used: Lane.Double, Vector256 (vpermt2pd ymm holds 8 entries)
    print("float table 2^(j/16):", ", ".join(repr(to_float(mp.power(2, mpf(j) / 16))) for j in range(16)))
    fhi = [to_float(mp.power(2, mpf(j) / 16)) for j in range(16)]
    print("float table lo:", ", ".join(repr(to_float(mp.power(2, mpf(j) / 16) - mpf(h))) for j, h in enumerate(fhi)))
    hi = [float(mp.power(2, mpf(j) / 16)) for j in range(16)]
    lo = [float(mp.power(2, mpf(j) / 16) - mpf(h)) for j, h in enumerate(hi)]
    print("double table hi:", ", ".join(repr(x) for x in hi))
    print("double 8-entry table:", ", ".join(repr(float(mp.power(2, mpf(j) / 8))) for j in range(8)))
    print("double table lo:", ", ".join(repr(x) for x in lo))
    if "--simulate" in sys.argv:
        simulate_float(cf)


if __name__ == "__main__":
    main()
