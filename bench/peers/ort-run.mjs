// Times an ONNX model on ONNX Runtime's CPU provider: node ort-run.mjs model.onnx threads iterations name=d0xd1x... [name=...]
// Inputs are float32 filled with a fixed pseudo-random sequence. Prints one JSON line: median and all times, peak RSS.
import ort from 'onnxruntime-node';

const [model, threadsArg, itersArg, ...specs] = process.argv.slice(2);
const threads = Number(threadsArg), iterations = Number(itersArg);
const session = await ort.InferenceSession.create(model, {
  intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all',
});
const feeds = {};
let state = 12345;
for (const spec of specs) {
  const [name, dims] = spec.split('=');
  const shape = dims.split('x').map(Number);
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) { state = (state * 1103515245 + 12345) >>> 0; data[i] = (state / 4294967296) * 2 - 1; }
  feeds[name] = new ort.Tensor('float32', data, shape);
}
await session.run(feeds);
const times = [];
for (let i = 0; i < iterations; i++) {
  const t = process.hrtime.bigint();
  await session.run(feeds);
  times.push(Number(process.hrtime.bigint() - t) / 1e9);
}
const sorted = [...times].sort((a, b) => a - b);
console.log(JSON.stringify({ peer: `onnxruntime ${ort.env.versions?.common ?? ''}`.trim(), median_s: sorted[Math.floor(sorted.length / 2)], times_s: times, peak_rss_bytes: process.resourceUsage().maxRSS * 1024 }));
