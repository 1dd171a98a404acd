// Shows what the CoHostStore's feed does on the wire: a transport
// interceptor that records every WatchCoHost stream (new or resumed), each
// message it carries (kind, sequence, events) and how it ends, and can cut
// the stream so the store's resume (R16) can be watched.
import { ConnectError, type Interceptor } from "@connectrpc/connect";
import { WatchMessageKind, type WatchCoHostRequest, type WatchCoHostResponse } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";

export interface TimelineEntry {
  at: string;
  kind: "open" | "SNAPSHOT" | "CHANGE" | "KEEP_ALIVE" | "RESYNC" | "end";
  sequence?: number;
  text: string;
}

export class FeedTap {
  readonly entries: TimelineEntry[] = [];
  private readonly listeners = new Set<() => void>();
  private cut = new AbortController();

  readonly interceptor: Interceptor = (next) => async (req) => {
    if (req.method.name !== "WatchCoHost" || !req.stream) return next(req);
    const cut = (this.cut = new AbortController());
    const input = req.message;
    const record = (entry: Omit<TimelineEntry, "at">) => this.add(entry);
    const tapped = (async function* () {
      for await (const m of input) {
        const w = m as WatchCoHostRequest;
        record(
          w.resumeEpoch
            ? { kind: "open", text: `WatchCoHost: resume after #${w.resumeAfterSequence} (epoch ${short(w.resumeEpoch)})` }
            : { kind: "open", text: "WatchCoHost: new stream" },
        );
        yield m;
      }
    })();
    const res = await next({ ...req, message: tapped, signal: AbortSignal.any([req.signal, cut.signal]) });
    if (!res.stream) return res;
    const output = res.message;
    return {
      ...res,
      message: (async function* () {
        try {
          for await (const m of output) {
            record(describe(m as WatchCoHostResponse));
            yield m;
          }
          record({ kind: "end", text: "stream ended by the server" });
        } catch (err) {
          const error = ConnectError.from(err);
          record({ kind: "end", text: cut.signal.aborted ? "stream cut here (Drop stream)" : `stream failed: ${error.message}` });
          throw err;
        }
      })(),
    };
  };

  /** Cuts the current stream, as a network drop would; the store resumes. */
  drop(): void {
    this.cut.abort();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private add(entry: Omit<TimelineEntry, "at">): void {
    this.entries.push({ at: new Date().toLocaleTimeString(), ...entry });
    if (this.entries.length > 200) this.entries.shift();
    for (const l of this.listeners) l();
  }
}

const kindNames: Record<number, TimelineEntry["kind"]> = {
  [WatchMessageKind.SNAPSHOT]: "SNAPSHOT",
  [WatchMessageKind.CHANGE]: "CHANGE",
  [WatchMessageKind.KEEP_ALIVE]: "KEEP_ALIVE",
  [WatchMessageKind.RESYNC]: "RESYNC",
};

function describe(m: WatchCoHostResponse): Omit<TimelineEntry, "at"> {
  const kind = kindNames[m.kind] ?? "CHANGE";
  const sequence = Number(m.sequence);
  const events = m.events.map((e) => e.event.case ?? "?").join(", ");
  const detail = events ? `: ${events}` : kind === "CHANGE" ? " (state only)" : "";
  const text = `${kind} #${sequence}${detail}${m.roomClosed ? " (room closed)" : ""}`;
  return { kind, sequence, text };
}

function short(epoch: string): string {
  return epoch.length > 8 ? `${epoch.slice(0, 8)}…` : epoch;
}
