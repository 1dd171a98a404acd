// Errors are values inside; here they become ConnectErrors with exactly one
// CoHostErrorDetail, the contract's machine-readable reason.
import { ConnectError, Code } from "@connectrpc/connect";
import { durationFromMs } from "@bufbuild/protobuf/wkt";
import { CoHostErrorDetailSchema, CoHostErrorReason } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import type { Outcome, Refusal } from "../engine/refusal.js";
import type { Violation } from "./validation.js";

export function refusalError(refusal: Refusal): ConnectError {
  return new ConnectError(refusal.message, refusal.code, undefined, [
    {
      desc: CoHostErrorDetailSchema,
      value: {
        reason: refusal.reason,
        field: refusal.field,
        retryAfter: refusal.retryAfterMs !== undefined ? durationFromMs(refusal.retryAfterMs) : undefined,
      },
    },
  ]);
}

/** UNAVAILABLE / STORE_UNAVAILABLE: the store failed, or a feed can no longer be vouched for; the client retries or resumes. */
export function storeUnavailable(message: string): ConnectError {
  return refusalError({ code: Code.Unavailable, reason: CoHostErrorReason.STORE_UNAVAILABLE, field: "", message });
}

export function invalidField(field: string, message: string): ConnectError {
  return refusalError({ code: Code.InvalidArgument, reason: CoHostErrorReason.INVALID_FIELD, field, message: `${field}: ${message}` });
}

export function unauthenticated(reason: CoHostErrorReason, message: string): ConnectError {
  return refusalError({ code: Code.Unauthenticated, reason, field: "", message });
}

export function throwIfInvalid(violation: Violation | undefined): void {
  if (violation) throw invalidField(violation.field, violation.message);
}

export function unwrapOutcome<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw refusalError(outcome.refusal);
  return outcome.value;
}
