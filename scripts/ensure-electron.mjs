// Electron's binary is not in the npm package: it is fetched once, on first launch, by Electron's
// own install script, which `npm ci` does not run (.npmrc ignore-scripts: set-up needs only the
// npm registry, not Electron's download host).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';

const require = createRequire(import.meta.url);
const electronDir = dirname(require.resolve('electron/package.json'));
const pathFile = join(electronDir, 'path.txt');
const installed = existsSync(pathFile) && existsSync(join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim()));
if (!installed) {
  console.log('glassmodes: fetching the Electron runtime once (needs the network this one time)…');
  const r = spawnSync(process.execPath, [join(electronDir, 'install.js')], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('glassmodes: could not fetch Electron. Connect to the network once and run `npm start` again; the CLI (npx glassmodes) works without it.');
    process.exit(1);
  }
}
