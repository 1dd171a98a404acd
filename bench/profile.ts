// `npm run bench:profile`: where a call's server CPU goes. Runs the call mix
// against the bare server, the no-op stack and the reference server with V8's
// CPU profiler on during the measured window only, then prints µs per call
// in each bucket of profile-summary.ts. The .cpuprofile files stay in the
// directory it names (open them in Chrome DevTools for the full picture).
import { mkdtempSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { callMix } from "./call-mix.js";
import { buckets, readProfile, summarise, type Bucket } from "./profile-summary.js";
import { pinningNote, startServer } from "./servers.js";

const quick = process.argv.includes("--quick");
const dir = mkdtempSync(join(tmpdir(), "cohost-profile-"));
const options = { concurrency: 32, warmupMs: quick ? 2_000 : 4_000, measureMs: quick ? 3_000 : 8_000, profileDir: dir };
console.log(`Call-mix CPU profile by bucket (µs of server CPU per call; ${pinningNote()}; load average ${loadavg()[0]!.toFixed(2)})`);

const columns: { name: string; cpu: number; totals: Map<Bucket, number>; calls: number }[] = [];
for (const mode of ["bare", "noop", "cohost"] as const) {
  const server = await startServer(mode);
  try {
    const r = await callMix([server], { ...options, profileDir: dir });
    const totals = summarise(readProfile(join(dir, `${mode}-0.cpuprofile`)));
    columns.push({
      name: mode === "cohost" ? "reference" : mode === "noop" ? "no-op stack" : "bare",
      cpu: r.cpuMicrosPerCall,
      totals,
      calls: r.calls,
    });
  } finally {
    await server.stop();
  }
}
const width = Math.max(...buckets.map((b) => b.length));
console.log(`${"bucket".padEnd(width)}  ${columns.map((c) => c.name.padStart(12)).join("")}`);
for (const b of buckets) {
  const cells = columns.map((c) => (c.totals.get(b)! / c.calls).toFixed(1).padStart(12));
  if (columns.some((c) => c.totals.get(b)! > 0)) console.log(`${b.padEnd(width)}  ${cells.join("")}`);
}
const sum = (c: (typeof columns)[0]) => [...c.totals.values()].reduce((a, b) => a + b, 0) / c.calls;
console.log(`${"sum of samples".padEnd(width)}  ${columns.map((c) => sum(c).toFixed(1).padStart(12)).join("")}`);
console.log(`${"process CPU (cpuUsage)".padEnd(width)}  ${columns.map((c) => c.cpu.toFixed(1).padStart(12)).join("")}`);
console.log(`${"calls profiled".padEnd(width)}  ${columns.map((c) => String(c.calls).padStart(12)).join("")}`);
console.log(`profiles: ${dir}`);
process.exit(0);
