import { useEffect, useState } from 'react';

/**
 * How the page talks to the console's server: JSON over fetch, the session cookie going along. A refusal comes back
 * as `{ error, code, problems? }` (console/http.ts) and is thrown as ApiRefusal, whose message the page shows as is.
 */

export class ApiRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly problems: { path: string; message: string; fix?: string }[] = [],
  ) {
    super(message);
  }
}

async function answer<T>(response: Response): Promise<T> {
  const body = (await response.json().catch(() => ({}))) as { error?: string; code?: string; problems?: ApiRefusal['problems'] };
  if (!response.ok) {
    if (response.status === 401) window.dispatchEvent(new CustomEvent('ordo:signed-out'));
    throw new ApiRefusal(response.status, body.code ?? 'error', body.error ?? `${response.status} ${response.statusText}`, body.problems);
  }
  return body as T;
}

export async function getJson<T>(url: string): Promise<T> {
  return answer<T>(await fetch(url, { headers: { accept: 'application/json' }, credentials: 'same-origin' }));
}

export async function postJson<T>(url: string, body: unknown): Promise<T> {
  return answer<T>(await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, credentials: 'same-origin', body: JSON.stringify(body) }));
}

export interface Loaded<T> {
  data?: T;
  error?: ApiRefusal | Error;
  /** Fetch again now (after an action). */
  reload(): void;
}

/** `url`'s JSON, fetched again every `everyMs` (0: once) and on reload(). */
export function useJson<T>(url: string | undefined, everyMs = 0): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: Error }>({});
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!url) return;
    let live = true;
    const load = () =>
      getJson<T>(url).then(
        (data) => live && setState({ data }),
        (error: Error) => live && setState((was) => ({ data: was.data, error })),
      );
    void load();
    const timer = everyMs > 0 ? setInterval(load, everyMs) : undefined;
    return () => {
      live = false;
      if (timer) clearInterval(timer);
    };
  }, [url, everyMs, tick]);
  return { ...state, reload: () => setTick((t) => t + 1) };
}

/** A server-sent event stream of JSON snapshots (`data: <json>`): the latest one, as it changes. */
export function useLive<T>(url: string | undefined): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: Error }>({});
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!url) return;
    const source = new EventSource(url, { withCredentials: true });
    source.onmessage = (event) => setState({ data: JSON.parse(event.data) as T });
    source.addEventListener('refusal', (event) => {
      const body = JSON.parse((event as MessageEvent).data) as { error: string; code: string };
      setState((was) => ({ data: was.data, error: new ApiRefusal(0, body.code, body.error) }));
    });
    return () => source.close();
  }, [url, tick]);
  return { ...state, reload: () => setTick((t) => t + 1) };
}
