// The driver side of the client runner protocol for our TypeScript
// CoHostStore: runs the suite's commands on real stores and reports every
// callback and value change as a line. Browser-safe, so the same session
// runs in Node (ts-driver.ts) and in Chromium (the browser driver); the
// host supplies the transports and the line output.
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import type { Transport as ConnectTransport } from "@connectrpc/connect";
import { CoHostStatus, CoHostStore, layoutToWire, type CompletionHandler, type SeatUserInfo } from "@cohost-kit/client";
import {
  CancelReasonSchema,
  CoHostErrorReasonSchema,
  CoHostStatus as WireStatus,
  LeaveReasonSchema,
  RejectReasonSchema,
  SeatUserInfoSchema,
} from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import {
  type ClientMessageSchema,
  Feature,
  FeedStatus,
  StoreValue,
  type Call,
  type ClientHelloSchema,
  type CompletionSchema,
  type CreateStore,
  type StoreEventSchema,
  type StoreStateSchema,
  type Transport,
} from "@cohost-kit/spec/cohost/clientrunner/v1/client_runner_pb.js";
import { decodeRunnerMessage, encodeClientMessage, PROTOCOL_VERSION } from "./protocol.js";

export interface DriverSessionOptions {
  clientName: string;
  /** The transports this host can build (ClientHello.transports). */
  transports: MessageInitShape<typeof ClientHelloSchema>["transports"];
  /** Builds a Connect transport for a store. */
  makeTransport(serverUrl: string, transport: Transport): ConnectTransport;
  /** Writes one line (without its "\n") to the suite. */
  write(line: string): void;
}

/** Everything our CoHostStore adds to the seed. */
const FEATURES = [Feature.FEED_STATUS, Feature.EVENT_REASONS, Feature.RETRY_AFTER, Feature.CONNECTION_LAYOUT, Feature.TOKEN_REFRESH];

interface DrivenStore {
  store: CoHostStore;
  token: string;
}

type ClientMessageInit = MessageInitShape<typeof ClientMessageSchema>;
type ResultInit = NonNullable<Extract<ClientMessageInit["message"], { case: "result" }>["value"]>["result"];

export class DriverSession {
  private readonly stores = new Map<string, DrivenStore>();

  constructor(private readonly options: DriverSessionOptions) {}

  /** Handles one line from the suite; the answer is written when the command is done. */
  handle(line: string): void {
    let id = 0;
    void (async () => {
      const message = decodeRunnerMessage(line);
      id = message.id;
      const result = await this.run(message.command);
      this.emit({ message: { case: "result", value: { id, result } } });
    })().catch((err: unknown) => {
      const text = err instanceof Error ? err.message : String(err);
      this.emit({ message: { case: "result", value: { id, result: { case: "failure", value: { message: text } } } } });
    });
  }

  /** Disposes every store (the suite closed the session). */
  disposeAll(): void {
    for (const { store } of this.stores.values()) store.dispose();
    this.stores.clear();
  }

  private async run(command: ReturnType<typeof decodeRunnerMessage>["command"]): Promise<ResultInit> {
    switch (command.case) {
      case "hello":
        return {
          case: "hello",
          value: {
            protocolVersion: PROTOCOL_VERSION,
            clientName: this.options.clientName,
            transports: this.options.transports,
            features: FEATURES,
          },
        };
      case "createStore":
        this.createStore(command.value);
        return { case: "done", value: {} };
      case "updateToken":
        this.driven(command.value.storeId).token = command.value.token;
        return { case: "done", value: {} };
      case "call":
        return { case: "completion", value: completion(await this.call(command.value)) };
      case "getState":
        return { case: "state", value: stateOf(this.driven(command.value.storeId).store) };
      case "disposeStore":
        this.driven(command.value.storeId).store.dispose();
        this.stores.delete(command.value.storeId);
        return { case: "done", value: {} };
      default:
        throw new Error("unknown command (a newer suite?)");
    }
  }

  private driven(storeId: string): DrivenStore {
    const driven = this.stores.get(storeId);
    if (!driven) throw new Error(`no store ${storeId}`);
    return driven;
  }

  private createStore(command: CreateStore): void {
    if (this.stores.has(command.storeId)) throw new Error(`store ${command.storeId} exists`);
    if (!command.transport) throw new Error("createStore without a transport");
    const driven: DrivenStore = { token: command.token, store: undefined as unknown as CoHostStore };
    driven.store = CoHostStore.create(command.liveId, {
      transport: this.options.makeTransport(command.serverUrl, command.transport),
      token: () => driven.token,
    });
    this.stores.set(command.storeId, driven);
    this.listen(command.storeId, driven.store);
  }

  private listen(storeId: string, store: CoHostStore): void {
    const event = (e: MessageInitShape<typeof StoreEventSchema>["event"]) =>
      this.emit({ message: { case: "event", value: { storeId, event: e } } });
    const values: [StoreValue, { addListener(l: () => void): void }][] = [
      [StoreValue.CO_HOST_STATUS, store.coHostState.coHostStatus],
      [StoreValue.CONNECTED, store.coHostState.connected],
      [StoreValue.INVITEES, store.coHostState.invitees],
      [StoreValue.APPLICANT, store.coHostState.applicant],
      [StoreValue.CANDIDATES_CURSOR, store.coHostState.candidatesCursor],
      [StoreValue.CANDIDATES, store.coHostState.candidates],
      [StoreValue.LAYOUT_TEMPLATE, store.coHostState.layoutTemplate],
      [StoreValue.FEED_STATUS, store.feedStatus],
    ];
    for (const [value, listenable] of values) {
      listenable.addListener(() => event({ case: "valueChanged", value: { value, state: stateOf(store) } }));
    }
    const named = (schema: { values: readonly { localName: string; number: number }[] }, name: string | undefined) =>
      schema.values.find((v) => v.localName === name)?.number ?? 0;
    store.addCoHostListener({
      onCoHostRequestReceived: (inviter, extensionInfo) =>
        event({ case: "requestReceived", value: { inviter: seat(inviter), extensionInfo } }),
      onCoHostRequestCancelled: (inviter, invitee, reason) =>
        event({
          case: "requestCancelled",
          value: { inviter: seat(inviter), invitee: seat(invitee), reason: named(CancelReasonSchema, reason) },
        }),
      onCoHostRequestAccepted: (invitee) => event({ case: "requestAccepted", value: { invitee: seat(invitee) } }),
      onCoHostRequestRejected: (invitee, reason) =>
        event({ case: "requestRejected", value: { invitee: seat(invitee), reason: named(RejectReasonSchema, reason) } }),
      onCoHostRequestTimeout: (inviter, invitee) =>
        event({ case: "requestTimeout", value: { inviter: seat(inviter), invitee: seat(invitee) } }),
      onCoHostUserJoined: (userInfo) => event({ case: "userJoined", value: { userInfo: seat(userInfo) } }),
      onCoHostUserLeft: (userInfo, reason) =>
        event({ case: "userLeft", value: { userInfo: seat(userInfo), reason: named(LeaveReasonSchema, reason) } }),
    });
  }

  private call(call: Call): Promise<CompletionHandler> {
    const store = this.driven(call.storeId).store;
    const op = call.operation;
    switch (op.case) {
      case "requestHostConnection":
        return store.requestHostConnection({
          targetHostLiveID: op.value.targetHostLiveId,
          layoutTemplate: op.value.layoutTemplate as number,
          timeout: op.value.timeout,
          extraInfo: op.value.extraInfo,
        });
      case "cancelHostConnection":
        return store.cancelHostConnection(op.value.toHostLiveId);
      case "acceptHostConnection":
        return store.acceptHostConnection(op.value.fromHostLiveId);
      case "rejectHostConnection":
        return store.rejectHostConnection(op.value.fromHostLiveId);
      case "exitHostConnection":
        return store.exitHostConnection();
      case "getCoHostCandidates":
        return store.getCoHostCandidates(op.value.cursor);
      case "ready":
        return store.ready();
      default:
        throw new Error("unknown operation (a newer suite?)");
    }
  }

  private emit(message: ClientMessageInit): void {
    this.options.write(encodeClientMessage(message));
  }
}

function seat(s: SeatUserInfo) {
  return create(SeatUserInfoSchema, { liveId: s.liveID, userId: s.userID, userName: s.userName, avatarUrl: s.avatarURL });
}

const feedStatuses = {
  connecting: FeedStatus.CONNECTING,
  live: FeedStatus.LIVE,
  reconnecting: FeedStatus.RECONNECTING,
  closed: FeedStatus.CLOSED,
};

function stateOf(store: CoHostStore): MessageInitShape<typeof StoreStateSchema> {
  const s = store.coHostState;
  const applicant = s.applicant.value;
  const layout = s.layoutTemplate.value;
  return {
    coHostStatus: s.coHostStatus.value === CoHostStatus.connected ? WireStatus.CONNECTED : WireStatus.DISCONNECTED,
    connected: s.connected.value.map(seat),
    invitees: s.invitees.value.map(seat),
    ...(applicant ? { applicant: seat(applicant) } : {}),
    candidatesCursor: s.candidatesCursor.value,
    candidates: s.candidates.value.map(seat),
    layoutTemplate: layout === null ? 0 : layoutToWire(layout),
    feedStatus: feedStatuses[store.feedStatus.value],
  };
}

function completion(result: CompletionHandler): MessageInitShape<typeof CompletionSchema> {
  const retry = result.retryAfterMs;
  return {
    code: result.code,
    message: result.message,
    reason: CoHostErrorReasonSchema.values.find((v) => v.localName === result.reason)?.number ?? 0,
    field: result.field,
    ...(retry === undefined ? {} : { retryAfter: { seconds: BigInt(Math.floor(retry / 1000)), nanos: (retry % 1000) * 1e6 } }),
  };
}
