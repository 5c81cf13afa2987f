/**
 * How the Modes and Spectra views label modes: by the indicator that separated T* = ∞ from
 * stable-glass modes, localisation at a given frequency (PR against the T* = ∞ modes at the same ω,
 * engine/analysis/modeIndicators.ts localisationContrast), and never by the rotational fraction,
 * which did not (docs/REPRODUCTION.md, "Which per-mode indicator separates the classes"). Zero
 * modes (engine/spectrum/zeroModes.ts identifyZeroModes, as SampleSpectrum.zeroModes) get neither.
 */
import type { LocalisationContrast } from '../../../engine/analysis/modeIndicators';
import { formatNumber } from '../../../figures/axes';
import type { ReferenceModes } from '../../../figures/modeContrast';

export { modeContrasts, referenceModes, type ReferenceModes } from '../../../figures/modeContrast';

export const INDICATOR_SOURCE = 'docs/REPRODUCTION.md, “Which per-mode indicator separates the classes”';
export const ROTATIONAL_FRACTION_CAVEAT = 'not a type-II indicator (docs/REPRODUCTION.md)';

/** A short label of one contrast, for a table cell. */
export function contrastLabel(c: LocalisationContrast): string {
  if (c.localised === null) return `no reference at this ω (${c.referenceModes} modes)`;
  return `${c.localised ? 'localised' : 'extended-like'}: ${formatNumber(100 * c.rank, 2)} % of ${c.referenceModes} below`;
}

/** The on-screen statement of what the colours/labels mean and where they were validated. */
export function IndicatorNote({ reference }: { reference: ReferenceModes | null }) {
  return (
    <p className="hint mode-indicator-note">
      {reference ? (
        <>
          Modes labelled by localisation against <strong>{reference.name}</strong> (T* = ∞, same model): a mode is “localised” when fewer than 5 % of its T* = ∞ modes within ±10 % of its ω have a lower participation ratio. This is a contrast against extended modes at
          the same ω, not a proof of vortex character.
        </>
      ) : (
        <>No T* = ∞ reference: PR and ω are shown as they are, unlabelled. In Spectra, overlay an analysed T* = ∞ project of the same model (and open modes from there) to label them by localisation at the same ω.</>
      )}{' '}
      Validation: {INDICATOR_SOURCE} (PR at matched ω separates T* = ∞ from T* = 0.1 modes, AUC ≤ 0.005). The rotational fraction is {ROTATIONAL_FRACTION_CAVEAT}: it does not separate them (AUC 0.3–0.7). Zero modes (translations) get neither.
    </p>
  );
}
