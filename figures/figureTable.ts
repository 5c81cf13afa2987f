/**
 * The data a figure plots, as one CSV table: a row per drawn point (and per marker line), columns
 * project, panel, curve, then each axis quantity with its unit in the header (`omega [sqrt(eps/m)/a]`,
 * a dimensionless one by its plain name, as engine/series.ts writes them), the
 * standard error where the points carry one and the interval's ends (`<y>_low`, `<y>_high`) where
 * they carry an interval. x = ∞ is written 'inf' (where an axis shows ∞ after a break).
 */
import type { FigureModel } from './model';

interface QuantityColumn {
  key: string;
  header: string;
}

function header(quantity: string, unit: string): string {
  return unit === '1' || unit === '' ? quantity : `${quantity} [${unit}]`;
}

/** A CSV cell: numbers in their shortest round-tripping form, text quoted when it must be. */
function cell(value: string | number | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (value === Infinity) return 'inf';
    if (value === -Infinity) return '-inf';
    return String(value);
  }
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export interface FigureTable {
  header: string[];
  rows: (string | number | undefined)[][];
}

export function figureTable(model: FigureModel): FigureTable {
  const xColumns: QuantityColumn[] = [];
  const yColumns: QuantityColumn[] = [];
  const errorColumns: QuantityColumn[] = [];
  const intervalColumns: QuantityColumn[] = [];
  const add = (list: QuantityColumn[], quantity: string, unit: string) => {
    const key = `${quantity}|${unit}`;
    if (!list.some((c) => c.key === key)) list.push({ key, header: header(quantity, unit) });
    return key;
  };
  for (const panel of model.panels) {
    add(xColumns, panel.x.quantity, panel.x.unit);
    add(yColumns, panel.y.quantity, panel.y.unit);
    if (panel.traces.some((t) => t.errors && t.points.some((p) => p.error !== undefined))) add(errorColumns, `${panel.y.quantity}_error`, panel.y.unit);
    if (panel.traces.some((t) => t.errors && t.points.some((p) => p.interval !== undefined))) {
      add(intervalColumns, `${panel.y.quantity}_low`, panel.y.unit);
      add(intervalColumns, `${panel.y.quantity}_high`, panel.y.unit);
    }
  }
  const hasModes = model.panels.some((p) => p.traces.some((t) => t.points.some((q) => q.mode !== undefined)));
  const columns = [...xColumns, ...yColumns, ...errorColumns, ...intervalColumns];
  const head = ['project', 'panel', 'curve', ...columns.map((c) => c.header), ...(hasModes ? ['mode'] : [])];
  const rows: (string | number | undefined)[][] = [];
  for (const panel of model.panels) {
    const xKey = `${panel.x.quantity}|${panel.x.unit}`;
    const yKey = `${panel.y.quantity}|${panel.y.unit}`;
    const eKey = `${panel.y.quantity}_error|${panel.y.unit}`;
    const lowKey = `${panel.y.quantity}_low|${panel.y.unit}`;
    const highKey = `${panel.y.quantity}_high|${panel.y.unit}`;
    for (const trace of panel.traces) {
      for (const p of trace.points) {
        const values = columns.map((c) =>
          c.key === xKey ? p.x : c.key === yKey ? p.y : c.key === eKey && trace.errors ? p.error : c.key === lowKey && trace.errors ? p.interval?.[0] : c.key === highKey && trace.errors ? p.interval?.[1] : undefined,
        );
        rows.push([p.project ?? trace.group, panel.id, trace.label || trace.id, ...values, ...(hasModes ? [p.mode] : [])]);
      }
    }
    for (const m of panel.markers) {
      const values = columns.map((c) => (c.key === xKey ? m.value : undefined));
      rows.push([m.group, panel.id, `marker ${m.text}${m.label ? `: ${m.label}` : ''}`, ...values, ...(hasModes ? [undefined] : [])]);
    }
  }
  return { header: head, rows };
}

export function figureCsv(model: FigureModel): string {
  const table = figureTable(model);
  return [table.header.map(cell).join(','), ...table.rows.map((r) => r.map(cell).join(','))].join('\n') + '\n';
}
