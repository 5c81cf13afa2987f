/** One entry point for every figure kind: what the views and `glassmodes figure` call. */
import type { AnalysisData, SampleSpectrum } from '../main/ipc/contract';
import { FigureDataError, FIGURE_KINDS, type FigureKind, type FigureModel } from './model';
import { dosFigure, integratedDosFigure, participationFigure, reducedDosFigure, sampleModesFigure } from './spectral';
import { levelRatioFigure, stressFigure } from './statistics';
import type { ReferenceModes } from './modeContrast';
import { energyVsTemperatureFigure, exponentVsTemperatureFigure } from './ensembles';
import { bosonPeakFigure, ghetFigure, hetFigure, type HetFigureOptions } from './theory';
import { APP_VERSION } from '../engine/version';

export interface FigureRequest {
  kind: FigureKind;
  /** Analysed projects: the first is the open one, the rest are overlaid (one colour each). */
  projects?: AnalysisData[];
  /** One sample's spectrum, for 'sample-modes'. */
  sample?: SampleSpectrum;
  /** For 'sample-modes': the T* = ∞ modes of the same model to colour the stored modes by localisation against (modeContrast.ts). */
  reference?: ReferenceModes;
  /** HET parameters, for 'het' and 'boson-peak'. */
  theory?: HetFigureOptions;
  /** GHET ζ, for 'ghet' (default: the analysis's). */
  zeta?: number;
}

/** Default HET parameters: the paper's Fig. 1 example and the CLI's reference case. */
export const DEFAULT_THEORY: HetFigureOptions = { gamma: 0.1, bulk: 3, box: null };

/**
 * Where the data of a figure came from, one line per project, for the exported SVG's <desc>:
 * the project, its folder, how and when its analysis was computed, from which samples.
 */
export function provenanceNotes(projects: AnalysisData[]): string[] {
  return projects.map((p) => {
    const from = p.summary.provenance;
    const how = from ? `${from.computedBy}, ${from.date}, samples ${from.samples.join(' ')}` : 'no provenance recorded';
    return `data: ${p.name} (${p.path}): ${how}`;
  });
}

export function buildFigure(request: FigureRequest): FigureModel {
  const model = buildFigureModel(request);
  return { ...model, provenance: [...provenanceNotes(request.projects ?? []), `drawn by glassmodes ${APP_VERSION}`] };
}

function buildFigureModel(request: FigureRequest): FigureModel {
  const projects = request.projects ?? [];
  switch (request.kind) {
    case 'dos':
      return dosFigure(projects);
    case 'reduced-dos':
      return reducedDosFigure(projects);
    case 'idos':
      return integratedDosFigure(projects);
    case 'pr':
      return participationFigure(projects);
    case 'sample-modes': {
      if (!request.sample) throw new FigureDataError('the sample-modes figure needs a sample spectrum');
      return sampleModesFigure(request.sample, projects[0]?.name ?? request.sample.sampleId, request.reference);
    }
    case 'level-ratio':
      return levelRatioFigure(projects);
    case 'stress':
      return stressFigure(projects);
    case 'ghet':
      return ghetFigure(projects, { zeta: request.zeta });
    case 's-vs-temperature':
      return exponentVsTemperatureFigure(projects);
    case 'energy-vs-temperature':
      return energyVsTemperatureFigure(projects);
    case 'het':
      return hetFigure(request.theory ?? DEFAULT_THEORY);
    case 'boson-peak':
      return bosonPeakFigure(request.theory ?? DEFAULT_THEORY);
    default: {
      const unknown: never = request.kind;
      throw new FigureDataError(`unknown figure kind '${String(unknown)}'; the kinds are ${Object.keys(FIGURE_KINDS).join(', ')}`);
    }
  }
}
