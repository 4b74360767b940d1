// Shared set-up for the browser tests: serves dist/ on a free localhost port and launches
// Debian's headless Chromium (with or without WebGPU) through playwright-core.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ARTIFACTS = join(ROOT, 'tests', 'browser', 'artifacts');
mkdirSync(ARTIFACTS, { recursive: true });

/** The version of model `id` that the manifest lists ('v1' where it lists none): the one the pages
 *  read, so the tests follow a model to its next version. */
export function version(id) {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'assets', 'models', 'manifest.json'), 'utf8'));
  return manifest.models.find((m) => m.id === id && !m.base_only)?.version ?? 'v1';
}

/** `file` of model `id` in that version, under assets/models (or `dir`/assets/models, e.g. 'dist'). */
export function modelFile(id, file, dir = '') {
  return join(ROOT, dir, 'assets', 'models', id, version(id), file);
}

/** The two compute paths every model page is tested on: WebGPU (SwiftShader's CPU adapter here)
 *  and the CPU fallback, each asked for in the address. */
export const MODES = [
  { label: 'webgpu', webgpu: true, query: '&backend=webgpu' },
  { label: 'cpu', webgpu: false, query: '&backend=cpu' },
];

/** Generous: a cold start on the CPU adapter downloads 45 MB and compiles shaders on 2 cores. */
export const SLOW = 240_000;

async function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

/** Starts scripts/serve.py on `dir` (default: $SESAME_DIST, else dist/); returns { url, port, stop }. */
export async function serve(dir = process.env.SESAME_DIST || 'dist') {
  if (dir === 'dist' && !existsSync(join(ROOT, 'dist', 'sesame_bg.wasm'))) throw new Error('dist/ is not built: run scripts/build-web.sh');
  const port = await freePort();
  const proc = spawn('python3', ['scripts/serve.py', '--port', String(port), '--dir', dir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve, reject) => {
    proc.stdout.on('data', (d) => { if (String(d).includes('served at')) resolve(); });
    proc.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { url: `http://localhost:${port}/`, port, stop: () => proc.kill() };
}

const QUIET = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Launches Chromium; `webgpu` adds --enable-unsafe-webgpu (SwiftShader CPU adapter here). */
export async function launch({ webgpu }) {
  const args = [...QUIET, ...(webgpu ? ['--enable-unsafe-webgpu'] : ['--disable-features=WebGPU'])];
  return chromium.launch({ executablePath: '/usr/bin/chromium', args });
}

/** A persistent (not incognito) Chromium profile in `dir`: what installability checks need. */
export async function launchPersistent(dir, { viewport } = {}) {
  return chromium.launchPersistentContext(dir, { executablePath: '/usr/bin/chromium', args: [...QUIET, '--disable-features=WebGPU'], serviceWorkers: 'allow', viewport });
}

/** Collects console errors and uncaught page errors (a panic in wasm shows up here). */
export function watchErrors(page) {
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  return errors;
}

/** Records a measured figure in artifacts/figures.json and prints it. */
export function figure(name, value) {
  const file = join(ARTIFACTS, 'figures.json');
  const all = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  all[name] = value;
  writeFileSync(file, JSON.stringify(all, null, 2));
  console.log(`FIGURE ${name} = ${value}`);
}

/** Parses the `data-matrix` attribute of a heat map ("a,b;c,d"). */
export async function readMatrix(page, testId) {
  const raw = await page.getByTestId(testId).getAttribute('data-matrix');
  return raw.split(';').map((row) => row.split(',').map(Number));
}

/** Mean same-group and cross-group similarity (diagonal excluded). */
export function contrast(matrix, groups) {
  let same = 0, ns = 0, cross = 0, nc = 0;
  for (let i = 0; i < matrix.length; i++) for (let j = 0; j < matrix.length; j++) {
    if (i === j) continue;
    if (groups[i] === groups[j]) { same += matrix[i][j]; ns++; } else { cross += matrix[i][j]; nc++; }
  }
  return { same: same / ns, cross: cross / nc };
}
