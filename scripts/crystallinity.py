#!/usr/bin/env python3
"""Independent crystallinity check of configurations (numpy/scipy only; not the engine's code).

ten Wolde–Ruiz-Montero–Frenkel local bond order: neighbours within 1.4 σ_ij, q6m per particle, a bond
is "solid" when the normalised q6·q6* > 0.7, a particle is crystalline with ≥ 7 solid bonds; also the
global Q6 (≈ 0.57 for FCC, ~1/√N_b for a liquid or glass). Usage:

    python3 scripts/crystallinity.py <project>/samples/s0000/config.extxyz ...
    python3 scripts/crystallinity.py --self-check     # an FCC lattice must read as crystalline

Used for docs/REPRODUCTION.md: chains at T* = 0.1 whose parents differ in E/N by 0.1–0.3 are not
crystallised (fraction 0); their compositions differ (⟨a¹²⟩ per chain), which is what moves E/N.
"""
import sys
import numpy as np
from scipy.special import sph_harm


def read(path):
    lines = open(path).read().split('\n')
    n = int(lines[0])
    side = float(lines[1].split('Lattice="')[1].split()[0])
    rows = np.array([[float(v) for v in line.split()[1:5]] for line in lines[2:2 + n]])
    return rows[:, :3], rows[:, 3], side


def crystalline(positions, diameters, side):
    n = len(positions)
    d = positions[:, None, :] - positions[None, :, :]
    d -= side * np.round(d / side)
    dist = np.linalg.norm(d, axis=2)
    neighbours = (dist < 1.4 * 0.5 * (diameters[:, None] + diameters[None, :])) & (dist > 0)
    q = np.zeros((n, 13), complex)
    for i in range(n):
        v = d[i, neighbours[i]]
        r = np.linalg.norm(v, axis=1)
        theta = np.arccos(np.clip(v[:, 2] / r, -1, 1))
        phi = np.arctan2(v[:, 1], v[:, 0])
        for m in range(-6, 7):
            q[i, m + 6] = sph_harm(m, 6, phi, theta).mean()
    unit = q / np.linalg.norm(q, axis=1)[:, None]
    solid = ((np.real(unit @ unit.conj().T) > 0.7) & neighbours).sum(axis=1)
    q6 = np.sqrt(4 * np.pi / 13 * np.sum(np.abs(q.mean(axis=0)) ** 2))
    return float((solid >= 7).mean()), float(q6)


def fcc(cells=5):
    basis = np.array([[0, 0, 0], [.5, .5, 0], [.5, 0, .5], [0, .5, .5]])
    points = np.array([np.array([i, j, k]) + b for i in range(cells) for j in range(cells) for k in range(cells) for b in basis])
    scale = len(points) ** (1 / 3) / cells  # density 1
    return points * scale, np.full(len(points), scale / np.sqrt(2)), cells * scale


if __name__ == '__main__':
    if sys.argv[1:] == ['--self-check']:
        f, q6 = crystalline(*fcc())
        print(f'FCC: crystalline fraction {f:.3f}, global Q6 {q6:.3f}')
        sys.exit(0 if f > 0.99 and abs(q6 - 0.575) < 0.01 else 1)
    for path in sys.argv[1:]:
        r, a, side = read(path)
        f, q6 = crystalline(r, a, side)
        print(f'{path}: crystalline fraction {f:.3f}, global Q6 {q6:.3f}, <a^12> {np.mean(a ** 12):.3f}')
