// CoHostStore: the seed's API over the generated Connect client. State comes
// from the server's feed (WatchCoHost), never from guesses; an operation
// resolves with code 0 only once its effect is visible in `coHostState`.
import { Code, ConnectError, createClient, type Client, type Transport } from "@connectrpc/connect";
import { CoHostService, type FeedPosition as WireFeedPosition, type WatchCoHostResponse } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { dispatchEvent } from "./event-dispatch.js";
import { completionFromError, emptyState, layoutToWire, seatFromWire, stateFromWire, success, type SeedState } from "./mapping.js";
import { RoomFeed, type FeedEnd, type FeedWait, type ReconnectOptions } from "./room-feed.js";
import { TokenCache, type TokenProvider } from "./token-cache.js";
import {
  CoHostStatus,
  type CoHostLayoutTemplate,
  type CoHostListener,
  type CompletionHandler,
  type FeedStatus,
  type SeatUserInfo,
} from "./types.js";
import { ValueNotifier, type ValueListenable } from "./value-listenable.js";

export interface CoHostStoreOptions {
  /** A Connect transport: @connectrpc/connect-node in Node, @connectrpc/connect-web in browsers. */
  transport: Transport;
  /** The host's current token; called again with forceRefresh after UNAUTHENTICATED. */
  token: TokenProvider;
  /** Backoff of feed reconnects (default 250 ms doubling to 10 s). */
  reconnect?: Partial<ReconnectOptions>;
  /**
   * How long an operation waits for its effect to reach coHostState once
   * the server accepted it (default 10 s); past it the operation resolves
   * DEADLINE_EXCEEDED, never code 0.
   */
  syncTimeoutMs?: number;
  /** Deadline of each unary call (default 10 s). */
  callTimeoutMs?: number;
  /** Receives errors thrown by app listeners (default: console.error). */
  onListenerError?: (error: unknown) => void;
  /** Receives every feed error, the ones it recovers from and the one that closes it (default: ignored). */
  onFeedError?: (error: ConnectError) => void;
}

/** The seed's CoHostState: six values an app can listen to. */
export interface CoHostState {
  readonly coHostStatus: ValueListenable<CoHostStatus>;
  readonly connected: ValueListenable<readonly SeatUserInfo[]>;
  readonly invitees: ValueListenable<readonly SeatUserInfo[]>;
  readonly applicant: ValueListenable<SeatUserInfo | null>;
  readonly candidatesCursor: ValueListenable<string>;
  readonly candidates: ValueListenable<readonly SeatUserInfo[]>;
  /** The layout of the room's connection; null when not connected (not in the seed). */
  readonly layoutTemplate: ValueListenable<CoHostLayoutTemplate | null>;
}

export interface RequestHostConnectionParams {
  targetHostLiveID: string;
  layoutTemplate: CoHostLayoutTemplate;
  /** Seconds until the request times out unanswered (1 to 300). */
  timeout: number;
  extraInfo?: string;
}

const disposedResult: CompletionHandler = Object.freeze({
  code: Code.Canceled,
  message: "CoHostStore is disposed",
  reason: "",
  field: "",
});

const roomClosedResult: CompletionHandler = Object.freeze({
  code: Code.NotFound,
  message: "the room was closed",
  reason: "ROOM_NOT_FOUND",
  field: "",
});

export class CoHostStore {
  readonly coHostState: CoHostState;
  /** Whether the server feed is live (not in the seed; for connectivity UIs). */
  readonly feedStatus: ValueListenable<FeedStatus>;

  private readonly client: Client<typeof CoHostService>;
  private readonly tokens: TokenCache;
  private readonly feed: RoomFeed;
  private readonly listeners = new Set<CoHostListener>();
  private readonly values;
  private readonly syncTimeoutMs: number;
  private readonly callTimeoutMs: number;
  private readonly onListenerError: (error: unknown) => void;
  private disposed = false;
  /** The live id of the applicant the listeners were last told about. */
  private announcedApplicant: string | null = null;

  /** The only way to get a store, as in the seed. */
  static create(liveID: string, options: CoHostStoreOptions): CoHostStore {
    if (typeof liveID !== "string" || liveID === "") throw new TypeError("CoHostStore.create needs a live room ID");
    const store = new CoHostStore(liveID, options);
    store.feed.start();
    return store;
  }

  private constructor(
    readonly liveID: string,
    options: CoHostStoreOptions,
  ) {
    this.onListenerError = options.onListenerError ?? ((err) => console.error("CoHostStore listener failed:", err));
    this.syncTimeoutMs = options.syncTimeoutMs ?? 10_000;
    this.callTimeoutMs = options.callTimeoutMs ?? 10_000;
    this.client = createClient(CoHostService, options.transport);
    this.tokens = new TokenCache(options.token);
    const notify = (err: unknown) => this.onListenerError(err);
    this.values = {
      coHostStatus: new ValueNotifier<CoHostStatus>(CoHostStatus.disconnected, notify),
      connected: new ValueNotifier<readonly SeatUserInfo[]>([], notify),
      invitees: new ValueNotifier<readonly SeatUserInfo[]>([], notify),
      applicant: new ValueNotifier<SeatUserInfo | null>(null, notify),
      candidatesCursor: new ValueNotifier<string>("", notify),
      candidates: new ValueNotifier<readonly SeatUserInfo[]>([], notify),
      layoutTemplate: new ValueNotifier<CoHostLayoutTemplate | null>(null, notify),
      feedStatus: new ValueNotifier<FeedStatus>("connecting", notify),
    };
    const { feedStatus, ...state } = this.values;
    this.coHostState = state;
    this.feedStatus = feedStatus;
    this.feed = new RoomFeed(
      this.client,
      liveID,
      this.tokens,
      {
        replace: (m) => this.applyReplace(m),
        change: (m) => this.applyChange(m),
        status: (s) => this.values.feedStatus.set(s),
        error: options.onFeedError ?? (() => {}),
        end: (end) => this.applyEnd(end),
      },
      { initialDelayMs: options.reconnect?.initialDelayMs ?? 250, maxDelayMs: options.reconnect?.maxDelayMs ?? 10_000 },
    );
  }

  /**
   * Resolves once `coHostState` shows the server's state (the feed's first
   * message), at once if it already does. Resolves with the refusal when
   * the feed closes first (the room is not open, the token is refused), and
   * Canceled when the store is disposed (not in the seed).
   */
  async ready(): Promise<CompletionHandler> {
    return this.completionOf(await this.feed.firstState());
  }

  addCoHostListener(listener: CoHostListener): void {
    this.listeners.add(listener);
  }

  removeCoHostListener(listener: CoHostListener): void {
    this.listeners.delete(listener);
  }

  requestHostConnection(params: RequestHostConnectionParams): Promise<CompletionHandler> {
    const requestId = newRequestId();
    return this.mutate((callOptions) =>
      this.client.requestHostConnection(
        {
          liveId: this.liveID,
          targetHostLiveId: params.targetHostLiveID,
          layoutTemplate: layoutToWire(params.layoutTemplate),
          timeoutSeconds: params.timeout,
          extraInfo: params.extraInfo ?? "",
          requestId,
        },
        callOptions,
      ),
    );
  }

  cancelHostConnection(toHostLiveID: string): Promise<CompletionHandler> {
    const requestId = newRequestId();
    return this.mutate((o) => this.client.cancelHostConnection({ liveId: this.liveID, toHostLiveId: toHostLiveID, requestId }, o));
  }

  acceptHostConnection(fromHostLiveID: string): Promise<CompletionHandler> {
    const requestId = newRequestId();
    return this.mutate((o) => this.client.acceptHostConnection({ liveId: this.liveID, fromHostLiveId: fromHostLiveID, requestId }, o));
  }

  rejectHostConnection(fromHostLiveID: string): Promise<CompletionHandler> {
    const requestId = newRequestId();
    return this.mutate((o) => this.client.rejectHostConnection({ liveId: this.liveID, fromHostLiveId: fromHostLiveID, requestId }, o));
  }

  exitHostConnection(): Promise<CompletionHandler> {
    const requestId = newRequestId();
    return this.mutate((o) => this.client.exitHostConnection({ liveId: this.liveID, requestId }, o));
  }

  /** R17: an empty cursor replaces `candidates`; any other appends the next page. */
  async getCoHostCandidates(cursor: string): Promise<CompletionHandler> {
    if (this.disposed) return disposedResult;
    try {
      const page = await this.withAuth((o) => this.client.getCoHostCandidates({ liveId: this.liveID, cursor }, o));
      if (this.disposed) return disposedResult;
      const fetched = page.candidates.map(seatFromWire);
      const { candidates, candidatesCursor } = this.values;
      const changed = [
        candidates.stage(cursor === "" ? fetched : [...candidates.value, ...fetched]) && candidates,
        candidatesCursor.stage(page.nextCursor) && candidatesCursor,
      ];
      for (const value of changed) if (value) value.notify();
      return success;
    } catch (err) {
      return completionFromError(err);
    }
  }

  /** Ends the feed and its timers; later operations only return an error result. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.feed.dispose();
    this.listeners.clear();
  }

  // ---- internals -------------------------------------------------------------

  private async mutate(call: (options: CallOptions) => Promise<{ position?: WireFeedPosition }>): Promise<CompletionHandler> {
    if (this.disposed) return disposedResult;
    let response: { position?: WireFeedPosition };
    try {
      response = await this.withAuth(call);
    } catch (err) {
      return completionFromError(err);
    }
    const position = response.position;
    if (!position) return this.disposed ? disposedResult : success;
    const waited = await this.feed.waitFor({ epoch: position.epoch, sequence: Number(position.sequence) }, this.syncTimeoutMs);
    return this.completionOf(waited);
  }

  private completionOf(waited: FeedWait): CompletionHandler {
    if (this.disposed || waited === "disposed") return disposedResult;
    if (waited === "reached") return success;
    if (waited === "closed") {
      const end = this.feed.end;
      return end?.kind === "refused" ? completionFromError(end.error) : roomClosedResult;
    }
    return Object.freeze({
      code: Code.DeadlineExceeded,
      message: `applied by the server, but the feed did not show it within ${this.syncTimeoutMs} ms`,
      reason: "",
      field: "",
    });
  }

  /**
   * One call with the current token; retried once with a refreshed token
   * after UNAUTHENTICATED, and once after UNAVAILABLE, DEADLINE_EXCEEDED or
   * a network error.
   * Mutations carry one request_id across the retry, so the server acts at
   * most once (R18).
   */
  private async withAuth<T>(call: (options: CallOptions) => Promise<T>): Promise<T> {
    const options = async (refresh: boolean): Promise<CallOptions> => ({
      headers: await this.tokens.headers(refresh),
      timeoutMs: this.callTimeoutMs,
    });
    try {
      return await call(await options(false));
    } catch (err) {
      const error = ConnectError.from(err);
      if (error.code === Code.Unauthenticated) return call(await options(true));
      // May or may not have been applied (the spec's retry convention); connect-node reports a reset connection as ABORTED.
      if (error.code === Code.Unavailable || error.code === Code.DeadlineExceeded || error.code === Code.Aborted) {
        await new Promise((r) => setTimeout(r, 200));
        return call(await options(false));
      }
      throw error;
    }
  }

  /** Stages every value, then notifies: a listener never sees half a change. */
  private applyState(state: SeedState): void {
    if (this.disposed) return;
    const v = this.values;
    const changed = [
      v.coHostStatus.stage(state.coHostStatus) && v.coHostStatus,
      v.connected.stage(state.connected) && v.connected,
      v.invitees.stage(state.invitees) && v.invitees,
      v.applicant.stage(state.applicant) && v.applicant,
      v.layoutTemplate.stage(state.layoutTemplate) && v.layoutTemplate,
    ];
    for (const value of changed) if (value) value.notify();
    if (state.applicant === null) this.announcedApplicant = null;
  }

  /** A SNAPSHOT or RESYNC: the state only, plus the one event an app must not miss (see CoHostListener). */
  private applyReplace(message: WatchCoHostResponse): void {
    const state = stateFromWire(message.state);
    this.applyState(state);
    const applicant = state.applicant;
    if (applicant && applicant.liveID !== this.announcedApplicant) {
      this.announcedApplicant = applicant.liveID;
      this.tell((l) => l.onCoHostRequestReceived?.(applicant, ""));
    }
  }

  private applyChange(message: WatchCoHostResponse): void {
    this.applyState(stateFromWire(message.state));
    for (const event of message.events) {
      if (event.event.case === "requestReceived") this.announcedApplicant = event.event.value.inviter?.liveId ?? null;
      this.tell((l) => dispatchEvent(l, event));
    }
  }

  /** The feed closed for good: the room's own final message, or a refusal that stands for it. */
  private applyEnd(end: FeedEnd): void {
    if (end.kind === "room-closed") return; // its final CHANGE already reset the state and told the listeners
    const others = this.values.connected.value.filter((s) => s.liveID !== this.liveID);
    this.applyState(emptyState);
    for (const member of others) this.tell((l) => l.onCoHostUserLeft?.(member, "SELF_LEFT"));
  }

  private tell(call: (listener: CoHostListener) => void): void {
    if (this.disposed) return;
    for (const listener of [...this.listeners]) {
      try {
        call(listener);
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }
}

interface CallOptions {
  headers: { authorization: string };
  timeoutMs: number;
}

/** A request_id for R18; crypto.getRandomValues exists in every browser and Node. */
function newRequestId(): string {
  const bytes = new Uint8Array(12);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
