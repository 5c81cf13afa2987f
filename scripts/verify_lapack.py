#!/usr/bin/env python3
"""Independent check of a glassmodes sample against numpy/LAPACK (issues 2 and 3 "done when").

Reads config.extxyz with ASE, rebuilds the docs/PHYSICS.md §1 potential and the docs/PHYSICS.md §2 Hessian here (no
glassmodes code), diagonalises it with numpy.linalg.eigh (LAPACK dsyevd), and compares with the
sample's meta.json, eigenvalues.npy and modes.npy against the docs/PHYSICS.md §4 contract.

    python3 scripts/verify_lapack.py <project>/samples/s0000 [--taper 2|inf] [--cutoff 1.955] [--exponent 12]

Needs python3 with numpy and ase (Debian: apt-get install python3-ase).
"""
import argparse
import json
import sys
from pathlib import Path

import numpy as np
from ase.io import read


def pair_potential(r, a, rc, n, taper):
    """phi, phi', phi'' of docs/PHYSICS.md §1: (a/rc)^n [x^-n - 1] T(x), x = r/rc."""
    x = r / rc
    A = (a / rc) ** n
    u, u1, u2 = x ** -n - 1, -n * x ** (-n - 1), n * (n + 1) * x ** (-n - 2)
    if taper == 'inf':
        g1, g2 = -1 / (2 * (x - 1) ** 2), 1 / (x - 1) ** 3
        t = np.exp(x / (2 * (x - 1)))
        t1, t2 = t * g1, t * (g1 ** 2 + g2)
    else:
        m = int(taper)
        s = 1 - x * x
        t = s ** m
        t1 = -2 * m * x * s ** (m - 1)
        t2 = -2 * m * s ** (m - 1) + 4 * m * (m - 1) * x * x * s ** (m - 2)
    return A * u * t, A / rc * (u1 * t + u * t1), A / rc ** 2 * (u2 * t + 2 * u1 * t1 + u * t2)


def interacting_pairs(atoms, dim, rc, n, taper):
    """Pairs i < j within rc (minimum image): indices, r_j - r_i, r, and phi, phi', phi''."""
    side = atoms.cell.lengths()[0]
    pos = atoms.positions[:, :dim]
    diam = atoms.arrays['diameter']
    i, j = np.triu_indices(len(diam), 1)
    sep = pos[j] - pos[i]
    sep -= side * np.round(sep / side)
    r = np.linalg.norm(sep, axis=1)
    keep = r < rc
    i, j, sep, r = i[keep], j[keep], sep[keep], r[keep]
    phi, d1, d2 = pair_potential(r, (diam[i] + diam[j]) / 2, rc, n, taper)
    return i, j, sep, r, phi, d1, d2


def main():
    p = argparse.ArgumentParser()
    p.add_argument('sample')
    p.add_argument('--taper', default='2')
    p.add_argument('--cutoff', type=float, default=1.955)
    p.add_argument('--exponent', type=int, default=12)
    args = p.parse_args()
    folder = Path(args.sample)
    atoms = read(folder / 'config.extxyz')
    dim = 3 if atoms.pbc[2] else 2
    n = len(atoms.arrays['diameter'])
    i, j, sep, r, phi, d1, d2 = interacting_pairs(atoms, dim, args.cutoff, args.exponent, args.taper)
    energy = phi.sum()
    forces = np.zeros((n, dim))
    f = (d1 / r)[:, None] * sep  # force on i is +phi'/r * (r_j - r_i)
    np.add.at(forces, i, f)
    np.add.at(forces, j, -f)
    e = sep / r[:, None]
    k = (d2 - d1 / r)[:, None, None] * e[:, :, None] * e[:, None, :] + (d1 / r)[:, None, None] * np.eye(dim)
    h = np.zeros((n, dim, n, dim))
    for p_, (a, b) in enumerate(zip(i, j)):
        h[a, :, b, :] -= k[p_]
        h[b, :, a, :] -= k[p_]
        h[a, :, a, :] += k[p_]
        h[b, :, b, :] += k[p_]
    h = h.reshape(n * dim, n * dim)
    values, vectors = np.linalg.eigh(h)

    meta = json.loads((folder / 'meta.json').read_text())
    ours = np.load(folder / 'eigenvalues.npy')
    modes = np.load(folder / 'modes.npy')
    lam_max = values[-1]
    # spectrum.method 'lowest' stores only the d translations and the K lowest non-zero eigenvalues:
    # compare those with the lowest of LAPACK's.
    partial = len(ours) < len(values)
    nonzero = slice(dim, min(len(ours), dim + 200))
    reference = values[:len(ours)]
    report = {
        'particles': n,
        'energy_relative_difference': abs(energy - meta['energy']) / abs(meta['energy']),
        'max_force_here': float(np.linalg.norm(forces, axis=1).max()),
        'max_force_meta': meta['maxForce'],
        'partial_spectrum': bool(partial),
        'stored_eigenvalues': int(len(ours)),
        'lowest200_relative_error': float(np.max(np.abs(ours[nonzero] - values[nonzero]) / values[nonzero])),
        'all_absolute_error_over_lambda_max': float(np.max(np.abs(ours - reference)) / lam_max),
        'stored_modes_residual_over_lambda_max': float(max(np.linalg.norm(h @ v - ours[q] * v) for q, v in enumerate(modes)) / lam_max),
    }
    ok = (report['energy_relative_difference'] <= 1e-10 and report['lowest200_relative_error'] <= 1e-9
          and report['all_absolute_error_over_lambda_max'] <= 1e-6 and report['stored_modes_residual_over_lambda_max'] <= 1e-8)
    report['contract_holds'] = bool(ok)
    print(json.dumps(report, indent=2))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
