// Times an ONNX model on ONNX Runtime's CPU provider: node ort-run.mjs model.onnx threads iterations spec [spec...]
// where spec is name=d0xd1x... (float32 in [-1, 1)) or name=d0xd1x...:int64:RANGE (int64 in [0, RANGE), e.g. token ids
// ids=64x77:int64:49408). Inputs are filled from one fixed pseudo-random sequence, in the order given.
// Prints one JSON line: median and all times, peak RSS (this process's own: VmHWM on Linux, as getrusage's maxRSS
// also counts the parent's resident memory at fork time when started from a large process such as a benchmark).
import { readFileSync } from 'node:fs';
import ort from 'onnxruntime-node';

const [model, threadsArg, itersArg, ...specs] = process.argv.slice(2);
const threads = Number(threadsArg), iterations = Number(itersArg);
const session = await ort.InferenceSession.create(model, {
  intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all',
});
const feeds = {};
let state = 12345;
for (const spec of specs) {
  const [name, rest] = spec.split('=');
  const [dims, type = 'float32', rangeArg] = rest.split(':');
  const shape = dims.split('x').map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  if (type === 'float32') {
    const data = new Float32Array(count);
    for (let i = 0; i < data.length; i++) { state = (state * 1103515245 + 12345) >>> 0; data[i] = (state / 4294967296) * 2 - 1; }
    feeds[name] = new ort.Tensor('float32', data, shape);
  } else if (type === 'int64') {
    const range = Number(rangeArg);
    if (!Number.isInteger(range) || range < 1) throw new Error(`input ${name}: int64 needs a positive range (${spec})`);
    const data = new BigInt64Array(count);
    for (let i = 0; i < data.length; i++) { state = (state * 1103515245 + 12345) >>> 0; data[i] = BigInt(state % range); }
    feeds[name] = new ort.Tensor('int64', data, shape);
  } else {
    throw new Error(`input ${name}: unknown type ${type} (float32 or int64)`);
  }
}
await session.run(feeds);
const times = [];
for (let i = 0; i < iterations; i++) {
  const t = process.hrtime.bigint();
  await session.run(feeds);
  times.push(Number(process.hrtime.bigint() - t) / 1e9);
}
const sorted = [...times].sort((a, b) => a - b);
let peak = process.resourceUsage().maxRSS * 1024;
try {
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  if (hwm) peak = Number(hwm[1]) * 1024;
} catch { /* no procfs: keep getrusage's figure */ }
console.log(JSON.stringify({ peer: `onnxruntime ${ort.env.versions?.common ?? ''}`.trim(), median_s: sorted[Math.floor(sorted.length / 2)], times_s: times, peak_rss_bytes: peak }));
