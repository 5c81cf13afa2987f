/**
 * Draws a FigureModel with recharts: one fixed-size chart per panel, side by side. Everything
 * visible is SVG inside the charts (titles, axis titles, legend, markers), so that
 * svgDocument.ts can put the panels into one standalone SVG; nothing here calls IPC or reads
 * files, so Node (under happy-dom, for `glassmodes figure`) and the browser draw it alike.
 */
import type { MouseEvent, ReactElement } from 'react';
import { Area, ComposedChart, ErrorBar, Line, ReferenceLine, Scatter, XAxis, YAxis, ZIndexLayer, usePlotArea, useXAxisInverseScale } from 'recharts';
import { axisTitle, formatTick } from './axes';
import { figureSize, type Axis, type FigureModel, type Panel, type Trace, type TracePoint } from './model';
import { AXIS_COLOUR, FIGURE_FONT_STACK, FONT_SIZE, INK, LIGHT, PANEL_MARGIN } from './style';

export interface FigureViewProps {
  model: FigureModel;
  /** A click on a point of a clickable trace (one that carries mode indices). */
  onPointClick?: (point: TracePoint, trace: Trace) => void;
  /** A click anywhere else in a panel's plot area, with the x value under the pointer. */
  onPlotClick?: (x: number, panel: Panel) => void;
}

export function FigureView({ model, onPointClick, onPlotClick }: FigureViewProps) {
  const size = figureSize(model);
  return (
    <div className="gm-figure" data-figure-kind={model.kind} style={{ display: 'flex', width: size.width, height: size.height, fontFamily: FIGURE_FONT_STACK, background: '#fff' }}>
      {model.panels.map((panel, index) => (
        <div key={panel.id} className="gm-panel" data-panel-index={index} data-panel-id={panel.id} style={{ width: panel.width, height: panel.height, flex: 'none' }}>
          <PanelChart panel={panel} onPointClick={onPointClick} onPlotClick={onPlotClick} />
        </div>
      ))}
    </div>
  );
}

/** Space the axes take inside the chart margin: tick labels below and left of the plot area. */
const X_AXIS_HEIGHT = 22;
const Y_AXIS_WIDTH = 46;
const CHART_MARGIN = { top: PANEL_MARGIN.top, right: PANEL_MARGIN.right, bottom: PANEL_MARGIN.bottom - X_AXIS_HEIGHT, left: PANEL_MARGIN.left - Y_AXIS_WIDTH };

interface Datum {
  x: number;
  y: number;
  /** [below, above] for ErrorBar, clipped to the axis so a log axis never gets y ≤ 0. */
  err?: [number, number];
  /** [low, high] for an error band. */
  band?: [number, number];
  point: TracePoint;
}

/** Where a point's x is drawn: x = ∞ at the axis's ∞ position (when it has one). */
function drawnX(value: number, x: Axis): number {
  return value === Infinity && x.infinity ? x.infinity.at : value;
}

function chartData(trace: Trace, x: Axis, y: Axis): Datum[] {
  return trace.points.map((point) => {
    const d: Datum = { x: drawnX(point.x, x), y: point.y, point };
    const range: [number, number] | null = point.interval && point.interval.every(Number.isFinite) ? point.interval : point.error !== undefined && Number.isFinite(point.error) ? [point.y - point.error, point.y + point.error] : null;
    if (trace.errors && range) {
      const low = Math.max(range[0], y.domain[0]);
      const high = Math.min(range[1], y.domain[1]);
      if (trace.errors === 'bars') d.err = [point.y - low, high - point.y];
      else d.band = [low, high];
    }
    return d;
  });
}

function PanelChart({ panel, onPointClick, onPlotClick }: { panel: Panel; onPointClick?: FigureViewProps['onPointClick']; onPlotClick?: FigureViewProps['onPlotClick'] }) {
  return (
    <ComposedChart width={panel.width} height={panel.height} margin={CHART_MARGIN} style={{ fontFamily: FIGURE_FONT_STACK }}>
      {onPlotClick ? <PlotClickLayer panel={panel} onPlotClick={onPlotClick} /> : null}
      <XAxis xAxisId={0} type="number" dataKey="x" scale={panel.x.scale} domain={panel.x.domain} ticks={panel.x.ticks} allowDataOverflow interval={0} height={X_AXIS_HEIGHT} stroke={AXIS_COLOUR} tickSize={4} tick={<AxisTick scale={panel.x.scale} orientation="bottom" infinityAt={panel.x.infinity?.at} />} />
      <YAxis yAxisId={0} type="number" dataKey="y" scale={panel.y.scale} domain={panel.y.domain} ticks={panel.y.ticks} allowDataOverflow interval={0} width={Y_AXIS_WIDTH} stroke={AXIS_COLOUR} tickSize={4} tick={<AxisTick scale={panel.y.scale} orientation="left" />} />
      {panel.markers.map((m, k) => (
        <ReferenceLine key={`marker-${k}`} x={m.value} stroke={m.colour} strokeDasharray={m.dash} strokeWidth={1.1} ifOverflow="discard" className="gm-marker" label={{ value: m.text, position: k % 2 === 0 ? 'insideTopLeft' : 'insideTopRight', fill: m.colour, fontSize: FONT_SIZE.marker, offset: 4 }} />
      ))}
      {panel.traces.map((trace) => renderTrace(trace, panel, onPointClick))}
      <PanelDecorations panel={panel} />
    </ComposedChart>
  );
}

function renderTrace(trace: Trace, panel: Panel, onPointClick?: FigureViewProps['onPointClick']): ReactElement[] {
  const data = chartData(trace, panel.x, panel.y);
  const className = `gm-trace gm-trace--${trace.id}`;
  const out: ReactElement[] = [];
  const errorBar = trace.errors === 'bars' ? <ErrorBar dataKey="err" direction="y" width={2} stroke={trace.colour} strokeWidth={1} isAnimationActive={false} /> : null;
  if (trace.errors === 'band') {
    out.push(<Area key={`${trace.id}-band`} data={data.filter((d) => d.band)} dataKey="band" type="linear" stroke="none" fill={trace.colour} fillOpacity={0.16} isAnimationActive={false} className={`gm-band gm-band--${trace.id}`} legendType="none" />);
  }
  if (trace.style === 'points') {
    out.push(
      <Scatter key={trace.id} data={data} dataKey="y" className={className} isAnimationActive={false} shape={(props: unknown) => <PointMark {...(props as PointMarkProps)} trace={trace} onPointClick={onPointClick} />}>
        {errorBar}
      </Scatter>,
    );
  } else {
    const dot = trace.style === 'line+points' ? (props: unknown) => <PointMark key={`${trace.id}-${(props as { index: number }).index}`} {...(props as PointMarkProps)} trace={trace} onPointClick={onPointClick} /> : false;
    out.push(
      <Line key={trace.id} data={data} dataKey="y" type="linear" stroke={trace.colour} strokeWidth={trace.strokeWidth ?? 1.2} strokeDasharray={trace.dash} dot={dot} activeDot={false} isAnimationActive={false} className={className} legendType="none">
        {errorBar}
      </Line>,
    );
  }
  return out;
}

interface PointMarkProps {
  cx?: number;
  cy?: number;
  payload?: Datum;
  trace: Trace;
  onPointClick?: FigureViewProps['onPointClick'];
}

/** One data point: a circle that names its trace (and its mode, when it stands for one). */
function PointMark({ cx, cy, payload, trace, onPointClick }: PointMarkProps) {
  if (cx === undefined || cy === undefined || !Number.isFinite(cx) || !Number.isFinite(cy)) return null;
  const point = payload?.point;
  const clickable = trace.clickable && point?.mode !== undefined && onPointClick;
  return (
    <circle
      className={clickable ? 'gm-point gm-point--clickable' : 'gm-point'}
      data-trace={trace.id}
      data-mode-index={point?.mode}
      cx={cx}
      cy={cy}
      r={trace.style === 'points' ? 2.6 : 2.2}
      fill={trace.colour}
      stroke={trace.clickable ? '#ffffff' : 'none'}
      strokeWidth={trace.clickable ? 0.5 : 0}
      onClick={clickable ? () => onPointClick(point, trace) : undefined}
    >
      {point?.title ? <title>{point.title}</title> : null}
    </circle>
  );
}

interface AxisTickProps {
  x?: number;
  y?: number;
  payload?: { value: number };
  scale: Axis['scale'];
  orientation: 'bottom' | 'left';
  /** The tick at this value reads '∞' (an axis with x = ∞, see Axis.infinity). */
  infinityAt?: number;
}

/** A tick label that keeps its value (data-tick-value) so readers of the SVG can map pixels back. */
function AxisTick({ x, y, payload, scale, orientation, infinityAt }: AxisTickProps) {
  if (x === undefined || y === undefined || !payload) return null;
  const bottom = orientation === 'bottom';
  const infinite = infinityAt !== undefined && payload.value === infinityAt;
  return (
    <text className="gm-tick" data-tick-value={payload.value} data-tick-label={infinite ? 'inf' : undefined} data-axis={bottom ? 'x' : 'y'} x={x} y={y} dy={bottom ? '0.75em' : '0.33em'} textAnchor={bottom ? 'middle' : 'end'} fill={INK} fontSize={FONT_SIZE.tick}>
      {infinite ? '∞' : formatTick(payload.value, scale)}
    </text>
  );
}

/** Panel title, axis titles with units, a frame round the plot area, and the legend. */
function PanelDecorations({ panel }: { panel: Panel }) {
  const plot = usePlotArea();
  if (!plot) return null;
  const centreX = plot.x + plot.width / 2;
  const centreY = plot.y + plot.height / 2;
  return (
    <ZIndexLayer zIndex={2500}>
      <g className="gm-decorations">
        <rect className="gm-frame" x={plot.x} y={plot.y} width={plot.width} height={plot.height} fill="none" stroke={AXIS_COLOUR} strokeWidth={1} />
        {panel.x.infinity ? <AxisBreak at={plot.x + ((panel.x.infinity.breakAt - panel.x.domain[0]) / (panel.x.domain[1] - panel.x.domain[0])) * plot.width} plot={plot} /> : null}
        <text className="gm-panel-title" x={centreX} y={PANEL_MARGIN.top - 9} textAnchor="middle" fill={INK} fontSize={FONT_SIZE.title}>
          {panel.title}
        </text>
        <text className="gm-axis-title" data-axis="x" x={centreX} y={panel.height - 5} textAnchor="middle" fill={INK} fontSize={FONT_SIZE.label}>
          {axisTitle(panel.x)}
        </text>
        <text className="gm-axis-title" data-axis="y" x={0} y={0} transform={`translate(13 ${centreY}) rotate(-90)`} textAnchor="middle" fill={INK} fontSize={FONT_SIZE.label}>
          {axisTitle(panel.y)}
        </text>
        <Legend panel={panel} plot={plot} />
      </g>
    </ZIndexLayer>
  );
}

/** The break of an axis that shows x = ∞: a gap in the frame's top and bottom edges, bridged by two slanted strokes each. */
function AxisBreak({ at, plot }: { at: number; plot: { x: number; y: number; width: number; height: number } }) {
  const gap = 3;
  return (
    <g className="gm-axis-break" data-axis="x">
      {[plot.y, plot.y + plot.height].map((y) => (
        <g key={y}>
          <rect x={at - gap} y={y - 4} width={2 * gap} height={8} fill="#ffffff" stroke="none" />
          <line x1={at - gap - 2} y1={y + 4} x2={at - gap + 2} y2={y - 4} stroke={AXIS_COLOUR} strokeWidth={1} />
          <line x1={at + gap - 2} y1={y + 4} x2={at + gap + 2} y2={y - 4} stroke={AXIS_COLOUR} strokeWidth={1} />
        </g>
      ))}
    </g>
  );
}

interface LegendEntry {
  label: string;
  colour: string;
  dash?: string;
  line: boolean;
  point: boolean;
}

function legendEntries(panel: Panel): LegendEntry[] {
  const entries: LegendEntry[] = panel.traces.filter((t) => t.label).map((t) => ({ label: t.label, colour: t.colour, dash: t.dash, line: t.style !== 'points', point: t.style !== 'line' }));
  for (const m of panel.markers) if (m.label) entries.push({ label: m.label, colour: m.colour, dash: m.dash, line: true, point: false });
  return entries;
}

/** Average advance of DejaVu Sans in em, for sizing the legend box without a layout engine. */
const AVERAGE_ADVANCE_EM = 0.58;
const LEGEND_ROW = 12.5;
const SWATCH = 16;

function Legend({ panel, plot }: { panel: Panel; plot: { x: number; y: number; width: number; height: number } }) {
  const entries = legendEntries(panel);
  if (entries.length === 0) return null;
  const textWidth = Math.max(...entries.map((e) => [...e.label].length)) * FONT_SIZE.legend * AVERAGE_ADVANCE_EM;
  const width = Math.min(plot.width - 8, SWATCH + 10 + textWidth);
  const height = entries.length * LEGEND_ROW + 6;
  const inset = 4;
  const left = panel.legend.endsWith('left') ? plot.x + inset : plot.x + plot.width - inset - width;
  const top = panel.legend.startsWith('top') ? plot.y + inset : plot.y + plot.height - inset - height;
  return (
    <g className="gm-legend" transform={`translate(${left} ${top})`}>
      <rect width={width} height={height} fill="#ffffff" fillOpacity={0.85} stroke={LIGHT} strokeWidth={0.6} />
      {entries.map((e, k) => {
        const y = 3 + LEGEND_ROW * k + LEGEND_ROW / 2;
        return (
          <g key={k} className="gm-legend-entry">
            {e.line ? <line x1={4} x2={4 + SWATCH} y1={y} y2={y} stroke={e.colour} strokeWidth={1.5} strokeDasharray={e.dash} /> : null}
            {e.point ? <circle cx={4 + SWATCH / 2} cy={y} r={2.4} fill={e.colour} /> : null}
            <text x={SWATCH + 8} y={y} dy="0.33em" fill={INK} fontSize={FONT_SIZE.legend}>
              {e.label}
            </text>
          </g>
        );
      })}
    </g>
  );
}

/**
 * A transparent rectangle under the traces over the plot area: a click on it reports the x value
 * under the pointer (through the axis's inverse scale), e.g. to open the mode nearest that ω.
 */
function PlotClickLayer({ panel, onPlotClick }: { panel: Panel; onPlotClick: NonNullable<FigureViewProps['onPlotClick']> }) {
  const plot = usePlotArea();
  const invert = useXAxisInverseScale();
  if (!plot || !invert) return null;
  const click = (event: MouseEvent<SVGRectElement>) => {
    const svg = event.currentTarget.ownerSVGElement;
    const matrix = svg?.getScreenCTM();
    if (!svg || !matrix) return;
    const at = new DOMPoint(event.clientX, event.clientY).matrixTransform(matrix.inverse());
    const x = Number(invert(at.x));
    if (Number.isFinite(x)) onPlotClick(x, panel);
  };
  return <rect className="gm-click-layer" x={plot.x} y={plot.y} width={plot.width} height={plot.height} fill="transparent" onClick={click} style={{ cursor: 'crosshair' }} />;
}
