import type { Glass } from '../model/glass';
import type { QuenchSettings } from '../model/settings';
import { fireQuench } from './fire';
import { lbfgsQuench } from './lbfgs';
import type { QuenchOptions, QuenchResult } from './objective';

/** Quench to the inherent structure with the method the settings name (docs/PHYSICS.md §3). */
export function quench(glass: Glass, start: Float64Array, settings: QuenchSettings, onProgress?: QuenchOptions['onProgress']): QuenchResult {
  const options: QuenchOptions = { forceTolerance: settings.forceTolerance, maxIterations: settings.maxIterations, memory: settings.memory, onProgress };
  return settings.method === 'fire' ? fireQuench(glass, start, options) : lbfgsQuench(glass, start, options);
}

export type { QuenchResult, QuenchOptions };
