import type { WatchCoHostResponse } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";

/** The last `limit` CHANGE messages of one room's feed, for resume (R16). */
export class FeedLog {
  private messages: WatchCoHostResponse[] = [];
  private start = 0;

  constructor(
    readonly epoch: string,
    private last: number,
    private readonly limit: number,
  ) {}

  append(message: WatchCoHostResponse): void {
    this.messages.push(message);
    this.last = Number(message.sequence);
    if (this.messages.length - this.start > this.limit) this.start++;
    // Compact now and then instead of shifting on every append.
    if (this.start > this.limit) {
      this.messages = this.messages.slice(this.start);
      this.start = 0;
    }
  }

  /** Messages after `afterSequence`, or undefined when some are gone. */
  after(epoch: string, afterSequence: number): WatchCoHostResponse[] | undefined {
    if (epoch !== this.epoch || afterSequence > this.last) return undefined;
    const count = this.last - afterSequence;
    if (count === 0) return [];
    if (count > this.messages.length - this.start) return undefined;
    return this.messages.slice(this.messages.length - count);
  }
}
