// A call's outcome as the contract sees it: the response, or the code and
// the CoHostErrorDetail of a refusal; and the checks every refusal gets.
import type { DescMessage } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { CoHostErrorDetailSchema, CoHostErrorReasonSchema } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { ConformanceFailure } from "./feed-watcher.js";
import type { Outcome } from "./schema.js";

export type CallOutcome =
  | { ok: true; response: { $typeName: string }; schema: DescMessage }
  | { ok: false; code: string; reason: string; field: string; details: number; retryAfterMs?: number; message: string };

export function codeName(code: Code): string {
  return Code[code].replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase();
}

export function outcomeOfError(err: unknown): CallOutcome {
  const error = ConnectError.from(err);
  const details = error.findDetails(CoHostErrorDetailSchema);
  const detail = details[0];
  const retry = detail?.retryAfter;
  return {
    ok: false,
    code: codeName(error.code),
    reason: detail
      ? (CoHostErrorReasonSchema.values.find((v) => v.number === detail.reason)?.localName ?? String(detail.reason))
      : "(no CoHostErrorDetail)",
    field: detail?.field ?? "",
    details: details.length,
    retryAfterMs: retry ? Number(retry.seconds) * 1000 + retry.nanos / 1e6 : undefined,
    message: error.rawMessage,
  };
}

/**
 * A failure of the connection rather than an answer of the server: no
 * CoHostErrorDetail and a code the contract never uses for a refusal.
 */
export function isTransportFailure(o: CallOutcome): boolean {
  return !o.ok && o.details === 0 && (o.code === "ABORTED" || o.code === "UNAVAILABLE");
}

export function describeOutcome(o: CallOutcome): string {
  return o.ok ? "ok" : `${o.code}/${o.reason}${o.field ? ` (field ${o.field})` : ""}`;
}

/**
 * Checks an outcome against "ok" or a refusal: code, reason, exactly one
 * detail, the field (empty unless the expectation names one: R5.field), and
 * retry_after only with RATE_LIMITED, more than 0 and at most 60 s (R19.retry-after).
 */
export function checkOutcome(where: string, actual: CallOutcome, expected: "ok" | Outcome): void {
  if (expected === "ok") {
    if (!actual.ok) throw new ConformanceFailure(`${where}: expected ok, got ${describeOutcome(actual)}: ${actual.message}`);
    return;
  }
  if (actual.ok) throw new ConformanceFailure(`${where}: expected ${expected.code}/${expected.reason}, got ok`);
  const field = expected.field ?? "";
  if (actual.code !== expected.code || actual.reason !== expected.reason || actual.field !== field || actual.details !== 1) {
    const want = `${expected.code}/${expected.reason}${field ? ` (field ${field})` : " (no field)"}`;
    const extra = actual.details !== 1 ? ` with ${actual.details} CoHostErrorDetail (exactly 1 required)` : "";
    throw new ConformanceFailure(`${where}: expected ${want}, got ${describeOutcome(actual)}${extra}`);
  }
  const limited = actual.reason === "RATE_LIMITED";
  if (limited && !(actual.retryAfterMs !== undefined && actual.retryAfterMs > 0 && actual.retryAfterMs <= 60_000)) {
    throw new ConformanceFailure(`${where}: RATE_LIMITED needs retry_after more than 0 and at most 60 s, got ${actual.retryAfterMs} ms`);
  }
  if (!limited && actual.retryAfterMs !== undefined) {
    throw new ConformanceFailure(`${where}: ${actual.reason} carries retry_after (only RATE_LIMITED may)`);
  }
}
