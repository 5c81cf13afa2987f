// Every citation of the physics contract and the design in code, tests, scripts and docs points at
// something a clone has: docs/PHYSICS.md §n must be a numbered section of docs/PHYSICS.md,
// DESIGN.md "Title" a section of docs/DESIGN.md, docs/NAME.md a file, and nothing may cite the
// SPEC.md (or "SPEC §n") that lives outside the repository.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..');
const SCANNED = ['engine', 'cli', 'main', 'preload', 'renderer', 'tests', 'bench', 'scripts', 'docs', 'README.md'];
const TEXT = /\.(ts|tsx|mts|mjs|js|md|py|c|h|html|css)$/;
const SELF = relative(root, __filename);

interface Contract {
  physicsSections: Set<number>;
  designSections: Set<string>;
  docs: Set<string>;
}

function headings(markdown: string): string[] {
  return markdown.split('\n').filter((l) => l.startsWith('## ')).map((l) => l.slice(3).trim());
}

function contractOf(dir: string): Contract {
  const physics = headings(readFileSync(join(dir, 'docs/PHYSICS.md'), 'utf8'));
  const design = headings(readFileSync(join(dir, 'docs/DESIGN.md'), 'utf8'));
  return {
    physicsSections: new Set(physics.map((h) => /^(\d+)\./.exec(h)).filter((m) => m !== null).map((m) => Number(m![1]))),
    designSections: new Set(design),
    docs: new Set(readdirSync(join(dir, 'docs')).filter((f) => f.endsWith('.md'))),
  };
}

/** Comment markers and line breaks inside a citation read as one space ("the\n * project folder"). */
function flatten(text: string): string {
  return text.replace(/\s*\n\s*(?:\*(?!\/)|\/\/|#)?\s*/g, ' ');
}

/** What is wrong with the citations in one file's text; empty when every one resolves. */
export function citationProblems(text: string, file: string, contract: Contract): string[] {
  const problems: string[] = [];
  const flat = flatten(text);
  for (const m of flat.matchAll(/\bSPEC(?:\.md| §)/g)) problems.push(`${file}: cites '${m[0]}', which is not in the repository (cite docs/PHYSICS.md §n)`);
  // docs/PHYSICS.md §4, §1–4, §3, §8, §5-6 (a range cites every section in it).
  for (const m of flat.matchAll(/PHYSICS\.md §(\d+)((?:\s*[–-]\s*§?\d+|,\s*§\d+)*)/g)) {
    const cited = [Number(m[1])];
    for (const part of m[2].matchAll(/([–-]|,)\s*§?(\d+)/g)) {
      const n = Number(part[2]);
      if (part[1] === ',') cited.push(n);
      else for (let k = cited[cited.length - 1] + 1; k <= n; k++) cited.push(k);
    }
    for (const n of cited) if (!contract.physicsSections.has(n)) problems.push(`${file}: cites docs/PHYSICS.md §${n}, which has no section ${n}`);
  }
  for (const m of flat.matchAll(/DESIGN\.md "([^"]+)"/g)) {
    if (!contract.designSections.has(m[1])) problems.push(`${file}: cites DESIGN.md "${m[1]}", which is not a section of docs/DESIGN.md`);
  }
  for (const m of flat.matchAll(/\bdocs\/([A-Za-z_]+\.md)/g)) {
    if (!contract.docs.has(m[1])) problems.push(`${file}: cites docs/${m[1]}, which does not exist`);
  }
  return problems;
}

function filesUnder(path: string): string[] {
  const full = join(root, path);
  if (!existsSync(full)) return [];
  if (!statSync(full).isDirectory()) return TEXT.test(path) ? [path] : [];
  return readdirSync(full).filter((name) => name !== 'node_modules' && !name.startsWith('.')).flatMap((name) => filesUnder(join(path, name)));
}

describe('citations of the physics contract and the design', () => {
  const contract = contractOf(root);

  it('docs/PHYSICS.md keeps the numbered sections 1–8 and docs/DESIGN.md its sections', () => {
    expect([...contract.physicsSections].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    for (const title of ['How data flows', 'Processes', 'The project folder', 'Headless CLI', 'Testing where the desktop binary is missing']) expect(contract.designSections.has(title)).toBe(true);
  });

  it('a planted bad citation is found: SPEC, a missing section, a missing design heading, a missing doc', () => {
    const planted = [
      '/** The spectrum stage (SPEC §4). */',
      '// see SPEC.md',
      '/** docs/PHYSICS.md §9, and §1–4 */',
      '/** docs/PHYSICS.md §3, §12 */',
      '/** (docs/DESIGN.md "Compute host") */',
      '/** (docs/DESIGN.md "The\n * project folder") */',
      '/** docs/NOWHERE.md */',
    ].join('\n');
    const problems = citationProblems(planted, 'planted.ts', contract);
    expect(problems).toHaveLength(6);
    expect(problems.join('\n')).toMatch(/'SPEC §'[\s\S]*'SPEC\.md'[\s\S]*§9[\s\S]*§12[\s\S]*"Compute host"[\s\S]*NOWHERE/);
    expect(citationProblems('/** docs/PHYSICS.md §1–4, §8 and (docs/DESIGN.md "The\n * project folder") */', 'good.ts', contract)).toEqual([]);
  });

  it('every citation in the tree resolves, and none cites SPEC', () => {
    const files = SCANNED.flatMap(filesUnder).filter((f) => f !== SELF);
    expect(files.length).toBeGreaterThan(100);
    const problems = files.flatMap((f) => citationProblems(readFileSync(join(root, f), 'utf8'), f, contract));
    expect(problems).toEqual([]);
  });
});
