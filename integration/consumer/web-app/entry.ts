// A browser app's use of the client: what ends up in its bundle.
import { createConnectTransport } from "@connectrpc/connect-web";
import { CoHostStore } from "@cohost-kit/client";

const store = CoHostStore.create("room", {
  transport: createConnectTransport({ baseUrl: location.origin }),
  token: async () => (await fetch("/token")).text(),
});
store.coHostState.connected.subscribe(() => console.log(store.coHostState.connected.value));
