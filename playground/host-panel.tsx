// One host: its room (opened and closed through RoomAdminService), a real
// CoHostStore over connect-web, a button for every CoHostStore operation,
// the six coHostState values, the listener callbacks and the feed timeline.
import type { Client, Transport } from "@connectrpc/connect";
import { useEffect, useReducer, useState } from "preact/hooks";
import type { RoomAdminService } from "@cohost-kit/spec/cohost/v1/cohost_pb.js";
import { CoHostLayoutTemplate, CoHostStatus, CoHostStore, type CompletionHandler, type SeatUserInfo } from "@cohost-kit/client";
import { FeedTap } from "./feed-tap.js";

export interface Host {
  liveId: string;
  userId: string;
  userName: string;
}

export interface PanelProps {
  host: Host;
  others: Host[];
  admin: Client<typeof RoomAdminService>;
  adminKey: () => string;
  token: () => string;
  transport: (tap: FeedTap) => Transport;
}

const layouts: [string, CoHostLayoutTemplate][] = [
  ["dynamic grid", CoHostLayoutTemplate.hostDynamicGrid],
  ["1v6", CoHostLayoutTemplate.hostDynamic1v6],
  ["left focus 9", CoHostLayoutTemplate.hostVideoLeftFocus9Seats],
  ["uniform grid 9", CoHostLayoutTemplate.hostVideoUniformGrid9Seats],
  ["voice", CoHostLayoutTemplate.hostVoiceConnection],
];

const names = (list: readonly SeatUserInfo[]) => list.map((s) => s.userName || s.liveID).join(", ") || "–";

export function HostPanel({ host, others, admin, adminKey, token, transport }: PanelProps) {
  const id = host.liveId;
  const [store, setStore] = useState<CoHostStore | undefined>();
  const [tap, setTap] = useState<FeedTap | undefined>();
  const [log, setLog] = useState<string[]>([]);
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const [target, setTarget] = useState(others[0]?.liveId ?? "");
  const [layout, setLayout] = useState(CoHostLayoutTemplate.hostDynamicGrid);
  const [timeout, setTimeoutSeconds] = useState(30);
  const [extra, setExtra] = useState("");
  const say = (line: string) => setLog((l) => [...l, line]);

  useEffect(() => {
    if (!target && others[0]) setTarget(others[0].liveId);
  }, [others, target]);

  useEffect(() => {
    if (!store || !tap) return;
    const refresh = () => rerender(undefined);
    const offs = [...Object.values(store.coHostState), store.feedStatus].map((v) => v.subscribe(refresh));
    offs.push(tap.subscribe(refresh));
    const listener = {
      onCoHostRequestReceived: (inviter: SeatUserInfo, info: string) =>
        say(`onCoHostRequestReceived(${inviter.userName}${info ? `, "${info}"` : ""})`),
      onCoHostRequestCancelled: (inviter: SeatUserInfo, invitee: SeatUserInfo) =>
        say(`onCoHostRequestCancelled(${inviter.userName} → ${invitee.userName})`),
      onCoHostRequestAccepted: (invitee: SeatUserInfo) => say(`onCoHostRequestAccepted(${invitee.userName})`),
      onCoHostRequestRejected: (invitee: SeatUserInfo) => say(`onCoHostRequestRejected(${invitee.userName})`),
      onCoHostRequestTimeout: (inviter: SeatUserInfo, invitee: SeatUserInfo) =>
        say(`onCoHostRequestTimeout(${inviter.userName} → ${invitee.userName})`),
      onCoHostUserJoined: (user: SeatUserInfo) => say(`onCoHostUserJoined(${user.userName})`),
      onCoHostUserLeft: (user: SeatUserInfo) => say(`onCoHostUserLeft(${user.userName})`),
    };
    store.addCoHostListener(listener);
    return () => {
      offs.forEach((off) => off());
      store.removeCoHostListener(listener);
    };
  }, [store, tap]);

  const adminHeaders = () => ({ headers: { authorization: `Bearer ${adminKey()}` } });
  const openRoom = async () => {
    try {
      await admin.openRoom({ liveId: id, userId: host.userId, userName: host.userName, avatarUrl: "" }, adminHeaders());
      say(`OpenRoom(${id}) → ok`);
      const newTap = new FeedTap();
      setTap(newTap);
      setStore(CoHostStore.create(id, { transport: transport(newTap), token: () => token() }));
    } catch (err) {
      say(`OpenRoom(${id}) → ${String(err)}`);
    }
  };
  const closeRoom = async () => {
    try {
      await admin.closeRoom({ liveId: id }, adminHeaders());
      say(`CloseRoom(${id}) → ok`);
    } catch (err) {
      say(`CloseRoom(${id}) → ${String(err)}`);
    }
    store?.dispose();
    setStore(undefined);
  };
  const run = async (name: string, op: () => Promise<CompletionHandler>) => {
    const result = await op();
    say(result.code === 0 ? `${name} → ok` : `${name} → code ${result.code} ${result.reason || ""} ${result.message}`.trim());
  };

  if (!store || !tap) {
    return (
      <section class="panel" data-testid={`${id}-panel`}>
        <h2>
          {host.userName} <small>{id}</small>
        </h2>
        <p class="hint">Room not open. The platform's backend opens rooms with RoomAdminService.OpenRoom.</p>
        <button data-testid={`${id}-open`} onClick={openRoom}>
          Open room
        </button>
        <EventLog id={id} log={log} />
      </section>
    );
  }

  const s = store.coHostState;
  const applicant = s.applicant.value;
  const connected = s.coHostStatus.value === CoHostStatus.connected;
  return (
    <section class={`panel ${connected ? "connected" : ""}`} data-testid={`${id}-panel`}>
      <h2>
        {host.userName} <small>{id}</small>
        <button class="small" data-testid={`${id}-close`} onClick={closeRoom}>
          Close room
        </button>
      </h2>
      <table class="state">
        <tbody>
          <Row label="coHostStatus" id={`${id}-status`} value={connected ? "connected" : "disconnected"} />
          <Row label="connected" id={`${id}-connected`} value={names(s.connected.value)} />
          <Row label="invitees" id={`${id}-invitees`} value={names(s.invitees.value)} />
          <Row label="applicant" id={`${id}-applicant`} value={applicant ? applicant.userName : "–"} />
          <Row label="candidates" id={`${id}-candidates`} value={names(s.candidates.value)} />
          <Row label="candidatesCursor" id={`${id}-cursor`} value={s.candidatesCursor.value || "–"} />
          <Row label="feed" id={`${id}-feed`} value={store.feedStatus.value} />
        </tbody>
      </table>
      <fieldset>
        <legend>requestHostConnection</legend>
        <label>
          to{" "}
          <input
            data-testid={`${id}-target`}
            list={`${id}-rooms`}
            value={target}
            onInput={(e) => setTarget(e.currentTarget.value)}
            size={10}
          />
        </label>
        <datalist id={`${id}-rooms`}>
          {others.map((o) => (
            <option key={o.liveId} value={o.liveId} />
          ))}
        </datalist>
        <label>
          layout{" "}
          <select data-testid={`${id}-layout`} value={layout} onChange={(e) => setLayout(Number(e.currentTarget.value))}>
            {layouts.map(([label, value]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          timeout{" "}
          <input
            data-testid={`${id}-timeout`}
            type="number"
            min={1}
            max={300}
            value={timeout}
            onInput={(e) => setTimeoutSeconds(Number(e.currentTarget.value))}
          />
          s
        </label>
        <label>
          extraInfo <input data-testid={`${id}-extra`} value={extra} onInput={(e) => setExtra(e.currentTarget.value)} size={12} />
        </label>
        <div class="buttons">
          <button
            data-testid={`${id}-request`}
            onClick={() =>
              run(`requestHostConnection(${target})`, () =>
                store.requestHostConnection({ targetHostLiveID: target, layoutTemplate: layout, timeout, extraInfo: extra }),
              )
            }
          >
            Request
          </button>
          <button
            data-testid={`${id}-cancel`}
            onClick={() => run(`cancelHostConnection(${target})`, () => store.cancelHostConnection(target))}
          >
            Cancel
          </button>
        </div>
      </fieldset>
      <div class="buttons">
        <button
          data-testid={`${id}-accept`}
          disabled={!applicant}
          onClick={() => applicant && run(`acceptHostConnection(${applicant.liveID})`, () => store.acceptHostConnection(applicant.liveID))}
        >
          Accept {applicant?.userName ?? ""}
        </button>
        <button
          data-testid={`${id}-reject`}
          disabled={!applicant}
          onClick={() => applicant && run(`rejectHostConnection(${applicant.liveID})`, () => store.rejectHostConnection(applicant.liveID))}
        >
          Reject
        </button>
        <button data-testid={`${id}-exit`} onClick={() => run("exitHostConnection()", () => store.exitHostConnection())}>
          Exit
        </button>
        <button data-testid={`${id}-candidates-first`} onClick={() => run('getCoHostCandidates("")', () => store.getCoHostCandidates(""))}>
          Candidates
        </button>
        <button
          data-testid={`${id}-candidates-more`}
          disabled={!s.candidatesCursor.value}
          onClick={() => run("getCoHostCandidates(cursor)", () => store.getCoHostCandidates(s.candidatesCursor.value))}
        >
          More
        </button>
        <button data-testid={`${id}-drop`} title="Cut the feed stream, as a network drop would" onClick={() => tap.drop()}>
          Drop stream
        </button>
      </div>
      <EventLog id={id} log={log} />
      <h3>Feed (WatchCoHost)</h3>
      <ol class="timeline" data-testid={`${id}-timeline`}>
        {tap.entries.map((e, i) => (
          <li key={i} class={`kind-${e.kind}`}>
            <time>{e.at}</time> {e.text}
          </li>
        ))}
      </ol>
    </section>
  );
}

function Row({ label, id, value }: { label: string; id: string; value: string }) {
  return (
    <tr>
      <th>{label}</th>
      <td data-testid={id}>{value}</td>
    </tr>
  );
}

function EventLog({ id, log }: { id: string; log: string[] }) {
  return (
    <>
      <h3>Calls and listener callbacks</h3>
      <ol class="events" data-testid={`${id}-events`}>
        {log.map((line, i) => (
          <li key={i}>{line}</li>
        ))}
      </ol>
    </>
  );
}
