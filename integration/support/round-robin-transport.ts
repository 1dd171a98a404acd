import type { Transport } from "@connectrpc/connect";

/** Spreads calls and streams over several transports in turn (one per server instance). */
export function roundRobinTransport(transports: Transport[]): Transport {
  let next = 0;
  const pick = () => transports[next++ % transports.length]!;
  return {
    unary: (...args) => pick().unary(...args),
    stream: (...args) => pick().stream(...args),
  };
}
