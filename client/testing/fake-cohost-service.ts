// A scripted CoHostService for the client's unit tests: each WatchCoHost
// call runs the next script of a list, so a test states exactly which
// messages, gaps and errors the store sees, and counts the streams it keeps
// open. Unary methods answer with the handlers a test sets. Never the
// reference server: the client's tests must not depend on it.
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { Code, ConnectError, createRouterTransport, type HandlerContext, type Transport } from "@connectrpc/connect";
import {
  CoHostErrorDetailSchema,
  CoHostErrorReason,
  CoHostService,
  CoHostStatus,
  SeatUserInfoSchema,
  WatchCoHostResponseSchema,
  WatchMessageKind,
  type SeatUserInfo,
  type WatchCoHostRequest,
  type WatchCoHostResponse,
} from "@cohost-kit/spec/cohost/v1/cohost_pb.js";

export type WatchMessageInit = MessageInitShape<typeof WatchCoHostResponseSchema>;

/** One server stream, as the script drives it. */
export class ScriptedStream {
  private readonly queue: (WatchCoHostResponse | ConnectError | "end")[] = [];
  /** The handler has returned (the script ended the stream, or the client cancelled it). */
  ended = false;
  private wake: (() => void) | undefined;

  constructor(
    readonly request: WatchCoHostRequest,
    readonly authorization: string,
    readonly signal: AbortSignal,
  ) {
    signal.addEventListener("abort", () => this.wake?.(), { once: true });
  }

  send(message: WatchMessageInit): this {
    return this.push(create(WatchCoHostResponseSchema, message));
  }

  /** Ends the stream with an error (Code.Unavailable for a cut). */
  fail(error: ConnectError): this {
    return this.push(error);
  }

  end(): this {
    return this.push("end");
  }

  /** Resolves when the client has cancelled the stream. */
  cancelled(): Promise<void> {
    return new Promise((resolve) => (this.signal.aborted ? resolve() : this.signal.addEventListener("abort", () => resolve())));
  }

  private push(item: WatchCoHostResponse | ConnectError | "end"): this {
    this.queue.push(item);
    this.wake?.();
    return this;
  }

  /** The next item, or undefined once the client cancelled. */
  async next(): Promise<WatchCoHostResponse | ConnectError | "end" | undefined> {
    while (this.queue.length === 0) {
      if (this.signal.aborted) return undefined;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
    return this.signal.aborted ? undefined : this.queue.shift();
  }
}

export type WatchScript = (stream: ScriptedStream) => void | Promise<void>;
type Unary = (request: never, context: HandlerContext) => Promise<object>;

export class FakeCoHostService {
  /** Every WatchCoHost request, in order. */
  readonly watchCalls: WatchCoHostRequest[] = [];
  /** Every unary call: method, request, Authorization header. */
  readonly calls: { method: string; request: Record<string, unknown>; authorization: string }[] = [];
  readonly streams: ScriptedStream[] = [];
  private readonly unary = new Map<string, Unary>();

  /** Scripts for successive WatchCoHost calls; the last one repeats. */
  constructor(private readonly scripts: WatchScript[]) {}

  /** Sets the handler of a unary method (localName, e.g. "requestHostConnection"). */
  on(method: string, handler: (request: Record<string, unknown>, context: HandlerContext) => Promise<object> | object): this {
    this.unary.set(method, async (request, context) => handler(request as Record<string, unknown>, context));
    return this;
  }

  /** Streams the client has not cancelled and the server has not ended. */
  get openStreams(): number {
    return this.streams.filter((s) => !s.signal.aborted && !s.ended).length;
  }

  transport(): Transport {
    const unary = (method: string) => async (request: object, context: HandlerContext) => {
      this.calls.push({
        method,
        request: { ...(request as Record<string, unknown>) },
        authorization: context.requestHeader.get("authorization") ?? "",
      });
      const handler = this.unary.get(method);
      if (!handler) throw new ConnectError(`${method} is not scripted`, Code.Unimplemented);
      return handler(request as never, context);
    };
    return createRouterTransport(({ service }) => {
      service(CoHostService, {
        requestHostConnection: unary("requestHostConnection"),
        cancelHostConnection: unary("cancelHostConnection"),
        acceptHostConnection: unary("acceptHostConnection"),
        rejectHostConnection: unary("rejectHostConnection"),
        exitHostConnection: unary("exitHostConnection"),
        getCoHostCandidates: unary("getCoHostCandidates"),
        watchCoHost: (request: WatchCoHostRequest, context: HandlerContext) => this.watch(request, context),
      } as never);
    });
  }

  private async *watch(request: WatchCoHostRequest, context: HandlerContext): AsyncGenerator<WatchCoHostResponse> {
    const script = this.scripts[Math.min(this.watchCalls.length, this.scripts.length - 1)]!;
    this.watchCalls.push(request);
    const stream = new ScriptedStream(request, context.requestHeader.get("authorization") ?? "", context.signal);
    this.streams.push(stream);
    try {
      await script(stream);
      for (;;) {
        const item = await stream.next();
        if (item === undefined || item === "end") return;
        if (item instanceof ConnectError) throw item;
        yield item;
      }
    } finally {
      stream.ended = true;
    }
  }
}

export function seat(liveId: string): SeatUserInfo {
  return create(SeatUserInfoSchema, { liveId, userId: `user-${liveId}`, userName: `Host ${liveId}`, avatarUrl: "" });
}

/** A refusal as the server sends it: code plus one CoHostErrorDetail. */
export function refusal(code: Code, reason: CoHostErrorReason, extra: { retryAfterSeconds?: number } = {}): ConnectError {
  const detail = create(CoHostErrorDetailSchema, {
    reason,
    ...(extra.retryAfterSeconds !== undefined
      ? { retryAfter: { seconds: BigInt(Math.floor(extra.retryAfterSeconds)), nanos: Math.round((extra.retryAfterSeconds % 1) * 1e9) } }
      : {}),
  });
  return new ConnectError(CoHostErrorReason[reason], code, undefined, [{ desc: CoHostErrorDetailSchema, value: detail }]);
}

/** State fields of a message; status follows `connected`. */
export function state(parts: { connected?: string[]; invitees?: string[]; applicant?: string; layout?: number } = {}) {
  const connected = (parts.connected ?? []).map(seat);
  return {
    status: connected.length > 0 ? CoHostStatus.CONNECTED : CoHostStatus.DISCONNECTED,
    connected,
    invitees: (parts.invitees ?? []).map(seat),
    ...(parts.applicant ? { applicant: seat(parts.applicant) } : {}),
    layoutTemplate: parts.layout ?? 0,
  };
}

export const keepAliveInterval = { seconds: 15n, nanos: 0 };

export function snapshot(epoch: string, sequence: number, parts: Parameters<typeof state>[0] = {}): WatchMessageInit {
  return { kind: WatchMessageKind.SNAPSHOT, epoch, sequence: BigInt(sequence), state: state(parts), keepAliveInterval };
}

export function resync(epoch: string, sequence: number, parts: Parameters<typeof state>[0] = {}): WatchMessageInit {
  return { kind: WatchMessageKind.RESYNC, epoch, sequence: BigInt(sequence), state: state(parts), keepAliveInterval };
}

export function change(
  epoch: string,
  sequence: number,
  parts: Parameters<typeof state>[0],
  events: WatchMessageInit["events"] = [],
  roomClosed = false,
): WatchMessageInit {
  return { kind: WatchMessageKind.CHANGE, epoch, sequence: BigInt(sequence), state: state(parts), events, roomClosed };
}

export function keepAlive(epoch: string, sequence: number): WatchMessageInit {
  return { kind: WatchMessageKind.KEEP_ALIVE, epoch, sequence: BigInt(sequence), keepAliveInterval };
}

export const unavailable = () => new ConnectError("server going away", Code.Unavailable);
