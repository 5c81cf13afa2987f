#!/usr/bin/env python3
"""Independent check of one ensemble of a `glassmodes reproduce` report (issue 10, "done when").

From the ensemble's config files only (config.extxyz read with ASE, the potential and Hessian rebuilt
here as in scripts/verify_lapack.py, no glassmodes code), recomputes every sample's full spectrum with
numpy.linalg.eigh, the ensemble-averaged integrated DOS F(omega) (each sample's count of non-zero
frequencies <= omega over its d N - d non-zero modes, averaged over samples, on the pooled
frequencies), and the exponent s from the least-squares line of log F against log omega
(F ~ omega^(s+1)) on the report's fit window; and compares with report.json.

    python3 scripts/verify_reproduce.py <reproduce dir> <ensemble name> [--tolerance 1e-6]

Prints JSON and exits 0 when |s_here - s_report| <= tolerance and the window holds the same number of
pooled frequencies, 1 otherwise. Needs python3 with numpy and ase (Debian: python3-ase).
"""
import argparse
import json
import sys
from pathlib import Path

import numpy as np
from ase.io import read

sys.path.insert(0, str(Path(__file__).resolve().parent))
from verify_lapack import interacting_pairs  # noqa: E402  (the same independent potential and pairs)


def hessian(atoms, model):
    dim = model['dim']
    n = len(atoms.arrays['diameter'])
    taper = 'inf' if model['taper'] == 'inf' else str(model['taper'])
    i, j, sep, r, _, d1, d2 = interacting_pairs(atoms, dim, model['cutoff'], model['exponent'], taper)
    e = sep / r[:, None]
    k = (d2 - d1 / r)[:, None, None] * e[:, :, None] * e[:, None, :] + (d1 / r)[:, None, None] * np.eye(dim)
    h = np.zeros((n, dim, n, dim))
    np.add.at(h, (i, slice(None), j, slice(None)), -k)
    np.add.at(h, (j, slice(None), i, slice(None)), -k)
    np.add.at(h, (i, slice(None), i, slice(None)), k)
    np.add.at(h, (j, slice(None), j, slice(None)), k)
    return h.reshape(n * dim, n * dim), dim


def main():
    p = argparse.ArgumentParser()
    p.add_argument('reproduction')
    p.add_argument('ensemble')
    p.add_argument('--tolerance', type=float, default=1e-6)
    args = p.parse_args()
    base = Path(args.reproduction)
    report = json.loads((base / 'report.json').read_text())
    entry = next((e for e in report['ensembles'] if e['name'] == args.ensemble), None)
    if entry is None or entry.get('s') is None:
        print(f'{args.ensemble}: not an ensemble with a measured s in {base / "report.json"}', file=sys.stderr)
        return 2
    model = entry['settings']['model']
    if model.get('potential', 'ipl') != 'ipl':
        print(f'{args.ensemble}: only the IPL potential is rebuilt here', file=sys.stderr)
        return 2
    samples = sorted((base / args.ensemble / 'samples').glob('s*/config.extxyz'))
    frequencies = []
    for config in samples:
        h, dim = hessian(read(config), model)
        values = np.linalg.eigvalsh(h)
        order = np.argsort(np.abs(values))
        nonzero = np.sort(values[order[dim:]])  # the d translations are the d smallest |lambda|
        frequencies.append(np.sqrt(np.clip(nonzero, 0, None)))
    lo, hi = entry['s']['window']
    pooled = np.sort(np.concatenate(frequencies))
    # the window's lower end is the lowest pooled frequency itself: a relative 1e-9 keeps it here too
    at = pooled[(pooled > 0) & (pooled >= lo * (1 - 1e-9)) & (pooled <= hi)]
    F = np.mean([np.searchsorted(f, at, side='right') / len(f) for f in frequencies], axis=0)
    slope = np.polyfit(np.log(at), np.log(F), 1)[0]
    s_here = slope - 1
    result = {
        'ensemble': args.ensemble,
        'samples': len(samples),
        'window': [lo, hi],
        'points_here': int(len(at)),
        'points_report': entry['s'].get('points'),
        's_here': float(s_here),
        's_report': entry['s']['value'],
        'difference': float(abs(s_here - entry['s']['value'])),
    }
    result['agrees'] = bool(result['difference'] <= args.tolerance and (result['points_report'] is None or result['points_here'] == result['points_report']))
    print(json.dumps(result, indent=2))
    return 0 if result['agrees'] else 1


if __name__ == '__main__':
    sys.exit(main())
