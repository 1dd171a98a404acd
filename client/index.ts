// The CoHostStore client adapter: Tencent's CoHostStore API over the
// CoHost contract, for Node and browsers.
export { CoHostStore, type CoHostStoreOptions, type CoHostState, type RequestHostConnectionParams } from "./cohost-store.js";
export {
  CoHostLayoutTemplate,
  CoHostStatus,
  type CoHostListener,
  type CompletionHandler,
  type FeedStatus,
  type SeatUserInfo,
} from "./types.js";
export type { ValueListenable, VoidCallback } from "./value-listenable.js";
export type { TokenProvider } from "./token-cache.js";
export type { ReconnectOptions } from "./room-feed.js";
export { layoutFromWire, layoutToWire, statusFromWire, statusToWire } from "./mapping.js";
