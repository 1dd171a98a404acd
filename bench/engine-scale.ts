// Section 3: the engine's cost per call (in process, in-memory store, the
// call mix's transitions) with few and with many open rooms.
import { randomBytes } from "node:crypto";
import { CoHostCore } from "../server/core.js";
import { CoHostEngine, defaultEngineConfig } from "../server/engine/engine.js";
import { MemoryStore } from "../server/store/memory-store.js";
import { systemClock } from "../server/clock.js";
import { GRID } from "./constants.js";

/** Best of three runs, in µs per call. */
export async function engineCostPerCall(openRooms: number, rounds: number): Promise<number> {
  const store = new MemoryStore({ clock: systemClock });
  const core = new CoHostCore(
    store,
    new CoHostEngine({ ...defaultEngineConfig, rateLimit: { burst: 1e9, refillPerSecond: 1e9 } }),
    systemClock,
  );
  const ids = Array.from({ length: openRooms }, () => randomBytes(8).toString("hex"));
  for (const id of ids) await core.openRoom({ liveId: id, userId: `u-${id}`, userName: "", avatarUrl: "" });
  const pairs = Array.from({ length: 500 }, (_, i) => [ids[2 * i]!, ids[2 * i + 1]!] as const);
  let best = Infinity;
  for (let repeat = 0; repeat < 3; repeat++) {
    let calls = 0;
    const t0 = process.hrtime.bigint();
    for (let r = 0; r < rounds; r++) {
      for (const [a, b] of pairs) {
        await core.requestConnection(`u-${a}`, { liveId: a, target: b, layout: GRID, timeoutSeconds: 60, extraInfo: "" });
        if (r % 2 === 0) {
          await core.acceptConnection(`u-${b}`, b, a);
          await core.exitConnection(`u-${a}`, a);
          calls += 3;
        } else {
          await core.rejectConnection(`u-${b}`, b, a);
          calls += 2;
        }
      }
    }
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1000 / calls);
  }
  await store.close();
  return best;
}
