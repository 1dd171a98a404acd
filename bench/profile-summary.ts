// Reads a V8 .cpuprofile and sums its samples into the buckets of a call's
// server CPU (issue 14): each sample goes to the bucket of its innermost frame
// that belongs to one; frames of no bucket (V8 builtins, promise and timer
// plumbing) count for the nearest caller that has one.
//   node --import tsx bench/profile-summary.ts FILE.cpuprofile [--calls N]
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Bucket names in print order; the first matching rule wins. */
export const buckets = [
  "listener (server/http)",
  "Node HTTP/2 and sockets",
  "Connect (routing, protocol, envelopes)",
  "serialization (protobuf-es)",
  "auth (token check)",
  "interceptors, error mapping, metrics",
  "validation",
  "service handlers",
  "engine",
  "store",
  "feed building and delivery",
  "GC",
  "bench handlers",
  "other JS and runtime",
] as const;
export type Bucket = (typeof buckets)[number];

const rules: [RegExp, Bucket][] = [
  [/\/server\/(?:dist\/)?http\//, "listener (server/http)"],
  [/^node:(internal\/http2|http2|net|internal\/stream_base_commons|_http_|internal\/streams\/)/, "Node HTTP/2 and sockets"],
  [/node_modules\/@connectrpc\//, "Connect (routing, protocol, envelopes)"],
  [/node_modules\/@bufbuild\/protobuf\/|\/gen\/(?:src|dist)\//, "serialization (protobuf-es)"],
  [/\/server\/(?:dist\/)?service\/auth\.[jt]s|node_modules\/jose\//, "auth (token check)"],
  [
    /\/server\/(?:dist\/)?service\/(interceptors|call-observer|errors)\.[jt]s|\/server\/(?:dist\/)?metrics\/|node_modules\/prom-client\//,
    "interceptors, error mapping, metrics",
  ],
  [/\/server\/(?:dist\/)?service\/(validation|cursor)\.[jt]s/, "validation"],
  [/\/server\/(?:dist\/)?service\//, "service handlers"],
  [/\/server\/(?:dist\/)?engine\//, "engine"],
  [/\/server\/(?:dist\/)?store\/|\/server\/(?:dist\/)?core\.[jt]s|node_modules\/ioredis\//, "store"],
  [/\/server\/(?:dist\/)?feed\//, "feed building and delivery"],
  [/\/bench\//, "bench handlers"],
];

function classify(frame: ProfileNode["callFrame"]): Bucket | "idle" | undefined {
  if (frame.functionName === "(garbage collector)") return "GC";
  // Idle time, and the profiler's own work when the window's profile is taken (Profiler.stop).
  if (frame.functionName === "(idle)" || frame.url === "node:inspector") return "idle";
  for (const [re, bucket] of rules) if (re.test(frame.url)) return bucket;
  return undefined;
}

/** Microseconds of CPU per bucket (idle and profiler excluded). */
export function summarise(profile: CpuProfile): Map<Bucket, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const resolved = new Map<number, Bucket | "idle">();
  const bucketOf = (id: number): Bucket | "idle" => {
    const known = resolved.get(id);
    if (known) return known;
    const own = classify(byId.get(id)!.callFrame);
    const up = parent.get(id);
    const b = own ?? (up === undefined ? "other JS and runtime" : bucketOf(up));
    resolved.set(id, b);
    return b;
  };
  const totals = new Map<Bucket, number>(buckets.map((b) => [b, 0]));
  for (let i = 0; i < profile.samples.length; i++) {
    const b = bucketOf(profile.samples[i]!);
    if (b !== "idle") totals.set(b, totals.get(b)! + (profile.timeDeltas[i] ?? 0));
  }
  return totals;
}

export function readProfile(file: string): CpuProfile {
  return JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2]!;
  const callsAt = process.argv.indexOf("--calls");
  const calls = callsAt > 0 ? Number(process.argv[callsAt + 1]) : 1;
  const totals = summarise(readProfile(file));
  const all = [...totals.values()].reduce((a, b) => a + b, 0);
  for (const [b, us] of totals) {
    if (us > 0)
      console.log(
        `${b.padEnd(40)} ${(us / calls).toFixed(1).padStart(8)} ${calls > 1 ? "µs/call" : "µs"}  ${((100 * us) / all).toFixed(1)}%`,
      );
  }
}
