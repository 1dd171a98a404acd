// Live feed messages across instances, over Redis pub/sub. An instance holds
// a channel subscription while it has watchers of that room. A watcher is
// only told "subscribed" once Redis has acknowledged the SUBSCRIBE (a second
// watcher of the room waits for the same acknowledgement); a SUBSCRIBE that
// fails leaves nothing behind, so the next watcher subscribes afresh. When
// the subscriber connection drops, messages may have been published that it
// will never see: every watcher is told its feed is lost (its stream ends,
// UNAVAILABLE, and its client resumes from the replay log, R16), and rooms
// are subscribed anew by the watchers that come back.
import { fromBinary } from "@bufbuild/protobuf";
import type { Redis } from "ioredis";
import { WatchCoHostResponseSchema, type WatchCoHostResponse } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import type { Logger } from "../logger.js";
import type { FeedListener } from "./state-store.js";
import { StoreUnavailableError } from "./store-outage.js";

/**
 * Feed messages travel over pub/sub as a 0 byte (never the first byte of a
 * protobuf message), the commit time (float64, ms), then the message, so
 * receivers can measure pub/sub lag. The replay log holds bare messages.
 */
export const TIMED = 0;

interface Watcher {
  listener: FeedListener;
  onLost?: (reason: string) => void;
}

interface Channel {
  watchers: Set<Watcher>;
  /** Settles when Redis acknowledged the SUBSCRIBE. */
  subscribed: Promise<unknown>;
}

export interface RedisFeedsOptions {
  subscriber: Redis;
  channelOf: (liveId: string) => string;
  logger: Logger;
  /** Lag of each timed message, receive time minus commit time. */
  onLag: (ms: number) => void;
  now: () => number;
  /** Other channels' messages (e.g. "a deadline was added"). */
  onOther: (channel: string, payload: Buffer) => void;
}

export class RedisFeeds {
  private readonly channels = new Map<string, Channel>();
  private readonly prefix: string;

  constructor(private readonly options: RedisFeedsOptions) {
    this.prefix = options.channelOf("");
    options.subscriber.on("messageBuffer", (channel: Buffer, payload: Buffer) => this.onMessage(channel.toString(), payload));
    options.subscriber.on("close", () => this.lose("lost the connection to the store's feed"));
  }

  async subscribe(liveId: string, listener: FeedListener, onLost?: (reason: string) => void): Promise<() => void> {
    let channel = this.channels.get(liveId);
    if (!channel) {
      const subscribed = this.options.subscriber.subscribe(this.options.channelOf(liveId));
      channel = { watchers: new Set(), subscribed };
      this.channels.set(liveId, channel);
      const created = channel;
      subscribed.catch(() => {
        if (this.channels.get(liveId) === created) this.channels.delete(liveId);
      });
    }
    const watcher: Watcher = { listener, onLost };
    channel.watchers.add(watcher);
    try {
      await channel.subscribed;
    } catch (err) {
      channel.watchers.delete(watcher);
      throw err instanceof StoreUnavailableError ? err : new StoreUnavailableError(err);
    }
    const joined = channel;
    return () => {
      joined.watchers.delete(watcher);
      if (joined.watchers.size > 0 || this.channels.get(liveId) !== joined) return;
      this.channels.delete(liveId);
      void this.options.subscriber.unsubscribe(this.options.channelOf(liveId)).catch(() => {});
    };
  }

  /** Rooms this instance has watchers of. */
  get watchedRooms(): number {
    return this.channels.size;
  }

  private onMessage(channel: string, payload: Buffer): void {
    if (!channel.startsWith(this.prefix)) return this.options.onOther(channel, payload);
    const room = this.channels.get(channel.slice(this.prefix.length));
    if (!room) return;
    let committedAt: number | undefined;
    let message: WatchCoHostResponse;
    try {
      if (payload[0] === TIMED && payload.length >= 9) {
        committedAt = payload.readDoubleBE(1);
        this.options.onLag(this.options.now() - committedAt);
        payload = payload.subarray(9);
      }
      message = fromBinary(WatchCoHostResponseSchema, payload);
    } catch (err) {
      this.options.logger.warn("unreadable feed message on pub/sub", { channel, error: String(err) });
      return;
    }
    for (const { listener } of [...room.watchers]) {
      try {
        listener(message, committedAt);
      } catch {
        // A failing watcher must not stop the others.
      }
    }
  }

  /** Every watcher's feed may have a gap now: each is told, and every subscription is forgotten. */
  private lose(reason: string): void {
    const channels = [...this.channels.values()];
    this.channels.clear();
    for (const channel of channels) {
      for (const { onLost } of channel.watchers) {
        try {
          onLost?.(reason);
        } catch {
          // A failing watcher must not stop the others.
        }
      }
    }
  }
}
