/**
 * A drawn figure (the DOM FigureView made, in a browser or under happy-dom) as one standalone SVG
 * file: the panels' recharts <svg>s placed side by side in one root <svg> with the xmlns, a white
 * background, the bundled font embedded as an @font-face data URL, and every inline style turned
 * into presentation attributes (so the file looks the same with no CSS and in any renderer).
 * Pure DOM reading and string building: no globals, no browser-only API.
 */
import { figureSize, panelOffsets, type FigureModel } from './model';
import { FIGURE_FONT_FAMILY, FIGURE_FONT_STACK } from './style';

export const SVG_NS = 'http://www.w3.org/2000/svg';

export interface StandaloneSvgOptions {
  /** The bundled TTF as a data URL (data:font/ttf;base64,…), embedded with @font-face. */
  fontDataUrl?: string;
}

/** Style properties that SVG also takes as presentation attributes. */
const PRESENTATION_PROPERTIES = new Set([
  'fill',
  'fill-opacity',
  'fill-rule',
  'stroke',
  'stroke-width',
  'stroke-dasharray',
  'stroke-dashoffset',
  'stroke-linecap',
  'stroke-linejoin',
  'stroke-opacity',
  'opacity',
  'font-family',
  'font-size',
  'font-weight',
  'font-style',
  'text-anchor',
  'dominant-baseline',
  'visibility',
  'display',
]);

/** Attributes recharts copies onto shapes that SVG does not define for them. */
const STRAY_SHAPE_ATTRIBUTES = new Set(['x', 'y', 'width', 'height', 'cx', 'cy', 'angle', 'orientation', 'offset', 'data-recharts-item-id']);
const SHAPES_WITHOUT_BOX = new Set(['path', 'line', 'polyline', 'polygon']);
/** Attributes that only matter on screen. */
const SCREEN_ONLY_ATTRIBUTES = new Set(['tabindex', 'role', 'style']);

interface SvgNode {
  name: string;
  attributes: [string, string][];
  children: (SvgNode | string)[];
}

/** Parses `a: b; c: d` into [property, value] pairs. */
export function parseStyle(style: string): [string, string][] {
  return style
    .split(';')
    .map((part) => part.split(':'))
    .filter((kv) => kv.length >= 2 && kv[0].trim())
    .map(([k, ...v]) => [k.trim().toLowerCase(), v.join(':').trim()]);
}

function toNode(element: Element): SvgNode | null {
  if (element.classList.contains('gm-click-layer')) return null;
  const name = element.localName;
  const attributes: [string, string][] = [];
  const present = new Set<string>();
  for (const attr of Array.from(element.attributes)) {
    if (SCREEN_ONLY_ATTRIBUTES.has(attr.name)) continue;
    if (SHAPES_WITHOUT_BOX.has(name) && STRAY_SHAPE_ATTRIBUTES.has(attr.name)) continue;
    attributes.push([attr.name, attr.value]);
    present.add(attr.name);
  }
  // Inline CSS → attributes (an attribute already set wins, as it is the one recharts means).
  for (const [property, value] of parseStyle(element.getAttribute('style') ?? '')) {
    if (PRESENTATION_PROPERTIES.has(property) && !present.has(property) && value) {
      attributes.push([property, value]);
      present.add(property);
    }
  }
  const children: (SvgNode | string)[] = [];
  for (const child of Array.from(element.childNodes)) {
    if (child.nodeType === 1) {
      const node = toNode(child as Element);
      if (node) children.push(node);
    } else if (child.nodeType === 3 && child.textContent) {
      children.push(child.textContent);
    }
  }
  // recharts leaves an empty <title></title><desc></desc> in each surface.
  if ((name === 'title' || name === 'desc') && children.length === 0) return null;
  return { name, attributes, children };
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttribute(text: string): string {
  return escapeText(text).replace(/"/g, '&quot;');
}

/** XML text of a node tree (deterministic: the same in every host). */
function serialise(node: SvgNode): string {
  const attrs = node.attributes.map(([k, v]) => ` ${k}="${escapeAttribute(v)}"`).join('');
  if (node.children.length === 0) return `<${node.name}${attrs}/>`;
  return `<${node.name}${attrs}>${node.children.map((c) => (typeof c === 'string' ? escapeText(c) : serialise(c))).join('')}</${node.name}>`;
}

/** The @font-face rule that embeds the bundled font. */
export function fontFaceRule(fontDataUrl: string): string {
  return `@font-face{font-family:'${FIGURE_FONT_FAMILY}';src:url(${fontDataUrl}) format('truetype');font-weight:normal;font-style:normal;}`;
}

/**
 * The same SVG drawn at another size: the root's width and height set, its viewBox kept (used to
 * rasterise at a resolution without scaling a bitmap).
 */
export function resizeSvgRoot(svg: string, width: number, height: number): string {
  return svg.replace(/<svg xmlns="[^"]*"([^>]*?) width="[^"]*" height="[^"]*"/, (match) => match.replace(/ width="[^"]*" height="[^"]*"$/, ` width="${width}" height="${height}"`));
}

/**
 * The standalone SVG of a drawn figure. `figure` is the element FigureView rendered (class
 * gm-figure); each panel's chart surface is placed where figureSize/panelOffsets put it.
 */
export function standaloneSvg(figure: Element, model: FigureModel, options: StandaloneSvgOptions = {}): string {
  const { width, height } = figureSize(model);
  const offsets = panelOffsets(model);
  const children: (SvgNode | string)[] = [];
  children.push({ name: 'title', attributes: [], children: [model.title] });
  const description = [...model.notes, ...(model.provenance ?? [])];
  if (description.length) children.push({ name: 'desc', attributes: [], children: [description.join('\n')] });
  if (options.fontDataUrl) children.push({ name: 'style', attributes: [['type', 'text/css']], children: [fontFaceRule(options.fontDataUrl)] });
  children.push({ name: 'rect', attributes: [['class', 'gm-background'], ['x', '0'], ['y', '0'], ['width', String(width)], ['height', String(height)], ['fill', '#ffffff']], children: [] });
  model.panels.forEach((panel, index) => {
    const surface = figure.querySelector(`[data-panel-index="${index}"] svg`);
    if (!surface) throw new Error(`figure panel ${index} (${panel.id}) has not been drawn`);
    const node = toNode(surface)!;
    const keep = node.attributes.filter(([k]) => !['width', 'height', 'x', 'y', 'class', 'viewBox'].includes(k));
    node.attributes = [
      ['class', `gm-panel ${surface.getAttribute('class') ?? ''}`.trim()],
      ['data-panel-id', panel.id],
      ['x', String(offsets[index].x)],
      ['y', String(offsets[index].y)],
      ['width', String(panel.width)],
      ['height', String(panel.height)],
      ['viewBox', `0 0 ${panel.width} ${panel.height}`],
      ...keep,
    ];
    children.push(node);
  });
  const root: SvgNode = {
    name: 'svg',
    attributes: [
      ['xmlns', SVG_NS],
      ['version', '1.1'],
      ['width', String(width)],
      ['height', String(height)],
      ['viewBox', `0 0 ${width} ${height}`],
      ['font-family', FIGURE_FONT_STACK],
      ['data-figure-kind', model.kind],
    ],
    children,
  };
  return `<?xml version="1.0" encoding="UTF-8"?>\n${serialise(root)}\n`;
}
