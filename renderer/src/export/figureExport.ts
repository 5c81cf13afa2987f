/**
 * Exporting a drawn figure from the app: a standalone SVG (figures/svgDocument.ts, the bundled
 * font embedded), a PNG at a chosen resolution (the SVG drawn onto a canvas of the pixel size the
 * dpi implies, then a pHYs chunk), or the plotted data as CSV (figures/figureTable.ts). Each goes
 * to export.save: a save dialog in the app, the export folder in the browser test bridge. The SVG
 * and CSV text come from the same pure modules `glassmodes figure` uses.
 */
import fontDataUrl from '../../../resources/fonts/DejaVuSans-figures.ttf?inline';
import { api } from '../api';
import { figureCsv } from '../../../figures/figureTable';
import { figureSize, type FigureModel } from '../../../figures/model';
import { checkDpi, pngPixelSize, withPngResolution } from '../../../figures/png';
import { resizeSvgRoot, standaloneSvg } from '../../../figures/svgDocument';
import { bytesToBase64, textToBase64 } from './base64';

export type FigureFormat = 'svg' | 'png' | 'csv';

/** The standalone SVG text of a figure FigureView drew (the element with class gm-figure). */
export function figureSvgText(figure: Element, model: FigureModel): string {
  return standaloneSvg(figure, model, { fontDataUrl });
}

/** The SVG rasterised by the browser at `dpi` (72–600), with the resolution written into the PNG. */
export async function figurePngBytes(svg: string, model: FigureModel, dpi: number): Promise<Uint8Array> {
  checkDpi(dpi);
  const pixels = pngPixelSize(figureSize(model), dpi);
  // Draw the vector file at the target size (not a scaled bitmap of the 96-dpi one).
  const url = URL.createObjectURL(new Blob([resizeSvgRoot(svg, pixels.width, pixels.height)], { type: 'image/svg+xml' }));
  try {
    const image = new Image(pixels.width, pixels.height);
    image.src = url;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = pixels.width;
    canvas.height = pixels.height;
    const context = canvas.getContext('2d');
    if (!context) throw new Error('this window cannot draw on a canvas');
    context.fillStyle = '#ffffff';
    context.fillRect(0, 0, pixels.width, pixels.height);
    context.drawImage(image, 0, 0, pixels.width, pixels.height);
    const blob = await new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the canvas gave no PNG'))), 'image/png'));
    return withPngResolution(new Uint8Array(await blob.arrayBuffer()), dpi);
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** A file name from a project and a figure kind: letters, digits, '.', '-' and '_' only. */
export function figureFileName(stem: string, format: FigureFormat): string {
  const safe = stem.replace(/[^\p{L}\p{N}._-]+/gu, '-').replace(/^-+|-+$/g, '') || 'figure';
  return `${safe}.${format}`;
}

/** Exports a drawn figure; resolves to where it was saved, or null when the save dialog was cancelled. */
export async function exportFigure(format: FigureFormat, figure: Element, model: FigureModel, options: { name: string; dpi?: number }): Promise<{ path: string } | null> {
  const name = figureFileName(options.name, format);
  switch (format) {
    case 'svg':
      return api.export.save({ name, kind: 'svg', base64: textToBase64(figureSvgText(figure, model)) });
    case 'png': {
      const bytes = await figurePngBytes(figureSvgText(figure, model), model, options.dpi ?? 300);
      return api.export.save({ name, kind: 'png', base64: bytesToBase64(bytes) });
    }
    case 'csv':
      return api.export.save({ name, kind: 'csv', base64: textToBase64(figureCsv(model)) });
  }
}
