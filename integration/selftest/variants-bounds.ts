// Variants that step over a bound the spec sets: a keep-alive interval over
// 60 s, a resume beyond the replay window answered as if it could be
// replayed, a resume_epoch with control characters taken, a user_name at its
// limit refused.
import { WatchMessageKind } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { newServer } from "@cohost-kit/server/testing";
import { CoHostErrorReason } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { Code, mapWatch, onUnary, onWatch, refusal, type BrokenVariant } from "./tools.js";

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/g;

export const boundsVariants: BrokenVariant[] = [
  {
    name: "keep-alive-interval-of-two-minutes",
    breaks: "R16.keepalive",
    make: () =>
      newServer({
        interceptors: [mapWatch((m) => (m.keepAliveInterval ? { ...m, keepAliveInterval: { ...m.keepAliveInterval, seconds: 120n } } : m))],
      }),
    caughtBy: ["feed/feed-keep-alive-while-quiet", "feed/feed-snapshot-reflects-current-state"],
  },
  {
    name: "resume-beyond-the-window-kept-alive",
    breaks: "R16.resync",
    // A resume of the current epoch that the server can no longer replay gets a KEEP_ALIVE at the client's
    // sequence instead of a RESYNC: the missed changes are lost without a word.
    make: () =>
      newServer({
        interceptors: [
          onWatch(async function* (request, messages) {
            let first = true;
            for await (const m of messages) {
              const r = request();
              const silent =
                first && m.kind === WatchMessageKind.RESYNC && m.epoch === r.resumeEpoch && r.resumeAfterSequence <= m.sequence;
              first = false;
              yield silent ? { ...m, kind: WatchMessageKind.KEEP_ALIVE, sequence: r.resumeAfterSequence, state: undefined } : m;
            }
          }),
        ],
      }),
    caughtBy: ["feed/feed-replay-window"],
  },
  {
    name: "resume-epoch-control-characters-dropped",
    breaks: "R5.limits",
    // The control characters of resume_epoch are dropped instead of refused; the rest resumes or resyncs.
    make: () =>
      newServer({
        interceptors: [
          onWatch(
            (_request, messages) => messages,
            async (r) => ({ ...r, resumeEpoch: r.resumeEpoch.replace(CONTROL, "") }),
          ),
        ],
      }),
    caughtBy: ["bad-input/bad-input-watch-and-paging-fields"],
  },
  {
    name: "user-name-limit-exclusive",
    breaks: "R5.limits",
    // user_name must be shorter than 128 bytes instead of at most 128.
    make: () =>
      newServer({
        interceptors: [
          onUnary(["OpenRoom"], async (message, next) => {
            if (Buffer.byteLength(String(message.userName)) >= 128)
              throw refusal(Code.InvalidArgument, CoHostErrorReason.INVALID_FIELD, "user_name");
            return next();
          }),
        ],
      }),
    caughtBy: ["bad-input/bad-input-open-room-fields"],
  },
];
