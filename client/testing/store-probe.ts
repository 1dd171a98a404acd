// A CoHostStore on a FakeCoHostService with everything its listeners hear,
// for the client's unit tests.
import { CoHostStore, type CoHostStoreOptions } from "../cohost-store.js";
import type { CoHostListener, SeatUserInfo } from "../types.js";
import type { FakeCoHostService } from "./fake-cohost-service.js";

export interface Probe {
  store: CoHostStore;
  /** Listener callbacks as "received(x,info)", "left(x,SELF_LEFT)", ... */
  heard: string[];
  /** Feed statuses in the order the store set them. */
  statuses: string[];
  /** The token provider's calls: forceRefresh of each. */
  tokenRequests: boolean[];
}

const name = (s: SeatUserInfo) => s.liveID;

export function probeStore(fake: FakeCoHostService, options: Partial<CoHostStoreOptions> = {}, liveId = "self"): Probe {
  const tokenRequests: boolean[] = [];
  const store = CoHostStore.create(liveId, {
    transport: fake.transport(),
    token: ({ forceRefresh }) => {
      tokenRequests.push(forceRefresh);
      return "token";
    },
    reconnect: { initialDelayMs: 5, maxDelayMs: 20 },
    ...options,
  });
  const heard: string[] = [];
  const statuses: string[] = [store.feedStatus.value];
  store.feedStatus.addListener(() => statuses.push(store.feedStatus.value));
  const reason = (r: unknown) => (r === undefined ? "" : `,${String(r)}`);
  const listener: CoHostListener = {
    onCoHostRequestReceived: (inviter, info) => heard.push(`received(${name(inviter)},${info})`),
    onCoHostRequestCancelled: (inviter, invitee, ...rest: unknown[]) =>
      heard.push(`cancelled(${name(inviter)},${name(invitee)}${reason(rest[0])})`),
    onCoHostRequestAccepted: (invitee) => heard.push(`accepted(${name(invitee)})`),
    onCoHostRequestRejected: (invitee, ...rest: unknown[]) => heard.push(`rejected(${name(invitee)}${reason(rest[0])})`),
    onCoHostRequestTimeout: (inviter, invitee) => heard.push(`timeout(${name(inviter)},${name(invitee)})`),
    onCoHostUserJoined: (user) => heard.push(`joined(${name(user)})`),
    onCoHostUserLeft: (user, ...rest: unknown[]) => heard.push(`left(${name(user)}${reason(rest[0])})`),
  };
  store.addCoHostListener(listener);
  return { store, heard, statuses, tokenRequests };
}

/** Waits for a condition, polling; fails with `what` after `ms`. */
export async function until(condition: () => boolean, what: string, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}
