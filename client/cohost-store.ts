// CoHostStore: the seed's API over the generated Connect client. State comes
// from the server's feed (WatchCoHost), never from guesses; every operation
// resolves once its effect is visible in `coHostState`.
import { Code, ConnectError, createClient, type Client, type Transport } from "@connectrpc/connect";
import {
  CoHostService,
  type CoHostEvent,
  type FeedPosition as WireFeedPosition,
  type WatchCoHostResponse,
} from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { completionFromError, layoutToWire, seatFromWire, stateFromWire, success, type SeedState } from "./mapping.js";
import { RoomFeed, type ReconnectOptions } from "./room-feed.js";
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
  /** How long an operation waits for its effect to reach coHostState (default 5 s). */
  syncTimeoutMs?: number;
  /** Deadline of each unary call (default 10 s). */
  callTimeoutMs?: number;
  /** Receives errors thrown by app listeners (default: console.error). */
  onListenerError?: (error: unknown) => void;
  /** Receives feed errors before each reconnect (default: ignored). */
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
    this.syncTimeoutMs = options.syncTimeoutMs ?? 5_000;
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
        replace: (m) => this.applyState(stateFromWire(m.state)),
        change: (m) => this.applyChange(m),
        status: (s) => this.values.feedStatus.set(s),
        error: options.onFeedError ?? (() => {}),
      },
      { initialDelayMs: options.reconnect?.initialDelayMs ?? 250, maxDelayMs: options.reconnect?.maxDelayMs ?? 10_000 },
    );
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
      this.values.candidates.set(cursor === "" ? fetched : [...this.values.candidates.value, ...fetched]);
      this.values.candidatesCursor.set(page.nextCursor);
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
    try {
      const response = await this.withAuth(call);
      if (response.position) {
        await this.feed.waitFor({ epoch: response.position.epoch, sequence: Number(response.position.sequence) }, this.syncTimeoutMs);
      }
      return this.disposed ? disposedResult : success;
    } catch (err) {
      return completionFromError(err);
    }
  }

  /**
   * One call with the current token; retried once with a refreshed token
   * after UNAUTHENTICATED, and once after UNAVAILABLE. Mutations carry a
   * request_id, so a retry never acts twice (R18).
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
      if (error.code === Code.Unavailable) {
        await new Promise((r) => setTimeout(r, 200));
        return call(await options(false));
      }
      throw error;
    }
  }

  private applyState(state: SeedState): void {
    if (this.disposed) return;
    this.values.coHostStatus.set(state.coHostStatus);
    this.values.connected.set(state.connected);
    this.values.invitees.set(state.invitees);
    this.values.applicant.set(state.applicant);
  }

  private applyChange(message: WatchCoHostResponse): void {
    this.applyState(stateFromWire(message.state));
    for (const event of message.events) this.fire(event);
  }

  private fire(event: CoHostEvent): void {
    const e = event.event;
    for (const listener of [...this.listeners]) {
      try {
        switch (e.case) {
          case "requestReceived":
            listener.onCoHostRequestReceived?.(seatFromWire(e.value.inviter), e.value.extensionInfo);
            break;
          case "requestCancelled":
            listener.onCoHostRequestCancelled?.(seatFromWire(e.value.inviter), seatFromWire(e.value.invitee));
            break;
          case "requestAccepted":
            listener.onCoHostRequestAccepted?.(seatFromWire(e.value.invitee));
            break;
          case "requestRejected":
            listener.onCoHostRequestRejected?.(seatFromWire(e.value.invitee));
            break;
          case "requestTimeout":
            listener.onCoHostRequestTimeout?.(seatFromWire(e.value.inviter), seatFromWire(e.value.invitee));
            break;
          case "userJoined":
            listener.onCoHostUserJoined?.(seatFromWire(e.value.userInfo));
            break;
          case "userLeft":
            listener.onCoHostUserLeft?.(seatFromWire(e.value.userInfo));
            break;
        }
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
