// Variants that get deadlines wrong: late timers, overdue requests decided
// as pending, timeouts out of order, a wrong deadline in the event.
import { timestampFromMs, timestampMs } from "@bufbuild/protobuf/wkt";
import { WatchMessageKind, type WatchCoHostResponse } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { systemClock, type Clock, type RoomRecord, type Scheduler, type Transaction } from "@cohost-kit/server";
import { newServer } from "@cohost-kit/server/testing";
import { mapWatch, onUnary, onWatch, wrapped, type BrokenVariant } from "./tools.js";

/** The system clock with timers that fire `lateMs` after their time. */
const lateTimers = (lateMs: number): Clock & Scheduler => ({
  now: () => systemClock.now(),
  schedule: (at, run) => systemClock.schedule(at + lateMs, run),
});

/** Moves the deadline of the overdue request `from` -> `to` a minute ahead, as if it were still pending. */
function revive(tx: Transaction, from: string, to: string): void {
  const a = tx.getRoom(from);
  const b = tx.getRoom(to);
  if (!a || !b?.incoming) return;
  const deadline = tx.now + 60_000;
  tx.putRoom({ ...a, outgoing: a.outgoing.map((r) => (r.to.liveId === to ? { ...r, deadline } : r)) });
  tx.putRoom({ ...b, incoming: { ...b.incoming, deadline } });
  tx.setDeadline(`${from}\n${to}`, deadline); // the store's request key (engine/records.ts)
}

function overdueOf(room: RoomRecord, now: number): [string, string][] {
  const out: [string, string][] = room.outgoing.filter((r) => r.deadline <= now).map((r) => [room.host.liveId, r.to.liveId]);
  if (room.incoming && room.incoming.deadline <= now) out.push([room.incoming.from.liveId, room.host.liveId]);
  return out;
}

const timeoutOnly = (m: WatchCoHostResponse) =>
  m.kind === WatchMessageKind.CHANGE && m.events.length > 0 && m.events.every((e) => e.event.case === "requestTimeout");

export const timeVariants: BrokenVariant[] = [
  {
    name: "timeouts-fire-4-seconds-late",
    breaks: "R7.when",
    make: () => newServer({ clock: lateTimers(4_000) }),
    caughtBy: ["timeout/timeout-notifies-both-sides"],
  },
  {
    name: "overdue-requests-decided-as-pending",
    breaks: "R7.overdue",
    // Timers within the 1 s the spec allows, but a call arriving before them finds the overdue request still pending.
    make: () =>
      wrapped({ clock: lateTimers(800) }, (server) => [
        onUnary(
          ["RequestHostConnection", "CancelHostConnection", "AcceptHostConnection", "RejectHostConnection"],
          async (message, next) => {
            const ids = [message.liveId, message.targetHostLiveId, message.toHostLiveId, message.fromHostLiveId].filter(
              (x): x is string => !!x,
            );
            await server().store.transact((tx) => {
              for (const id of ids) {
                const room = tx.getRoom(id);
                for (const [from, to] of room ? overdueOf(room, tx.now) : []) revive(tx, from, to);
              }
            });
            return next();
          },
        ),
      ]),
    caughtBy: ["timeout/timeout-overdue-before-call"],
  },
  {
    name: "timeouts-out-of-deadline-order",
    breaks: "R7.one-change",
    // Two timeout CHANGEs that follow each other trade their contents (sequences stay in order).
    make: () =>
      newServer({
        interceptors: [
          onWatch(async function* (_request, messages) {
            const it = messages[Symbol.asyncIterator]();
            let held: WatchCoHostResponse | undefined;
            let next = it.next();
            for (;;) {
              const r = held ? await Promise.race([next, new Promise<"quiet">((res) => setTimeout(() => res("quiet"), 300))]) : await next;
              if (r === "quiet") {
                yield held!;
                held = undefined;
                continue;
              }
              next = it.next();
              if (r.done) {
                if (held) yield held;
                return;
              }
              const m = r.value;
              if (timeoutOnly(m) && held) {
                yield { ...m, sequence: held.sequence };
                yield { ...held, sequence: m.sequence };
                held = undefined;
              } else if (timeoutOnly(m)) {
                held = m;
              } else {
                if (held) yield held;
                held = undefined;
                yield m;
              }
            }
          }),
        ],
      }),
    caughtBy: ["timeout/timeouts-each-their-own-change-in-deadline-order"],
  },
  {
    name: "request-received-deadline-a-second-late",
    breaks: "R7.deadline",
    make: () =>
      newServer({
        interceptors: [
          mapWatch((m) => ({
            ...m,
            events: m.events.map((e) =>
              e.event.case === "requestReceived" && e.event.value.deadline
                ? {
                    ...e,
                    event: {
                      ...e.event,
                      value: { ...e.event.value, deadline: timestampFromMs(timestampMs(e.event.value.deadline) + 1000) },
                    },
                  }
                : e,
            ),
          })),
        ],
      }),
    caughtBy: ["request/request-creates-pending-request"],
  },
];
