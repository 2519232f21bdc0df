// Time an ONNX model in ONNX Runtime's CPU build (the npm package onnxruntime-node).
//
//   node ort-bench.mjs MODEL.onnx [--batch B] [--threads T] [--runs R] [--warmup W]
//                      [--seed S] [--input X.npy --output Y.npy]
//
// Prints ONE JSON line: {"engine":"ort","model":…,"batch":B,"threads":T,"runs":R,
// "median_ms":…,"min_ms":…,"p90_ms":…}.  Only session.run is timed.  The input is seeded random
// numbers in [-1, 1) of the model's input shape with batch B, or --input (float32 .npy, whose own
// batch wins); --output writes the first output of the last run as float32 .npy.
//
// onnxruntime-node is looked for next to this script, in the current folder and in
// $ORT_BENCH_PREFIX (run-bench.sh installs it in build/bench/, outside the source tree).

import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function fail (message) {
  process.stderr.write (`ort-bench: ${message}\n`);
  process.exit (1);
}

function loadOrt () {
  const bases = [process.env.ORT_BENCH_PREFIX, dirname (fileURLToPath (import.meta.url)), process.cwd ()];
  for (const base of bases.filter (Boolean)) {
    const require = createRequire (join (resolve (base), 'package.json'));
    try {
      return require ('onnxruntime-node');
    } catch (e) {
      if (e.code !== 'MODULE_NOT_FOUND')
        fail (`onnxruntime-node in ${base} does not load: ${e.message}`);
    }
  }
  fail (`onnxruntime-node not found in ${bases.filter (Boolean).join (', ')} (npm install --ignore-scripts there)`);
}

function parseArgs (argv) {
  const opts = { batch: 1, threads: 1, runs: 30, warmup: 5, seed: 42, input: null, output: null, model: null };
  const integers = new Set (['batch', 'threads', 'runs', 'warmup', 'seed']);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith ('--')) {
      if (opts.model !== null)
        fail (`one MODEL.onnx only, got “${opts.model}” and “${arg}”`);
      opts.model = arg;
      continue;
    }
    const key = arg.slice (2);
    if (!(key in opts) || key === 'model')
      fail (`unknown option ${arg}`);
    if (i + 1 >= argv.length)
      fail (`${arg} needs a value`);
    const value = argv[++i];
    if (integers.has (key)) {
      if (!/^\d+$/.test (value) || (key !== 'warmup' && key !== 'seed' && Number (value) < 1))
        fail (`${arg} needs a positive integer, got “${value}”`);
      opts[key] = Number (value);
    } else {
      opts[key] = value;
    }
  }
  if (opts.model === null)
    fail ('usage: node ort-bench.mjs MODEL.onnx [--batch B] [--threads T] [--runs R] [--warmup W] '
          + '[--seed S] [--input X.npy --output Y.npy]');
  return opts;
}

// --- .npy, float32 little-endian, C order: the subset Layerscope reads and writes ---

function readNpy (path) {
  const buf = readFileSync (path);
  if (buf.length < 10 || buf.toString ('latin1', 0, 6) !== '\x93NUMPY')
    fail (`${path}: not a .npy file`);
  const major = buf[6];
  const headerLen = major === 1 ? buf.readUInt16LE (8) : buf.readUInt32LE (8);
  const start = major === 1 ? 10 : 12;
  const header = buf.toString ('latin1', start, start + headerLen);
  const descr = /'descr':\s*'([^']*)'/.exec (header);
  const fortran = /'fortran_order':\s*(True|False)/.exec (header);
  const shape = /'shape':\s*\(([^)]*)\)/.exec (header);
  if (!descr || !fortran || !shape)
    fail (`${path}: unreadable .npy header ${header.trim ()}`);
  if (descr[1] !== '<f4' || fortran[1] !== 'False')
    fail (`${path}: need a little-endian float32 array in C order, got ${descr[1]}, fortran_order=${fortran[1]}`);
  const dims = shape[1].split (',').map (s => s.trim ()).filter (s => s.length).map (Number);
  const count = dims.reduce ((a, b) => a * b, 1);
  const offset = start + headerLen;
  if (buf.length - offset != count * 4)
    fail (`${path}: ${buf.length - offset} bytes of data for shape (${dims.join (', ')})`);
  // Copy: the data need not be 4-byte aligned inside the file's buffer.
  const data = new Float32Array (count);
  for (let i = 0; i < count; i++)
    data[i] = buf.readFloatLE (offset + 4 * i);
  return { dims, data };
}

function writeNpy (path, dims, data) {
  const shape = dims.length === 1 ? `(${dims[0]},)` : `(${dims.join (', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shape}, }`;
  // Pad with spaces and a final newline so that the data starts 64-byte aligned, as NumPy does.
  const total = Math.ceil ((10 + header.length + 1) / 64) * 64;
  header = header.padEnd (total - 10 - 1, ' ') + '\n';
  const out = Buffer.alloc (total + data.length * 4);
  out.write ('\x93NUMPY', 0, 'latin1');
  out[6] = 1;
  out[7] = 0;
  out.writeUInt16LE (header.length, 8);
  out.write (header, 10, 'latin1');
  for (let i = 0; i < data.length; i++)
    out.writeFloatLE (data[i], total + 4 * i);
  writeFileSync (path, out);
}

// mulberry32: a small seeded generator, so every run of the benchmark sees the same input.
function seededUniform (seed, count) {
  let a = seed >>> 0;
  const data = new Float32Array (count);
  for (let i = 0; i < count; i++) {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul (t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul (t ^ (t >>> 7), t | 61);
    data[i] = ((t ^ (t >>> 14)) >>> 0) / 4294967296 * 2 - 1;
  }
  return data;
}

function percentile (sorted, p) {
  // Nearest rank: the smallest value with at least p of the runs at or below it.
  return sorted[Math.max (0, Math.ceil (p * sorted.length) - 1)];
}

function median (sorted) {
  const n = sorted.length;
  return n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

async function main () {
  const opts = parseArgs (process.argv.slice (2));
  const ort = loadOrt ();

  let session;
  try {
    session = await ort.InferenceSession.create (opts.model, {
      executionProviders: ['cpu'],
      intraOpNumThreads: opts.threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
  } catch (e) {
    fail (`${opts.model}: ${e.message}`);
  }
  if (session.inputNames.length !== 1)
    fail (`${opts.model} has ${session.inputNames.length} inputs; the benchmark feeds exactly one`);
  const inputName = session.inputNames[0];
  const outputName = session.outputNames[0];

  let dims, data;
  if (opts.input) {
    ({ dims, data } = readNpy (opts.input));
    opts.batch = dims[0];
  } else {
    const meta = session.inputMetadata?.[0];
    if (!meta || !meta.shape || meta.shape.slice (1).some (d => typeof d !== 'number'))
      fail (`${opts.model}: cannot tell the input shape (give --input X.npy)`);
    dims = [opts.batch, ...meta.shape.slice (1)];
    data = seededUniform (opts.seed, dims.reduce ((a, b) => a * b, 1));
  }
  const feeds = { [inputName]: new ort.Tensor ('float32', data, dims) };

  let results;
  try {
    for (let i = 0; i < opts.warmup; i++)
      results = await session.run (feeds);
    const times = [];
    for (let i = 0; i < opts.runs; i++) {
      const start = process.hrtime.bigint ();
      results = await session.run (feeds);
      const end = process.hrtime.bigint ();
      times.push (Number (end - start) / 1e6);
    }
    times.sort ((a, b) => a - b);
    if (opts.output) {
      const y = results[outputName];
      writeNpy (opts.output, y.dims, y.data);
    }
    const round = x => Math.round (x * 1000) / 1000;
    process.stdout.write (JSON.stringify ({
      engine: 'ort',
      model: basename (opts.model),
      batch: opts.batch,
      threads: opts.threads,
      runs: opts.runs,
      median_ms: round (median (times)),
      min_ms: round (times[0]),
      p90_ms: round (percentile (times, 0.9)),
    }) + '\n');
  } catch (e) {
    fail (`${opts.model}: ${e.message}`);
  }
  await session.release?.();
}

main ();
