#!/usr/bin/env node
// Benchmark harness: `node tools/bench/run.mjs [name ...]` (via `npm run bench [-- name ...]`).
// Runs every tools/bench/benchmarks/<name>.mjs (or the ones named), each against its baseline
// measured in the same run, prints a summary table, removes its temp dirs, and exits non-zero if
// a bar failed or a benchmark threw. Timings live here and only here: tests never assert on time.
import { execFile } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BENCH_DIR = path.join(ROOT, 'tools', 'bench', 'benchmarks');
const TAIL = 2000;

const fmtMs = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

/** The object every benchmark receives; `rows` collects what the summary prints. */
function createHarness(bench) {
  const rows = [];
  const tmpdirs = [];
  const h = {
    root: ROOT,
    median,

    async tmpdir(label) {
      const dir = await fsp.mkdtemp(path.join(os.tmpdir(), `nxl-bench-${label.replace(/[^\w.-]+/g, '-')}-`));
      tmpdirs.push(dir);
      return dir;
    },

    exec(cmd, args = [], { cwd = ROOT, env } = {}) {
      return new Promise((resolve, reject) => {
        execFile(cmd, args, { cwd, env: env ? { ...process.env, ...env } : process.env, maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) => {
          if (!err) return resolve({ stdout, stderr });
          const how = err.code === 'ENOENT' ? 'was not found on PATH (run tools/setup.sh)' : `exited ${err.code ?? err.signal}`;
          reject(new Error(`${cmd} ${args.join(' ')} ${how}\n${String(stderr).slice(-TAIL)}`));
        });
      });
    },

    async time(label, fn, { runs = 3 } = {}) {
      const times = [];
      for (let i = 0; i < runs; i++) {
        const start = process.hrtime.bigint();
        await fn();
        times.push(Number(process.hrtime.bigint() - start) / 1e6);
      }
      const result = { label, median: median(times), runs: times };
      console.log(`  ${label}: median ${fmtMs(result.median)} (runs: ${times.map(fmtMs).join(', ')})`);
      rows.push({ label, value: fmtMs(result.median), detail: `median of ${runs}` });
      return result;
    },

    ratio(label, ours, baseline, { max } = {}) {
      const ratio = ours / baseline;
      const pass = max === undefined ? undefined : ratio <= max;
      const status = pass === undefined ? '' : pass ? 'PASS' : 'FAIL';
      console.log(`  ${label}: ratio ${ratio.toFixed(2)}${max === undefined ? '' : ` (bar <= ${max})`} ${status}`);
      rows.push({ label, value: ratio.toFixed(2), detail: max === undefined ? 'ratio' : `ratio, bar <= ${max}`, status });
      return { label, ratio, pass };
    },

    report(label, value, unit = '') {
      const shown = typeof value === 'number' && !Number.isInteger(value) ? value.toFixed(2) : String(value);
      console.log(`  ${label}: ${shown} ${unit}`.trimEnd());
      rows.push({ label, value: `${shown} ${unit}`.trim(), detail: '' });
    },
  };
  const cleanup = async () => {
    await Promise.all(tmpdirs.splice(0).map((d) => fsp.rm(d, { recursive: true, force: true })));
  };
  return { h, rows, cleanup, bench };
}

async function loadBenchmarks(wanted) {
  const files = (await fsp.readdir(BENCH_DIR)).filter((f) => f.endsWith('.mjs')).sort();
  const all = [];
  for (const file of files) {
    const mod = await import(pathToFileURL(path.join(BENCH_DIR, file)).href);
    if (typeof mod.default !== 'function') throw new Error(`${file} must export a default async function (h)`);
    all.push({ name: mod.name ?? path.basename(file, '.mjs'), file, run: mod.default });
  }
  if (!wanted.length) return all;
  const unknown = wanted.filter((w) => !all.some((b) => b.name === w));
  if (unknown.length) {
    console.error(`unknown benchmark: ${unknown.join(', ')}; available: ${all.map((b) => b.name).join(', ')}`);
    process.exit(2);
  }
  return all.filter((b) => wanted.includes(b.name));
}

function printSummary(done) {
  const lines = [];
  for (const { bench, rows, error } of done) {
    for (const r of rows) lines.push([bench.name, r.label, r.value, r.detail, r.status ?? '']);
    if (error) lines.push([bench.name, 'benchmark threw', String(error.message ?? error).split('\n')[0].slice(0, 100), '', 'ERROR']);
  }
  const head = ['benchmark', 'measure', 'value', 'kind', 'status'];
  const widths = head.map((hd, i) => Math.max(hd.length, ...lines.map((l) => l[i].length)));
  const fmt = (l) => l.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  console.log(`\nSummary (node ${process.version}, ${os.availableParallelism()} CPUs, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')})`);
  console.log(fmt(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const l of lines) console.log(fmt(l));
}

async function main() {
  const benches = await loadBenchmarks(process.argv.slice(2));
  const done = [];
  let current;
  const interrupt = async () => {
    await current?.cleanup();
    process.exit(130);
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  for (const bench of benches) {
    console.log(`\n== ${bench.name} (${bench.file})`);
    current = createHarness(bench);
    try {
      await bench.run(current.h);
    } catch (err) {
      current.error = err;
      console.log(`  ERROR: ${err?.stack ?? err}`);
    } finally {
      await current.cleanup();
    }
    done.push(current);
  }
  printSummary(done);
  const failed = done.filter((d) => d.error || d.rows.some((r) => r.status === 'FAIL'));
  if (failed.length) {
    console.log(`\n${failed.length} benchmark(s) failed a bar or threw: ${failed.map((d) => d.bench.name).join(', ')}`);
    process.exitCode = 1;
  } else console.log(`\nall ${done.length} benchmark(s) met their bars`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
