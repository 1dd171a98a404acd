// Variants whose feeds break the stream rules: keep-alives, caps, ends,
// sequences, resume, replay window, what each message kind carries.
import { create } from "@bufbuild/protobuf";
import {
  CoHostStateSchema,
  CoHostStatus,
  WatchMessageKind,
  type CoHostEvent,
  type CoHostState,
  type SeatUserInfo,
  type WatchCoHostResponse,
} from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { MemoryStore } from "@cohost-kit/server";
import { newServer } from "@cohost-kit/server/testing";
import { Code, ConnectError, mapWatch, onUnary, onWatch, wrapped, type BrokenVariant } from "./tools.js";

const stripAvatar = (s: SeatUserInfo | undefined) => (s ? { ...s, avatarUrl: "" } : s);
function withoutAvatars(state: CoHostState | undefined): CoHostState | undefined {
  if (!state) return state;
  return {
    ...state,
    connected: state.connected.map((s) => stripAvatar(s)!),
    invitees: state.invitees.map((s) => stripAvatar(s)!),
    applicant: stripAvatar(state.applicant),
  };
}
function eventWithoutAvatars(e: CoHostEvent): CoHostEvent {
  const v = e.event.value as Record<string, unknown> | undefined;
  if (!v) return e;
  const value = Object.fromEntries(
    Object.entries(v).map(([k, x]) => [k, typeof x === "object" && x !== null && "avatarUrl" in x ? stripAvatar(x as SeatUserInfo) : x]),
  );
  return { ...e, event: { ...e.event, value } as CoHostEvent["event"] };
}

export const feedVariants: BrokenVariant[] = [
  {
    name: "no-keep-alives",
    breaks: "R16.keepalive",
    make: () =>
      newServer({
        watch: { keepAliveMs: 1_000 },
        interceptors: [
          onWatch(async function* (_request, messages) {
            let first = true;
            for await (const m of messages) {
              if (first || m.kind !== WatchMessageKind.KEEP_ALIVE) yield m;
              first = false;
            }
          }),
        ],
      }),
    caughtBy: ["feed/feed-keep-alive-while-quiet"],
  },
  {
    name: "four-streams-per-room",
    breaks: "R16.streams",
    make: () => newServer({ limits: { maxStreamsPerRoom: 4 } }),
    caughtBy: ["feed/feed-eight-watchers-of-one-room"],
  },
  {
    name: "closed-room-stream-ends-unavailable",
    breaks: "R13.end-ok",
    make: () =>
      newServer({
        interceptors: [
          onWatch(async function* (_request, messages) {
            for await (const m of messages) {
              yield m;
              if (m.roomClosed) throw new ConnectError("gone", Code.Unavailable);
            }
          }),
        ],
      }),
    caughtBy: ["room-close/close-idle-room-ends-its-feed"],
  },
  {
    name: "stream-ends-ok-after-one-change",
    breaks: "R16.no-silent-end",
    make: () =>
      newServer({
        interceptors: [
          onWatch(async function* (_request, messages) {
            for await (const m of messages) {
              yield m;
              if (m.kind === WatchMessageKind.CHANGE) return;
            }
          }),
        ],
      }),
    caughtBy: ["feed/feed-several-watchers-each-get-everything"],
  },
  {
    name: "closed-room-watch-unavailable",
    breaks: "R13.closed-watch",
    make: () =>
      newServer({
        interceptors: [
          onWatch(async function* (_request, messages) {
            try {
              yield* messages;
            } catch (err) {
              throw ConnectError.from(err).code === Code.NotFound ? new ConnectError("try later", Code.Unavailable) : err;
            }
          }),
        ],
      }),
    caughtBy: ["room-close/close-while-watcher-away-then-not-found"],
  },
  {
    name: "response-position-zero",
    breaks: "R15.position",
    make: () =>
      newServer({
        interceptors: [
          onUnary(
            ["RequestHostConnection", "CancelHostConnection", "AcceptHostConnection", "RejectHostConnection", "ExitHostConnection"],
            async (_m, next) => {
              const res = await next();
              const position = (res.message as { position?: { sequence: bigint } }).position;
              if (position) position.sequence = 0n;
              return res;
            },
          ),
        ],
      }),
    caughtBy: ["request/request-creates-pending-request", "cancel/cancel-pending-request"],
  },
  {
    name: "snapshot-at-sequence-zero",
    breaks: "R15.snapshot",
    make: () => newServer({ interceptors: [mapWatch((m) => (m.kind === WatchMessageKind.SNAPSHOT ? { ...m, sequence: 0n } : m))] }),
    caughtBy: ["feed/feed-snapshot-reflects-current-state"],
  },
  {
    name: "resync-at-sequence-zero",
    breaks: "R16.resync",
    make: () => newServer({ interceptors: [mapWatch((m) => (m.kind === WatchMessageKind.RESYNC ? { ...m, sequence: 0n } : m))] }),
    caughtBy: ["feed/feed-resume-unknown-epoch-resyncs"],
  },
  {
    name: "resume-from-the-future-replays",
    breaks: "R16.resync",
    // A resume beyond the latest sequence is served as a resume from the latest: no RESYNC.
    make: () =>
      wrapped({}, (server) => [
        onWatch(
          (_request, messages) => messages,
          async (request) => {
            const latest = (await server().core.readRoom(request.liveId))?.position.sequence ?? 0;
            return request.resumeEpoch && Number(request.resumeAfterSequence) > latest
              ? { ...request, resumeAfterSequence: BigInt(latest) }
              : request;
          },
        ),
      ]),
    caughtBy: ["feed/feed-resume-beyond-latest-resyncs"],
  },
  {
    name: "replay-window-of-100",
    breaks: "R16.window",
    make: () => newServer({ store: new MemoryStore({ replayLimit: 100 }) }),
    caughtBy: ["feed/feed-replay-window"],
  },
  {
    name: "keep-alive-carries-state",
    breaks: "R15.kinds",
    make: () =>
      newServer({
        interceptors: [
          mapWatch((m) =>
            m.kind === WatchMessageKind.KEEP_ALIVE ? { ...m, state: create(CoHostStateSchema, { status: CoHostStatus.DISCONNECTED }) } : m,
          ),
        ],
      }),
    caughtBy: ["feed/feed-resume-replays-missed-messages", "feed/feed-resume-then-live"],
  },
  {
    name: "seats-without-avatar",
    breaks: "R3.seat",
    make: () =>
      newServer({ interceptors: [mapWatch((m) => ({ ...m, state: withoutAvatars(m.state), events: m.events.map(eventWithoutAvatars) }))] }),
    caughtBy: ["request/request-creates-pending-request", "accept/accept-forms-connection"],
  },
  {
    name: "cancel-reason-unspecified",
    breaks: "R15.no-unspecified",
    make: () =>
      newServer({
        interceptors: [
          mapWatch((m) => ({
            ...m,
            events: m.events.map((e) =>
              e.event.case === "requestCancelled" ? { ...e, event: { ...e.event, value: { ...e.event.value, reason: 0 } } } : e,
            ),
          })),
        ],
      }),
    caughtBy: ["cancel/cancel-pending-request"],
  },
  {
    name: "status-unset-when-disconnected",
    breaks: "R14.state",
    make: () =>
      newServer({
        interceptors: [
          mapWatch((m) =>
            m.state && m.state.status === CoHostStatus.DISCONNECTED ? { ...m, state: { ...m.state, status: CoHostStatus.UNSPECIFIED } } : m,
          ),
        ],
      }),
    caughtBy: ["cancel/cancel-pending-request"],
  },
  {
    name: "final-change-keeps-the-state",
    breaks: "R13.final",
    make: () =>
      newServer({
        interceptors: [
          onWatch(async function* (_request, messages) {
            let last: WatchCoHostResponse | undefined;
            for await (const m of messages) {
              yield m.roomClosed && last?.state ? { ...m, state: last.state } : m;
              last = m;
            }
          }),
        ],
      }),
    caughtBy: ["room-close/close-inviting-room-cancels-requests"],
  },
  {
    name: "epoch-with-a-control-character",
    breaks: "R16.epoch",
    make: () => newServer({ interceptors: [mapWatch((m) => ({ ...m, epoch: `${m.epoch}\u0001` }))] }),
    caughtBy: ["feed/feed-snapshot-reflects-current-state"],
  },
  {
    name: "get-room-one-behind",
    breaks: "R1.get-room",
    make: () =>
      newServer({
        interceptors: [
          onUnary(["GetRoom"], async (_m, next) => {
            const res = await next();
            const position = (res.message as { room?: { position?: { sequence: bigint } } }).room?.position;
            if (position && position.sequence > 0n) position.sequence -= 1n;
            return res;
          }),
        ],
      }),
    caughtBy: ["accept/accept-forms-connection"],
  },
];
