// Every bound the server puts on what clients may send or hold, in one place
// (README "Limits" lists them with their variables and what a client sees).
import { defaultConnectionLimits, type ConnectionLimits } from "./http/connection-limits.js";
import { defaultStreamLimits, type StreamLimits } from "./service/stream-gate.js";

export interface ServerLimits extends ConnectionLimits, StreamLimits {
  /**
   * Largest request message in bytes. The largest valid request is about
   * 4.4 KB in binary and 25 KB in JSON (a RequestHostConnection whose 4,096
   * bytes of extra_info are all escaped), so 64 KiB refuses nothing valid.
   */
  maxRequestBytes: number;
}

export const defaultServerLimits: ServerLimits = {
  ...defaultConnectionLimits,
  ...defaultStreamLimits,
  maxRequestBytes: 64 * 1024,
};
