/**
 * Progress on a terminal: one bar per running sample, redrawn in place on a TTY; plain lines
 * (stage changes and every 25 %) when the output is a file or a cluster job's log.
 */
import type { RunEvent } from '../engine/io/runner';

interface Line {
  stage: string;
  fraction: number;
  message: string;
  started: number;
  stageStarted: number;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--';
  if (seconds < 60) return `${seconds.toFixed(0)}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
}

export function progressBar(fraction: number, width = 24): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return '[' + '#'.repeat(filled) + '-'.repeat(width - filled) + ']';
}

export function createProgressReporter(stream: NodeJS.WriteStream = process.stderr) {
  const tty = stream.isTTY === true;
  const lines = new Map<string, Line>();
  let drawn = 0;
  let lastDraw = 0;
  const lastQuarter = new Map<string, number>();

  const draw = (force = false) => {
    if (!tty) return;
    const now = Date.now();
    if (!force && now - lastDraw < 100) return;
    lastDraw = now;
    let out = drawn > 0 ? `\x1b[${drawn}A` : '';
    for (const [id, l] of lines) {
      const elapsed = (now - l.stageStarted) / 1000;
      const eta = l.fraction > 0.02 ? (elapsed * (1 - l.fraction)) / l.fraction : NaN;
      const text = `${id} ${l.stage.padEnd(8)} ${progressBar(l.fraction)} ${(100 * l.fraction).toFixed(0).padStart(3)}% eta ${formatDuration(eta)}  ${l.message}`;
      out += '\x1b[2K' + text.slice(0, (stream.columns ?? 120) - 1) + '\n';
    }
    drawn = lines.size;
    stream.write(out);
  };
  const print = (text: string) => {
    if (tty && drawn > 0) {
      stream.write(`\x1b[${drawn}A\x1b[J`);
      drawn = 0;
    }
    stream.write(text + '\n');
    draw(true);
  };

  return {
    onEvent(event: RunEvent) {
      switch (event.type) {
        case 'sample-start':
          lines.set(event.sampleId, { stage: 'start', fraction: 0, message: '', started: Date.now(), stageStarted: Date.now() });
          draw(true);
          break;
        case 'progress': {
          const l = lines.get(event.sampleId) ?? { stage: event.stage, fraction: 0, message: '', started: Date.now(), stageStarted: Date.now() };
          if (l.stage !== event.stage) {
            l.stage = event.stage;
            l.stageStarted = Date.now();
            if (!tty) print(`${event.sampleId} ${event.stage}: ${event.message}`);
          }
          l.fraction = event.fraction;
          l.message = event.message;
          lines.set(event.sampleId, l);
          if (!tty) {
            const quarter = Math.floor(event.fraction * 4);
            const key = `${event.sampleId}:${event.stage}`;
            if (quarter > (lastQuarter.get(key) ?? 0)) {
              lastQuarter.set(key, quarter);
              print(`${event.sampleId} ${event.stage} ${(100 * event.fraction).toFixed(0)}%: ${event.message}`);
            }
          }
          draw();
          break;
        }
        case 'sample-done': {
          const l = lines.get(event.sampleId);
          lines.delete(event.sampleId);
          print(`${event.sampleId} done${l ? ` in ${formatDuration((Date.now() - l.started) / 1000)}` : ''}`);
          break;
        }
        case 'sample-failed':
          lines.delete(event.sampleId);
          print(`${event.sampleId} FAILED: ${event.error.split('\n')[0]}`);
          break;
        case 'log':
          print(event.message);
          break;
      }
    },
    finish() {
      draw(true);
    },
  };
}
