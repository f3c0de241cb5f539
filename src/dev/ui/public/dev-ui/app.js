// Entry point: a two-page app (the trace list at /, one trace at /traces/<id>) whose state lives in the URL and
// in the dualtrace dev process, so a reload shows the same thing.
import { getJson, subscribe } from './api.js';
import { h, mount } from './dom.js';
import { plural } from './format.js';
import { renderList } from './list.js';
import { renderTrace } from './trace.js';

const main = document.getElementById('main');
const conn = document.getElementById('conn');
const footer = document.getElementById('status');
let page = null; // { kind: 'list' } | { kind: 'trace', id, refresh }
let status = null;

function route() {
  const match = /^\/traces\/([0-9a-f]{32})$/i.exec(location.pathname);
  if (match) {
    page = { kind: 'trace', id: match[1].toLowerCase() };
    page.refresh = renderTrace(main, page.id, navigate);
  } else {
    page = { kind: 'list' };
    page.refresh = () => renderList(main, () => status);
    page.refresh();
  }
}

/** In-app navigation: same page load, new URL, focus moved to the new content for screen readers and the keyboard. */
export function navigate(url, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  route();
  main.focus({ preventScroll: true });
  window.scrollTo(0, 0);
}

document.addEventListener('click', (event) => {
  const link = event.target.closest?.('a[data-nav]');
  if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  navigate(link.getAttribute('href'));
});
window.addEventListener('popstate', route);

document.addEventListener('keydown', (event) => {
  if (event.target.closest?.('input, textarea, select') || event.metaKey || event.ctrlKey || event.altKey) return;
  if (event.key === 'Escape' && page?.kind === 'trace') {
    event.preventDefault();
    navigate('/');
  }
});

async function refreshStatus() {
  try {
    status = await getJson('/api/status');
    mount(footer, statusLine(status));
  } catch (error) {
    mount(footer, h('span', { class: 'error' }, error.message));
  }
}

function statusLine(s) {
  const refused = Object.entries(s.otlp.refused).map(([code, n]) => `${n}× ${code}`).join(', ');
  return [
    h('span', null, `OTLP ${s.urls.otlpTraces}`),
    h('span', null, `X-Ray daemon ${s.urls.daemonAddress} (udp + tcp)`),
    h('span', null, `${plural(s.traces, 'trace')} of ${s.limits.maxTraces} kept`),
    h('span', null, `${plural(s.store.spans, 'span')}, ${plural(s.store.datagrams, 'datagram')} received`),
    refused ? h('span', { class: 'warn' }, `refused requests: ${refused}`) : null,
    s.store.evictedTraces ? h('span', null, `${plural(s.store.evictedTraces, 'older trace')} dropped`) : null,
    h('span', null, `sampling API: ${s.sampling.rulesRequests} rule / ${s.sampling.targetsRequests} target requests (${s.sampling.source})`),
    h('span', null, s.saving ? `saving to ${s.saving}` : 'memory only'),
  ];
}

let pending = null;
subscribe(
  (traceIds) => {
    if (pending) return;
    // Bursts of spans arrive close together: one refresh per animation frame is enough.
    pending = requestAnimationFrame(() => {
      pending = null;
      refreshStatus();
      if (page?.kind === 'list') page.refresh();
      else if (page?.kind === 'trace' && traceIds.includes(page.id)) page.refresh();
    });
  },
  (state) => {
    if (state === 'open') {
      conn.textContent = '● live';
      conn.className = 'conn live';
      refreshStatus();
      page?.refresh?.();
    } else {
      conn.textContent = 'Lost the connection to dualtrace dev; retrying…';
      conn.className = 'conn lost';
    }
  },
);

refreshStatus().then(route);
