/**
 * Node only (never imported by the app's bundle): draws a FigureModel with the very FigureView
 * component the app uses, under happy-dom, and returns the standalone SVG; rasterises an SVG to
 * PNG with resvg using the bundled font. `glassmodes figure` and the tests use it.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createElement } from 'react';
import type { FigureModel } from './model';
import { figureSize } from './model';
import { checkDpi, pngPixelSize, withPngResolution } from './png';
import { FIGURE_FONT_FAMILY, FIGURE_FONT_FILE } from './style';
import { standaloneSvg } from './svgDocument';

/** The bundled TTF (resources/fonts), found from this file so it works from any working folder. */
export const figureFontPath = fileURLToPath(new URL(`../resources/fonts/${FIGURE_FONT_FILE}`, import.meta.url));

export function figureFontDataUrl(): string {
  return `data:font/ttf;base64,${readFileSync(figureFontPath).toString('base64')}`;
}

/** Globals react-dom and recharts look for, taken from one happy-dom window. */
const DOM_GLOBALS = ['window', 'document', 'navigator', 'Node', 'Element', 'HTMLElement', 'SVGElement', 'Text', 'Event', 'MouseEvent', 'DOMPoint', 'getComputedStyle', 'requestAnimationFrame', 'cancelAnimationFrame', 'MutationObserver', 'ResizeObserver'] as const;

let domReady: Promise<void> | null = null;

/** Installs one happy-dom window as the global DOM of this process (once). */
async function ensureDom(): Promise<void> {
  domReady ??= (async () => {
    const { Window } = await import('happy-dom');
    const window = new Window({ width: 1600, height: 1200, settings: { disableJavaScriptFileLoading: true, disableCSSFileLoading: true, navigator: { userAgent: 'glassmodes-headless' } } });
    const host = globalThis as Record<string, unknown>;
    for (const name of DOM_GLOBALS) {
      const value = (window as unknown as Record<string, unknown>)[name];
      if (value === undefined) continue;
      // Node 21+ defines navigator as a getter: replace it rather than assign.
      Object.defineProperty(host, name, { value: name === 'window' ? window : typeof value === 'function' && /^[a-z]/.test(name) ? (value as (...a: unknown[]) => unknown).bind(window) : value, configurable: true, writable: true });
    }
    host.IS_REACT_ACT_ENVIRONMENT = true;
  })();
  return domReady;
}

/** Draws the figure with FigureView and returns the standalone SVG text (font embedded). */
export async function renderFigureSvg(model: FigureModel, options: { embedFont?: boolean } = {}): Promise<string> {
  await ensureDom();
  const [{ act }, { createRoot }, { FigureView }] = await Promise.all([import('react'), import('react-dom/client'), import('./FigureView')]);
  const container = document.createElement('div');
  document.body.appendChild(container);
  const root = createRoot(container);
  try {
    await act(async () => {
      root.render(createElement(FigureView, { model }));
    });
    const figure = container.querySelector('.gm-figure');
    if (!figure) throw new Error('the figure did not render');
    return standaloneSvg(figure, model, { fontDataUrl: options.embedFont === false ? undefined : figureFontDataUrl() });
  } finally {
    await act(async () => root.unmount());
    container.remove();
  }
}

/**
 * The SVG as a PNG at `dpi` (72–600): resvg with only the bundled font, white background, the
 * pixel size of pngPixelSize, and a pHYs chunk that states the resolution.
 */
export async function rasteriseFigure(svg: string, model: FigureModel, dpi: number): Promise<Uint8Array> {
  checkDpi(dpi);
  const { Resvg } = await import('@resvg/resvg-js');
  const pixels = pngPixelSize(figureSize(model), dpi);
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'width', value: pixels.width },
    background: '#ffffff',
    font: { fontFiles: [figureFontPath], loadSystemFonts: false, defaultFontFamily: FIGURE_FONT_FAMILY, sansSerifFamily: FIGURE_FONT_FAMILY },
  });
  const png = resvg.render().asPng();
  return withPngResolution(new Uint8Array(png.buffer, png.byteOffset, png.byteLength), dpi);
}
