// One place sees every call end: it feeds the call metrics and writes the
// call's log line. Outermost interceptor, so auth failures and sanitized
// internal errors are seen too. Log levels: every call at debug, refusals
// and auth failures at info; nothing else per call (store outages are
// logged once per incident by the store, internals by the error boundary).
import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { CoHostErrorDetailSchema, CoHostErrorReason } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { isLevelEnabled, type Logger } from "../logger.js";
import type { ServerMetrics } from "../metrics/server-metrics.js";
import { callerKey } from "./cohost-service.js";

/** "failed_precondition" for Code.FailedPrecondition, as Connect spells codes on the wire. */
const codeNames = new Map<number, string>(
  Object.entries(Code)
    .filter((e): e is [string, number] => typeof e[1] === "number")
    .map(([name, value]) => [value, name.replace(/[A-Z]/g, (c, i: number) => (i > 0 ? "_" : "") + c.toLowerCase())]),
);
codeNames.set(0, "ok");

/** Codes that mean "the caller asked for something the rules refuse". */
const refusalCodes = new Set([
  Code.InvalidArgument,
  Code.NotFound,
  Code.AlreadyExists,
  Code.PermissionDenied,
  Code.FailedPrecondition,
  Code.ResourceExhausted,
  Code.Unauthenticated,
  Code.OutOfRange,
]);

interface Ending {
  code: number;
  reason: string;
  field: string;
}

const ok: Ending = { code: 0, reason: "", field: "" };

function endingOf(err: unknown, signal: AbortSignal): Ending {
  if (!(err instanceof ConnectError)) return { code: signal.aborted ? Code.Canceled : Code.Internal, reason: "", field: "" };
  const detail = err.findDetails(CoHostErrorDetailSchema)[0];
  return { code: err.code, reason: detail ? (CoHostErrorReason[detail.reason] ?? String(detail.reason)) : "", field: detail?.field ?? "" };
}

export function callObserver(logger: Logger, metrics: ServerMetrics): Interceptor {
  return (next) => async (req) => {
    const started = performance.now();
    let room: string | undefined;
    const end = (ending: Ending, streaming: boolean) => {
      const seconds = (performance.now() - started) / 1000;
      const service = req.service.typeName;
      const method = req.method.name;
      const code = codeNames.get(ending.code) ?? String(ending.code);
      metrics.callEnded({ service, method, code, reason: ending.reason, seconds, streaming });
      const refused = refusalCodes.has(ending.code);
      const level = refused ? "info" : "debug";
      if (!isLevelEnabled(logger, level)) return;
      const fields: Record<string, unknown> = { service, method, code, durationMs: Math.round(seconds * 1e4) / 10 };
      if (room !== undefined) fields.room = room;
      const user = req.contextValues.get(callerKey);
      if (user) fields.user = user;
      if (ending.reason) fields.reason = ending.reason;
      if (ending.field) fields.field = ending.field;
      logger[level](refused ? "call refused" : "call", fields);
    };

    if (!req.stream) {
      room = liveIdOf(req.message);
      try {
        const res = await next(req);
        end(ok, false);
        return res;
      } catch (err) {
        end(endingOf(err, req.signal), false);
        throw err;
      }
    }

    // A server stream: its request arrives as an iterable, its end is the end of the response iterable.
    const input = req.message;
    const tapped = {
      ...req,
      message: (async function* () {
        for await (const m of input) {
          room ??= liveIdOf(m);
          yield m;
        }
      })(),
    };
    let res;
    try {
      res = await next(tapped);
    } catch (err) {
      end(endingOf(err, req.signal), true);
      throw err;
    }
    if (!res.stream) {
      end(ok, true);
      return res;
    }
    const output = res.message;
    return {
      ...res,
      message: (async function* () {
        let ending = ok;
        try {
          yield* output;
        } catch (err) {
          ending = endingOf(err, req.signal);
          throw err;
        } finally {
          // Ended by the client (return() without an error): the call was cancelled.
          end(ending === ok && req.signal.aborted ? { code: Code.Canceled, reason: "", field: "" } : ending, true);
        }
      })(),
    };
  };
}

function liveIdOf(message: unknown): string | undefined {
  const liveId = (message as { liveId?: unknown }).liveId;
  return typeof liveId === "string" && liveId !== "" ? liveId : undefined;
}
