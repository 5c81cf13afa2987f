#!/usr/bin/env python3
"""numpy/scipy on a glassmodes sparse Hessian written by bench/lowest.bench.ts (the named reference).

    python3 scripts/hessian_eigen.py <base> <K> dense|sparse

<base>.json {dim, particles}; <base>.pi/.pj int32 pairs i<j; <base>.pb float64 pair blocks K_ij;
<base>.db float64 diagonal blocks H_ii (H_ij = -K_ij). Prints JSON: seconds of scipy eigsh
(which='SA', K + d lowest), of eigsh in shift-invert mode (sigma = -lambda_1/10, dN <= 3000), of numpy eigh (dense only), and the K + d lowest eigenvalues (eigh's
when dense, else eigsh's).
"""
import json
import sys
import time

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as sl

base, k, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
meta = json.load(open(base + '.json'))
d, n_part = meta['dim'], meta['particles']
n = d * n_part
pi = np.fromfile(base + '.pi', dtype=np.int32)
pj = np.fromfile(base + '.pj', dtype=np.int32)
pb = np.fromfile(base + '.pb').reshape(-1, d, d)
db = np.fromfile(base + '.db').reshape(-1, d, d)
a = np.arange(d)
def rows_cols(i, j):
    return ((d * i)[:, None, None] + a[None, :, None] + 0 * a[None, None, :]).ravel(), ((d * j)[:, None, None] + 0 * a[None, :, None] + a[None, None, :]).ravel()
r0, c0 = rows_cols(np.arange(n_part), np.arange(n_part))
r1, c1 = rows_cols(pi, pj)
H = sp.csr_matrix((np.concatenate([db.ravel(), -pb.ravel(), -pb.transpose(0, 2, 1).ravel()]),
                   (np.concatenate([r0, r1, c1]), np.concatenate([c0, c1, r1]))), shape=(n, n))
t = time.time()
w = np.sort(sl.eigsh(H, k=k + d, which='SA', return_eigenvectors=False))
out = {'eigsh': time.time() - t, 'values': w.tolist()}
if n <= 3000:
    # Shift-invert as engine/spectrum/lowest.ts path 'shift-invert': sigma = -lambda_1/10 (SuperLU factor + ARPACK).
    t = time.time()
    sl.eigsh(H, k=k + d, sigma=-0.1 * w[d], which='LM', return_eigenvectors=False)
    out['eigshShiftInvert'] = time.time() - t
if mode == 'dense':
    t = time.time()
    W = np.linalg.eigh(H.toarray())[0]
    out['eigh'] = time.time() - t
    out['values'] = W[:k + d].tolist()
print(json.dumps(out))
