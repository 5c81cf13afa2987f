// The Modes and Spectra views label modes by the validated indicator (issue 10 item 5,
// docs/REPRODUCTION.md "Which per-mode indicator separates the classes"): PR against the T* = ∞
// modes at the same ω, the rotational fraction marked as not an indicator, and zero modes
// (SampleSpectrum.zeroModes, identifyZeroModes) with neither a rotational fraction nor a PR label.
// ModeList and ModeFacts of the Modes view and the Spectra view's note rendered with React in
// happy-dom; the sample-modes figure's colouring from the same contrast.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Window } from 'happy-dom';
import { act, createElement, type ReactElement } from 'react';
import { createRoot } from 'react-dom/client';
import type { AnalysisData, ModeData, SampleSpectrum } from '../main/ipc/contract';
import { buildFigure } from '../figures/build';
import { referenceModes, type ReferenceModes } from '../figures/modeContrast';

const page = new Window();
const g = globalThis as Record<string, unknown>;
beforeAll(() => {
  g.window = page;
  g.document = page.document;
  g.IS_REACT_ACT_ENVIRONMENT = true;
});
afterAll(() => page.close());

// A 2D sample with 3 zero modes' worth of indices (d = 2: two translations, indices 0 and 1),
// stored modes 0–5: mode 2 at ω = 1 with PR 0.04 (localised), mode 3 at ω = 1.02 with PR 0.3
// (extended-like), mode 4 at ω = 3 (no reference modes there), mode 5 unstable (ω null).
const spectrum: SampleSpectrum = {
  sampleId: 's0000',
  dim: 2,
  particles: 100,
  eigenvalues: [0, 0, 1, 1.0404, 9, -0.01, 16],
  frequencies: [0, 0, 1, 1.02, 3, null, 4],
  zeroModes: [0, 1],
  participation: [1, 1, 0.04, 0.3, 0.2, 0.1, 0.5],
  storedModes: 6,
  rotationalFraction: [0.9, 0.9, 0.31, 0.29, 0.3, null],
  omega0: 0.8,
};
// The T* = ∞ reference: 40 modes between ω = 0.8 and 1.2, PR 0.25–0.35.
const reference: ReferenceModes = {
  name: 'm2-Tinf',
  omega: Array.from({ length: 40 }, (_, k) => 0.8 + 0.01 * k),
  participation: Array.from({ length: 40 }, (_, k) => 0.25 + 0.0025 * k),
};

async function render(element: ReactElement): Promise<HTMLElement> {
  const host = page.document.createElement('div') as unknown as HTMLElement;
  page.document.body.appendChild(host as never);
  const root = createRoot(host);
  await act(async () => root.render(element));
  return host;
}

describe('the Modes view labels modes by PR at the same ω, never by the rotational fraction', () => {
  it('ModeList: a "vs T* = ∞" label for the non-zero modes, none and no rotational fraction for the zero modes', async () => {
    const { ModeList } = await import('../renderer/src/views/ModesView');
    const { modeContrasts } = await import('../renderer/src/views/modeIndicator');
    const contrasts = modeContrasts(spectrum, reference);
    expect(contrasts.slice(0, 2)).toEqual([null, null]); // zero modes: no contrast computed
    expect(contrasts[5]).toBeNull(); // unstable
    // Even handed a contrast for a zero mode, the list shows none.
    contrasts[0] = contrasts[1] = contrasts[2];
    const host = await render(createElement(ModeList, { spectrum, allowZero: false, onPick: () => {}, onCompare: () => {}, contrasts }));
    const headers = Array.from(host.querySelectorAll('th')).map((t) => t.textContent);
    expect(headers).toContain('vs T* = ∞');
    expect(headers).toContain('rot. (not an indicator)');
    const row = (k: number) => host.querySelector(`tr[data-mode="${k}"]`)!;
    for (const k of spectrum.zeroModes) {
      expect(row(k).querySelector('.mode-rotational')!.textContent).toBe('—');
      expect(row(k).querySelector('.mode-contrast')!.textContent).toBe('');
      expect(row(k).querySelector('.mode-contrast')!.hasAttribute('data-localised')).toBe(false);
    }
    expect(row(2).querySelector('.mode-contrast')!.getAttribute('data-localised')).toBe('true');
    expect(row(2).querySelector('.mode-contrast')!.textContent).toMatch(/^localised: 0 % of \d+ below$/);
    expect(row(3).querySelector('.mode-contrast')!.getAttribute('data-localised')).toBe('false');
    expect(row(3).querySelector('.mode-contrast')!.textContent).toMatch(/^extended-like/);
    expect(row(4).querySelector('.mode-contrast')!.textContent).toMatch(/no reference at this ω \(0 modes\)/);
    expect(row(5).querySelector('.mode-contrast')!.textContent).toBe(''); // unstable: no ω to compare at
    expect(row(2).querySelector('.mode-rotational')!.textContent).toBe('0.310');
  });

  it('ModeList without a reference: PR and ω only, no contrast column', async () => {
    const { ModeList } = await import('../renderer/src/views/ModesView');
    const host = await render(createElement(ModeList, { spectrum, allowZero: false, onPick: () => {}, onCompare: () => {} }));
    expect(host.querySelector('.mode-contrast')).toBeNull();
    expect(host.querySelector('tr[data-mode="0"]')!.textContent).toMatch(/zero mode/);
  });

  it('ModeFacts: a zero mode shows no rotational fraction and no PR label, a localised one both its label and the caveat', async () => {
    const { ModeFacts } = await import('../renderer/src/views/ModesView');
    const { modeContrasts } = await import('../renderer/src/views/modeIndicator');
    const contrasts = modeContrasts(spectrum, reference);
    const mode = (index: number) => ({ index, omega: spectrum.frequencies[index], eigenvalue: spectrum.eigenvalues[index], participation: spectrum.participation[index], rotationalFraction: spectrum.rotationalFraction[index] }) as unknown as ModeData;
    const zero = await render(createElement(ModeFacts, { mode: mode(0), spectrum, amplitude: 1, contrast: contrasts[2] }));
    expect(zero.querySelector('.mode-rotational')!.textContent).toBe('— (zero mode)');
    expect(zero.querySelector('.mode-contrast')).toBeNull();
    const loc = await render(createElement(ModeFacts, { mode: mode(2), spectrum, amplitude: 1, contrast: contrasts[2] }));
    expect(loc.querySelector('.mode-contrast')!.textContent).toMatch(/^localised/);
    expect(loc.querySelector('.mode-rotational')!.textContent).toMatch(/not a type-II indicator \(docs\/REPRODUCTION\.md\)/);
  });

  it('the note says what the labels are, cites the validation, and that it is no proof of vortex character', async () => {
    const { IndicatorNote } = await import('../renderer/src/views/modeIndicator');
    const text = (await render(createElement(IndicatorNote, { reference }))).textContent!;
    expect(text).toMatch(/m2-Tinf/);
    expect(text).toMatch(/docs\/REPRODUCTION\.md, “Which per-mode indicator separates the classes”/);
    expect(text).toMatch(/contrast against extended modes at\s+the same ω, not a proof of vortex character/);
    expect(text).toMatch(/rotational fraction is not a type-II indicator/);
    const none = (await render(createElement(IndicatorNote, { reference: null }))).textContent!;
    expect(none).toMatch(/No T\* = ∞ reference/);
  });
});

describe('the Spectra view: the sample-modes figure coloured against a T* = ∞ reference', () => {
  it('puts each stored mode in its class, leaves the zero modes out, and says where the rule was validated', () => {
    const model = buildFigure({ kind: 'sample-modes', sample: spectrum, reference });
    const traces = model.panels[0].traces;
    const modesOf = (id: string) => traces.find((t) => t.id === id)?.points.map((p) => p.mode) ?? [];
    expect(modesOf('sample-modes-localised')).toEqual([2]);
    expect(modesOf('sample-modes-stored')).toEqual([3]);
    expect(modesOf('sample-modes-unjudged')).toEqual([4]);
    expect(traces.flatMap((t) => t.points.map((p) => p.mode))).not.toContain(0);
    expect(traces.flatMap((t) => t.points.map((p) => p.mode))).not.toContain(1);
    expect(model.notes.join(' ')).toMatch(/docs\/REPRODUCTION\.md.*not a proof of vortex character/);
    // Without a reference: one class of stored modes, no note.
    const plain = buildFigure({ kind: 'sample-modes', sample: spectrum });
    expect(plain.panels[0].traces.find((t) => t.id === 'sample-modes-stored')!.points.map((p) => p.mode)).toEqual([2, 3, 4]);
    expect(plain.notes).toEqual([]);
  });

  it('takes as reference only a T* = ∞ project of the same model that stores modes', () => {
    const summary = { dim: 2, particles: 100, potential: 'ipl', taper: 2, parentTemperature: 'inf' };
    const modes = { name: 'modes', description: '', columns: [{ name: 'omega', unit: 'sqrt(eps/m)/a' }, { name: 'participation_ratio', unit: '1' }], data: [reference.omega, reference.participation] };
    const candidate = (s: object, series = [modes]) => ({ path: '/p', name: 'ref', series, summary: { ...summary, ...s } }) as unknown as AnalysisData;
    const shown = { dim: 2, particles: 100, potential: 'ipl', taper: 2 };
    expect('reference' in referenceModes(candidate({}), shown)).toBe(true);
    expect(referenceModes(candidate({ parentTemperature: 0.1 }), shown)).toEqual({ reason: 'ref is not a T* = ∞ ensemble' });
    expect(referenceModes(candidate({ taper: 'inf' }), shown)).toEqual({ reason: 'ref is another model (d, N, potential or taper differ)' });
    expect(referenceModes(candidate({}, []), shown)).toEqual({ reason: 'ref stores no modes (analysis/modes.csv)' });
  });
});
