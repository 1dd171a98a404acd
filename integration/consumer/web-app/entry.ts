// A browser app's use of the client: what ends up in its bundle. Type-checked
// with bundler resolution, where the generated code resolves with and
// without the ".js" extension.
import { createConnectTransport } from "@connectrpc/connect-web";
import { CoHostStore } from "@cohost-kit/client";
import { WatchMessageKind } from "@cohost-kit/spec/cohost/v1/cohost_pb";
import type { WatchCoHostResponse } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";

const store = CoHostStore.create("room", {
  transport: createConnectTransport({ baseUrl: location.origin }),
  token: async () => (await fetch("/token")).text(),
});
store.coHostState.connected.subscribe(() => console.log(store.coHostState.connected.value));

export function isSnapshot(message: WatchCoHostResponse): boolean {
  return message.kind === WatchMessageKind.SNAPSHOT;
}
