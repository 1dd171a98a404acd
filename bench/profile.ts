// `npm run bench:profile`: where a call's server CPU goes. Runs the call mix
// against the bare server, the no-op stack and the reference server (all
// running, in alternating windows) with V8's CPU profiler (the one behind
// --cpu-prof) on during each measured window only, then prints µs per call in
// each bucket of profile-summary.ts, summed over the windows. A loaded machine
// slows whole windows down, so each bucket is also given per µs of framework
// work in the same profiles (Node's HTTP/2, Connect, protobuf-es: the same
// work per call in all three servers). The .cpuprofile files stay in the
// directory printed (open them in Chrome DevTools for the full picture).
import { mkdtempSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { callMix } from "./call-mix.js";
import { buckets, readProfile, summarise, type Bucket } from "./profile-summary.js";
import { pinningNote, startServer, type BenchServer } from "./servers.js";

const quick = process.argv.includes("--quick");
const rounds = quick ? 2 : 3;
const dir = mkdtempSync(join(tmpdir(), "cohost-profile-"));
const options = { concurrency: 32, warmupMs: quick ? 1_500 : 2_500, measureMs: quick ? 2_000 : 4_000, profileDir: dir };
console.log(
  `Call-mix CPU profile by bucket, ${rounds} alternating windows per server; ${pinningNote()}; load average ${loadavg()[0]!.toFixed(2)}`,
);

const modes = ["bare", "noop", "cohost"] as const;
const names = { bare: "bare", noop: "no-op stack", cohost: "reference" };
const servers: BenchServer[] = [];
const columns = modes.map(() => ({ cpu: 0, calls: 0, totals: new Map<Bucket, number>(buckets.map((b) => [b, 0])) }));
try {
  for (const mode of modes) servers.push(await startServer(mode));
  for (let round = 0; round < rounds; round++) {
    for (const [i, server] of servers.entries()) {
      const r = await callMix([server], { ...options, profileTag: `-r${round}` });
      const c = columns[i]!;
      c.cpu += r.cpuMicrosPerCall * r.calls;
      c.calls += r.calls;
      for (const [b, us] of summarise(readProfile(join(dir, `${server.mode}-0-r${round}.cpuprofile`))))
        c.totals.set(b, c.totals.get(b)! + us);
    }
  }
} finally {
  await Promise.all(servers.map((s) => s.stop()));
}

const framework: Bucket[] = ["Node HTTP/2 and sockets", "Connect (routing, protocol, envelopes)", "serialization (protobuf-es)"];
const frameworkOf = (c: (typeof columns)[0]) => framework.reduce((n, b) => n + c.totals.get(b)!, 0);
const width = Math.max(...buckets.map((b) => b.length), 30);
const cell = (s: string) => s.padStart(13);
console.log(
  `\n${"bucket".padEnd(width)}  ${modes.map((m) => cell(names[m])).join("")}  ${modes.map((m) => cell(`${names[m]} /fw`)).join("")}`,
);
for (const b of buckets) {
  if (!columns.some((c) => c.totals.get(b)! > 0)) continue;
  const us = columns.map((c) => cell((c.totals.get(b)! / c.calls).toFixed(1)));
  const rel = columns.map((c) => cell((c.totals.get(b)! / frameworkOf(c)).toFixed(3)));
  console.log(`${b.padEnd(width)}  ${us.join("")}  ${rel.join("")}`);
}
const sum = (c: (typeof columns)[0]) => [...c.totals.values()].reduce((a, b) => a + b, 0);
console.log(
  `${"sum of samples".padEnd(width)}  ${columns.map((c) => cell((sum(c) / c.calls).toFixed(1))).join("")}  ${columns.map((c) => cell((sum(c) / frameworkOf(c)).toFixed(3))).join("")}`,
);
console.log(`${"process CPU (cpuUsage)".padEnd(width)}  ${columns.map((c) => cell((c.cpu / c.calls).toFixed(1))).join("")}`);
console.log(`${"calls profiled".padEnd(width)}  ${columns.map((c) => cell(String(c.calls))).join("")}`);
console.log(`µs are per call; "/fw" is per µs of framework work (Node HTTP/2 + Connect + protobuf-es) in the same profiles.`);
console.log(`profiles: ${dir}`);
process.exit(0);
