import type { ViewId } from '../router';
import { useStore } from '../store';

/**
 * Views whose data engines have not landed yet say so plainly, with what they will show and what
 * they need; they never show made-up data.
 */
const plans: Partial<Record<ViewId, { title: string; shows: string; needs: string }>> = {
  modes: {
    title: 'Modes',
    shows: 'the lowest modes of a sample animated as displacement fields, with their vorticity field and rotational fraction (type-I vs type-II, SPEC §5).',
    needs: 'the vorticity analysis of the engine, on top of each sample’s stored modes (modes.npy, from a run with “Compute the spectrum” on).',
  },
  spectra: {
    title: 'Spectra',
    shows: 'g(ω), g(ω)/ω^(d−1) and the integrated DOS F(ω) with its low-frequency exponent s, level-spacing ratios against GOE and Poisson, with ω₀ marked (SPEC §5).',
    needs: 'the observables of the analysis engine (analysis/*.csv) on top of each sample’s spectrum (eigenvalues.npy, from a run with “Compute the spectrum” on).',
  },
  theory: {
    title: 'Theory',
    shows: 'HET-SCBA self-energy and DOS for given γ and K/G₀, γ_c, the finite-box gap, and the GHET type-II contribution from measured P(σ) (SPEC §6).',
    needs: 'the theory engine (HET-SCBA solver, GHET).',
  },
  export: {
    title: 'Export',
    shows: 'every plotted series as CSV with a header and JSON summaries, and figures for a paper.',
    needs: 'the analysis engine (glassmodes analyze writes analysis/). The project folder itself is already the raw export: extended XYZ for ASE/OVITO and .npy for NumPy.',
  },
};

export function NotAvailableView({ view }: { view: ViewId }) {
  const project = useStore((s) => s.project);
  const plan = plans[view]!;
  const withSpectrum = project?.samples.filter((s) => s.meta?.spectrum).length ?? 0;
  return (
    <section aria-labelledby="na-title">
      <h1 id="na-title">{plan.title}</h1>
      <div className="placeholder" role="note" aria-label="Not available yet">
        <h2>Not available yet</h2>
        <p>
          This view will show {plan.shows}
        </p>
        <p className="muted">It needs {plan.needs}</p>
        {project ? (
          <p className="muted">
            In <strong>{project.project.name}</strong>: {project.samples.filter((s) => s.state === 'done').length} of {project.samples.length} samples done, {withSpectrum} with a spectrum on disk.
          </p>
        ) : null}
      </div>
    </section>
  );
}
