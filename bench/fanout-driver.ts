// The change driver of the fan-out bench, in a process of its own so the
// watchers' work does not delay its calls: it sends request/cancel calls at a
// fixed rate and reports when it sent each one (wall-clock, sub-millisecond).
import { parseArgs } from "node:util";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { CoHostLayoutTemplate, CoHostService } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { mintHostToken } from "../server/service/auth.js";

const { values } = parseArgs({
  options: {
    url: { type: "string" },
    tag: { type: "string" },
    rooms: { type: "string" },
    rate: { type: "string" },
    seconds: { type: "string" },
    secret: { type: "string" },
    /** Per pair, how many calls earlier runs made (the feed sequence to continue from). */
    offset: { type: "string", default: "" },
  },
});
const rooms = Number(values.rooms);
const rate = Number(values.rate);
const total = rate * Number(values.seconds);
const now = () => performance.timeOrigin + performance.now();
const driver = createClient(CoHostService, createConnectTransport({ baseUrl: values.url!, httpVersion: "2" }));
const pairs = rooms / 2;
const headers = await Promise.all(
  Array.from({ length: pairs }, async (_, p) => ({
    authorization: `Bearer ${await mintHostToken(values.secret!, `u-f${values.tag}-${2 * p}`, { ttlSeconds: 3600 })}`,
  })),
);
const offsets = values.offset ? values.offset.split(",").map((x) => Number(x) || 0) : [];
const steps = Array.from({ length: pairs }, (_, p) => offsets[p] ?? 0);
const sent: [number, number, number][] = []; // pair, k, time
const calls: number[] = [];
const inflight: Promise<unknown>[] = [];
const t0 = performance.now();
for (let n = 0; n < total; n++) {
  const wait = t0 + (n * 1000) / rate - performance.now();
  if (wait > 1) await new Promise((r) => setTimeout(r, wait));
  const pair = n % pairs;
  const [a, b] = [`f${values.tag}-${2 * pair}`, `f${values.tag}-${2 * pair + 1}`];
  const k = ++steps[pair]!;
  const at = now();
  sent.push([pair, k, at]);
  const call =
    k % 2 === 1
      ? driver.requestHostConnection(
          { liveId: a, targetHostLiveId: b, layoutTemplate: CoHostLayoutTemplate.HOST_DYNAMIC_GRID, timeoutSeconds: 300 },
          { headers: headers[pair]! },
        )
      : driver.cancelHostConnection({ liveId: a, toHostLiveId: b }, { headers: headers[pair]! });
  inflight.push(
    call.then(
      () => calls.push(now() - at),
      () => {},
    ),
  );
}
await Promise.all(inflight);
process.stdout.write(`${JSON.stringify({ sent, calls })}\n`, () => process.exit(0));
