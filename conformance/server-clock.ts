// What the suite knows of the server's clock, without trusting its own: a
// RequestHostConnection's deadline minus its timeout is the server's time
// at some moment between sending the call and receiving the answer (R7).
export class ServerClock {
  /** server time = local time + offset, with lo <= offset <= hi. */
  private lo = -Infinity;
  private hi = Infinity;

  observe(sentAt: number, receivedAt: number, serverNow: number): void {
    const lo = serverNow - receivedAt;
    const hi = serverNow - sentAt;
    // Clocks that drift apart can make old bounds contradict new ones: keep the newest then.
    if (lo > this.hi || hi < this.lo) [this.lo, this.hi] = [lo, hi];
    else [this.lo, this.hi] = [Math.max(this.lo, lo), Math.min(this.hi, hi)];
  }

  get known(): boolean {
    return Number.isFinite(this.lo);
  }

  /** A server time that has surely passed at local time `at`. */
  passed(at = Date.now()): number {
    return at + this.lo;
  }

  /** A server time that surely has not come yet at local time `at`. */
  notYet(at = Date.now()): number {
    return at + this.hi;
  }

  /** Local time at which the server's clock surely shows `serverTime`. */
  localWhen(serverTime: number): number {
    return serverTime - this.lo;
  }
}
