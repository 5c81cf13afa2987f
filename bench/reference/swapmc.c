/*
 * A plain C swap Monte Carlo, the named reference of `npm run bench:engine` (docs/BENCHMARKS.md):
 * the same model and moves as engine/sim/swapMonteCarlo.ts (docs/PHYSICS.md §1, §3: IPL n = 12 with taper
 * T_2 or T_inf, r_c = 1.955, density 1, P(a) ~ a^-3 on [0.73, 1.62]; with probability p_swap a
 * diameter swap of two random particles, else a displacement uniform in a ball of radius delta;
 * Metropolis), written as one would write it without tricks: a cell list of cells >= r_c
 * updated per accepted move, and each energy summed over the 27 neighbouring cells before and
 * after the move. Its own generator (xorshift64*), so its trajectory is not ours; its rate is.
 *
 *   cc -O3 -o swapmc swapmc.c -lm && ./swapmc <N> <taper: 2|inf> <T> <sweeps> <positions file or -> [delta, default 0.2]
 * prints: attempts/s (wall), acceptance of displacements and of swaps, attempts/s (this process's
 * CPU time: the robust figure on a loaded machine).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint64_t rng_state = 88172645463325252ULL;
static double uniform01(void) {
  rng_state ^= rng_state >> 12; rng_state ^= rng_state << 25; rng_state ^= rng_state >> 27;
  return (double)((rng_state * 2685821657736338717ULL) >> 11) * (1.0 / 9007199254740992.0);
}

static int n, cells, cap, *cell_count, *cell_members, *cell_of, taper_inf;
static double L, rc = 1.955, *x, *a;

static int cell_index(const double *p) {
  int k[3];
  for (int d = 0; d < 3; d++) { k[d] = (int)floor(p[d] / L * cells) % cells; if (k[d] < 0) k[d] += cells; }
  return (k[2] * cells + k[1]) * cells + k[0];
}
static void cell_add(int i, int c) { cell_members[c * cap + cell_count[c]++] = i; cell_of[i] = c; }
static void cell_remove(int i) {
  int c = cell_of[i];
  for (int m = 0; m < cell_count[c]; m++) if (cell_members[c * cap + m] == i) { cell_members[c * cap + m] = cell_members[c * cap + --cell_count[c]]; return; }
}
static double phi(double r2, double aij) {
  if (r2 >= rc * rc) return 0;
  double q = aij * aij / r2, q3 = q * q * q, c = aij * aij / (rc * rc), c3 = c * c * c;
  double s = q3 * q3 - c3 * c3, x2 = r2 / (rc * rc);
  if (taper_inf) { double xr = sqrt(x2); return s * exp(xr / (2 * (xr - 1))); }
  return s * (1 - x2) * (1 - x2);
}
static double particle_energy(int i, const double *p, double ai, int exclude) {
  int k[3], c = cell_index(p);
  k[0] = c % cells; k[1] = (c / cells) % cells; k[2] = c / (cells * cells);
  double e = 0;
  for (int dz = -1; dz <= 1; dz++) for (int dy = -1; dy <= 1; dy++) for (int dx = -1; dx <= 1; dx++) {
    int cc = (((k[2] + dz + cells) % cells) * cells + (k[1] + dy + cells) % cells) * cells + (k[0] + dx + cells) % cells;
    for (int m = 0; m < cell_count[cc]; m++) {
      int j = cell_members[cc * cap + m];
      if (j == i || j == exclude) continue;
      double r2 = 0;
      for (int d = 0; d < 3; d++) { double u = x[3 * j + d] - p[d]; u -= L * round(u / L); r2 += u * u; }
      e += phi(r2, 0.5 * (ai + a[j]));
    }
  }
  return e;
}

int main(int argc, char **argv) {
  if (argc < 6) { fprintf(stderr, "usage: swapmc N taper T sweeps positions|-\n"); return 2; }
  n = atoi(argv[1]); taper_inf = strcmp(argv[2], "inf") == 0;
  double T = atof(argv[3]); long sweeps = atol(argv[4]);
  double delta = argc > 6 ? atof(argv[6]) : 0.2, pswap = 0.2;
  L = cbrt((double)n);
  x = malloc(sizeof(double) * 3 * n); a = malloc(sizeof(double) * n);
  FILE *f = strcmp(argv[5], "-") ? fopen(argv[5], "r") : NULL;
  for (int i = 0; i < n; i++) {
    if (f) { if (fscanf(f, "%lf %lf %lf %lf", &a[i], &x[3 * i], &x[3 * i + 1], &x[3 * i + 2]) != 4) { fprintf(stderr, "bad positions file\n"); return 2; } }
    else { double u = uniform01(); a[i] = pow(pow(0.73, -2) - u * (pow(0.73, -2) - pow(1.62, -2)), -0.5); for (int d = 0; d < 3; d++) x[3 * i + d] = uniform01() * L; }
  }
  cells = (int)floor(L / rc); if (cells < 3) { fprintf(stderr, "box too small for 27 cells\n"); return 2; }
  cap = 8 * n / (cells * cells * cells) + 64;
  cell_count = calloc(cells * cells * cells, sizeof(int)); cell_members = malloc(sizeof(int) * cap * cells * cells * cells); cell_of = malloc(sizeof(int) * n);
  for (int i = 0; i < n; i++) cell_add(i, cell_index(&x[3 * i]));
  long acc_d = 0, att_d = 0, acc_s = 0, att_s = 0;
  struct timespec t0, t1, c0, c1; clock_gettime(CLOCK_MONOTONIC, &t0); clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
  for (long s = 0; s < sweeps * n; s++) {
    if (uniform01() < pswap) {
      att_s++;
      int i = (int)(uniform01() * n), j = (int)(uniform01() * (n - 1)); if (j >= i) j++;
      double before = particle_energy(i, &x[3 * i], a[i], j) + particle_energy(j, &x[3 * j], a[j], i);
      double after = particle_energy(i, &x[3 * i], a[j], j) + particle_energy(j, &x[3 * j], a[i], i);
      double dv = after - before;
      if (dv <= 0 || uniform01() < exp(-dv / T)) { double t = a[i]; a[i] = a[j]; a[j] = t; acc_s++; }
    } else {
      att_d++;
      int i = (int)(uniform01() * n);
      double u[3], q;
      do { q = 0; for (int d = 0; d < 3; d++) { u[d] = 2 * uniform01() - 1; q += u[d] * u[d]; } } while (q > 1);
      double p[3]; for (int d = 0; d < 3; d++) p[d] = x[3 * i + d] + delta * u[d];
      double dv = particle_energy(i, p, a[i], -1) - particle_energy(i, &x[3 * i], a[i], -1);
      if (dv <= 0 || uniform01() < exp(-dv / T)) {
        for (int d = 0; d < 3; d++) x[3 * i + d] = p[d] - L * floor(p[d] / L);
        int c = cell_index(&x[3 * i]); if (c != cell_of[i]) { cell_remove(i); cell_add(i, c); }
        acc_d++;
      }
    }
  }
  clock_gettime(CLOCK_MONOTONIC, &t1); clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
  double secs = (t1.tv_sec - t0.tv_sec) + 1e-9 * (t1.tv_nsec - t0.tv_nsec);
  double cpu = (c1.tv_sec - c0.tv_sec) + 1e-9 * (c1.tv_nsec - c0.tv_nsec);
  printf("%.0f %.4f %.4f %.0f\n", sweeps * n / secs, (double)acc_d / att_d, (double)acc_s / att_s, sweeps * n / cpu);
  return 0;
}
