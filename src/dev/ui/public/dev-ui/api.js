// The viewer's only data source: the JSON API of the dualtrace dev process that served this page.

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export async function getJson(path) {
  let response;
  try {
    response = await fetch(path, { headers: { accept: 'application/json' } });
  } catch {
    throw new ApiError(0, 'dualtrace dev is not answering. Is it still running?');
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(response.status, body.error ?? `${response.status} ${response.statusText}`);
  return body;
}

/** Calls `onChange(traceIds)` on every change the server announces, and `onState('open'|'lost')` as the stream comes and goes. */
export function subscribe(onChange, onState) {
  const source = new EventSource('/api/events');
  source.addEventListener('change', (event) => {
    try {
      onChange(JSON.parse(event.data).traceIds ?? []);
    } catch {
      onChange([]);
    }
  });
  source.addEventListener('open', () => onState('open'));
  source.addEventListener('error', () => onState('lost'));
  return source;
}
