// Deliberately broken variants of the reference server. The self-test runs
// the suite against each and demands that at least one case fails: a suite
// that cannot fail proves nothing. Add a variant whenever a rule is added.
import { create } from "@bufbuild/protobuf";
import { ConnectError, type Interceptor } from "@connectrpc/connect";
import { SeatUserInfoSchema } from "../../gen/cohost/v1/cohost_pb.js";
import type { CoHostServerOptions } from "../../server/server.js";

export interface BrokenVariant {
  name: string;
  /** The rule the variant breaks. */
  breaks: string;
  options: Partial<CoHostServerOptions>;
}

/** Strips every error detail: refusals lose their machine-readable reason. */
const stripDetails: Interceptor = (next) => async (req) => {
  try {
    return await next(req);
  } catch (err) {
    const e = ConnectError.from(err);
    throw new ConnectError(e.rawMessage, e.code);
  }
};

/** Drops request_id, so retries act twice. */
const ignoreRequestId: Interceptor = (next) => async (req) => {
  const message = req.message as { requestId?: string };
  if (!req.stream && typeof message.requestId === "string") message.requestId = "";
  return next(req);
};

/** Lists the caller's own room among its candidates. */
const candidatesIncludeCaller: Interceptor = (next) => async (req) => {
  const res = await next(req);
  if (!res.stream && req.method.name === "GetCoHostCandidates") {
    const liveId = (req.message as unknown as { liveId: string }).liveId;
    (res.message as unknown as { candidates: unknown[] }).candidates.unshift(create(SeatUserInfoSchema, { liveId, userId: "x" }));
  }
  return res;
};

export const brokenVariants: BrokenVariant[] = [
  { name: "timeout-notifies-inviter-only", breaks: "R7", options: { engine: { faults: new Set(["timeout-notifies-inviter-only"]) } } },
  { name: "timeout-clears-all-invitees", breaks: "R7", options: { engine: { faults: new Set(["timeout-clears-all-invitees"]) } } },
  { name: "self-request-accepted", breaks: "R5", options: { engine: { faults: new Set(["self-request-accepted"]) } } },
  { name: "busy-target-accepted", breaks: "R5", options: { engine: { faults: new Set(["busy-target-accepted"]) } } },
  { name: "capacity-not-enforced", breaks: "R6", options: { engine: { faults: new Set(["capacity-not-enforced"]) } } },
  { name: "exit-dissolves-connection", breaks: "R12", options: { engine: { faults: new Set(["exit-dissolves-connection"]) } } },
  { name: "resume-drops-message", breaks: "R16", options: { watch: { resumeDropsMessage: true } } },
  { name: "missing-reason-detail", breaks: "R5", options: { interceptors: [stripDetails] } },
  { name: "expired-tokens-accepted", breaks: "R2", options: { acceptExpiredTokens: true } },
  { name: "request-id-ignored", breaks: "R18", options: { interceptors: [ignoreRequestId] } },
  { name: "rate-limit-disabled", breaks: "R19", options: { engine: { rateLimit: { burst: 1e9, refillPerSecond: 1e9 } } } },
  { name: "candidates-include-caller", breaks: "R17", options: { interceptors: [candidatesIncludeCaller] } },
];
