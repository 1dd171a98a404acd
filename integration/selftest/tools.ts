// What the broken variants are built from: interceptors around a reference
// server, and a few ways to reach the server itself (its core and store)
// from one. Nothing here lives in the server.
import { create, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import { Code, ConnectError, type Interceptor, type StreamResponse, type UnaryRequest, type UnaryResponse } from "@connectrpc/connect";
import {
  CoHostErrorDetailSchema,
  type CoHostErrorReason,
  type WatchCoHostRequest,
  type WatchCoHostResponse,
} from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import type { CoHostServer, CoHostServerOptions } from "@cohost-kit/server";
import { newServer } from "@cohost-kit/server/testing";

export interface BrokenVariant {
  name: string;
  /** The rule or statement id the variant breaks. */
  breaks: string;
  make(): CoHostServer;
  /**
   * The cases (family/name) that must catch it; the self-test runs only
   * these and requires each to fail. Without it the whole suite runs and
   * any failing case counts.
   */
  caughtBy?: string[];
}

/** A server whose interceptors may reach the server itself (for calls on its core and store). */
export function wrapped(options: Partial<CoHostServerOptions>, interceptors: (server: () => CoHostServer) => Interceptor[]): CoHostServer {
  const box: { server?: CoHostServer } = {};
  box.server = newServer({ ...options, interceptors: interceptors(() => box.server!) });
  return box.server;
}

export function unaryOf<I extends DescMessage, O extends DescMessage>(req: UnaryRequest<I, O>, res: MessageShape<O>): UnaryResponse<I, O> {
  return { stream: false, service: req.service, method: req.method, header: new Headers(), trailer: new Headers(), message: res };
}

export function reasonOf(err: unknown): CoHostErrorReason | undefined {
  return ConnectError.from(err).findDetails(CoHostErrorDetailSchema)[0]?.reason;
}

/** A refusal as the server words it: the code and exactly one CoHostErrorDetail. */
export function refusal(code: Code, reason: CoHostErrorReason, field = "", retryAfterMs?: number): ConnectError {
  return new ConnectError("refused by a broken variant", code, undefined, [
    {
      desc: CoHostErrorDetailSchema,
      value: {
        reason,
        field,
        retryAfter:
          retryAfterMs === undefined
            ? undefined
            : { seconds: BigInt(Math.floor(retryAfterMs / 1000)), nanos: Math.round((retryAfterMs % 1000) * 1e6) },
      },
    },
  ]);
}

/** A refusal's detail as the variants rewrite it. */
export interface DetailShape {
  field: string;
  retryAfterMs?: number;
}

/**
 * Rewrites the CoHostErrorDetail of unary refusals with `reason` (the code
 * stays); `when` picks which of them.
 */
export function rewriteDetail(
  reason: CoHostErrorReason,
  change: (detail: DetailShape) => DetailShape,
  when: (detail: DetailShape) => boolean = () => true,
): Interceptor {
  return onUnary("*", async (_message, next) => {
    try {
      return await next();
    } catch (err) {
      const e = ConnectError.from(err);
      const detail = e.findDetails(CoHostErrorDetailSchema)[0];
      if (!detail || detail.reason !== reason) throw err;
      const retryAfterMs = detail.retryAfter ? Number(detail.retryAfter.seconds) * 1000 + detail.retryAfter.nanos / 1e6 : undefined;
      const shape: DetailShape = { field: detail.field, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
      if (!when(shape)) throw err;
      const changed = change(shape);
      throw refusal(e.code, detail.reason, changed.field, changed.retryAfterMs);
    }
  });
}

/** The claims of a bearer token, unverified (its signature is the server's business). */
export function claimsOf(authorization: string | null): Record<string, unknown> | undefined {
  const payload = /^Bearer +(\S+)$/i.exec(authorization?.trim() ?? "")?.[1]?.split(".")[1];
  if (!payload) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, "base64url").toString());
    return typeof claims === "object" && claims !== null ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The protected header of a bearer token, unverified. */
export function jwsHeaderOf(authorization: string | null): Record<string, unknown> | undefined {
  const head = /^Bearer +(\S+)$/i.exec(authorization?.trim() ?? "")?.[1]?.split(".")[0];
  if (!head) return undefined;
  try {
    return JSON.parse(Buffer.from(head, "base64url").toString()) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** The unary calls of one method (or all), with their request message. */
export function onUnary(
  methods: string[] | "*",
  around: (
    message: Record<string, unknown>,
    next: () => Promise<UnaryResponse<DescMessage, DescMessage>>,
    req: UnaryRequest<DescMessage, DescMessage>,
  ) => Promise<UnaryResponse<DescMessage, DescMessage>>,
): Interceptor {
  return (next) => async (req) => {
    if (req.stream || (methods !== "*" && !methods.includes(req.method.name))) return next(req);
    const unary = req as UnaryRequest<DescMessage, DescMessage>;
    return around(
      unary.message as unknown as Record<string, unknown>,
      () => next(req) as Promise<UnaryResponse<DescMessage, DescMessage>>,
      unary,
    );
  };
}

/**
 * Replaces the message stream of WatchCoHost calls (and, optionally, its
 * request). Server-streaming calls reach interceptors as streams, so the
 * request message is captured as the handler reads it; `request()` is
 * valid once the first response arrived.
 */
export function onWatch(
  rewrite: (request: () => WatchCoHostRequest, messages: AsyncIterable<WatchCoHostResponse>) => AsyncIterable<WatchCoHostResponse>,
  rewriteRequest: (request: WatchCoHostRequest) => Promise<WatchCoHostRequest> = async (r) => r,
): Interceptor {
  return (next) => async (req) => {
    if (!req.stream || req.method.name !== "WatchCoHost") return next(req);
    let captured: WatchCoHostRequest | undefined;
    const input = req.message as AsyncIterable<WatchCoHostRequest>;
    const res = await next({
      ...req,
      message: (async function* () {
        for await (const m of input) yield (captured = await rewriteRequest(m));
      })(),
    } as typeof req);
    const request = () => captured!;
    return { ...res, message: rewrite(request, res.message as AsyncIterable<WatchCoHostResponse>) } as StreamResponse<
      DescMessage,
      DescMessage
    >;
  };
}

/** Every message of every watch, rewritten one by one. */
export function mapWatch(map: (m: WatchCoHostResponse, request: WatchCoHostRequest) => WatchCoHostResponse): Interceptor {
  return onWatch(async function* (request, messages) {
    for await (const m of messages) yield map(m, request());
  });
}

/** The user id a bearer token claims (its signature is the server's business). */
export function subOf(authorization: string | null): string {
  return String(claimsOf(authorization)?.sub ?? "");
}

export { create, Code, ConnectError };
