// The trace list: newest first, live, each row a link to the trace page.
import { getJson } from './api.js';
import { badge, h, mount } from './dom.js';
import { ago, duration, plural } from './format.js';

export async function renderList(main, getStatus) {
  let data;
  try {
    data = await getJson('/api/traces');
  } catch (error) {
    mount(main, h('h1', null, 'Traces'), h('p', { class: 'notice error', role: 'alert' }, error.message));
    return;
  }
  const focusedId = document.activeElement?.closest?.('tr')?.dataset.id;
  const rows = data.traces.map((t) => h('tr', { dataset: { id: t.traceId } },
    h('td', { class: 'when', title: new Date(t.start).toISOString() }, ago(t.start)),
    h('td', { class: 'svc' }, t.service),
    h('td', { class: 'name' }, h('a', { href: `/traces/${t.traceId}`, 'data-nav': true }, t.rootName)),
    h('td', { class: 'num', 'data-label': 'duration' }, duration(t.durationMs)),
    h('td', { class: 'num', 'data-label': 'Honeycomb / X-Ray', title: 'spans received over OTLP (Honeycomb) / (sub)segments received over UDP (X-Ray)' }, `${t.spans} / ${t.segments}`),
    h('td', { class: 'marks' }, marks(t)),
  ));
  const table = data.traces.length === 0 ? emptyState(getStatus()) : h('table', { class: 'traces' },
    h('caption', { class: 'sr-only' }, 'Recent traces, newest first'),
    h('thead', null, h('tr', null,
      h('th', { scope: 'col' }, 'When'), h('th', { scope: 'col' }, 'Service'), h('th', { scope: 'col' }, 'Root'),
      h('th', { scope: 'col', class: 'num' }, 'Duration'), h('th', { scope: 'col', class: 'num' }, h('abbr', { title: 'Honeycomb spans / X-Ray (sub)segments' }, 'HC / X-Ray')),
      h('th', { scope: 'col' }, 'Marks'))),
    h('tbody', { onkeydown: moveFocus }, rows));
  mount(main,
    h('div', { class: 'list-head' },
      h('h1', null, 'Traces'),
      h('p', { class: 'muted' }, `${plural(data.traces.length, 'trace')} in memory (the last ${data.maxTraces} are kept). New spans appear as they arrive.`)),
    table,
    data.unattributed.length > 0 ? unattributed(data.unattributed) : null);
  if (focusedId) main.querySelector(`tr[data-id="${focusedId}"] a`)?.focus();
}

function marks(t) {
  return [
    t.error ? badge('error', 'hc-error', 'A span has status ERROR: Honeycomb sets error = true') : null,
    t.xray.fault ? badge('fault', 'x-fault', 'X-Ray: fault (5xx, or an unhandled error)') : null,
    t.xray.error ? badge('error', 'x-error', 'X-Ray: error (4xx)') : null,
    t.xray.throttle ? badge('throttle', 'x-throttle', 'X-Ray: throttle (429)') : null,
    t.problems.errors ? badge(`${t.problems.errors} X-Ray rule ${t.problems.errors === 1 ? 'break' : 'breaks'}`, 'problem-error', 'Documents that break the X-Ray segment document rules') : null,
    t.problems.warnings ? badge(`${plural(t.problems.warnings, 'warning')}`, 'problem-warning') : null,
  ];
}

/** Up and down arrows (or j and k) move between the trace links. */
function moveFocus(event) {
  const step = event.key === 'ArrowDown' || event.key === 'j' ? 1 : event.key === 'ArrowUp' || event.key === 'k' ? -1 : 0;
  if (!step) return;
  const links = [...event.currentTarget.querySelectorAll('a')];
  const at = links.indexOf(document.activeElement);
  const next = links[Math.min(links.length - 1, Math.max(0, at + step))];
  if (next) {
    event.preventDefault();
    next.focus();
  }
}

function emptyState(status) {
  const urls = status?.urls;
  return h('section', { class: 'empty', 'aria-labelledby': 'empty-title' },
    h('h2', { id: 'empty-title' }, 'No traces yet'),
    h('p', null, 'Nothing has arrived. Point an app at this viewer and send it a request:'),
    h('pre', null, [
      '# a dualtrace app, default ports',
      'DUALTRACE_DEV=1 node app.js',
      '',
      '# any OpenTelemetry SDK and X-Ray SDK',
      `OTEL_EXPORTER_OTLP_ENDPOINT=${urls?.otlp ?? 'http://127.0.0.1:4318'} \\`,
      `AWS_XRAY_DAEMON_ADDRESS=${urls?.daemonAddress ?? '127.0.0.1:2000'} node app.js`,
    ].join('\n')),
    h('p', { class: 'muted' }, 'Traces are kept in memory only, unless dualtrace dev was started with --save.'));
}

function unattributed(items) {
  return h('section', { class: 'unattributed', 'aria-labelledby': 'unattributed-title' },
    h('h2', { id: 'unattributed-title' }, 'Datagrams with no usable trace id'),
    h('p', { class: 'muted' }, 'They reached the X-Ray port but name no trace X-Ray could file them under.'),
    h('ul', null, items.map((d) => h('li', null,
      h('span', { class: 'muted' }, `${ago(d.receivedAt)}, ${d.datagram.bytes} bytes: `),
      d.problems.map((p) => h('span', { class: `problem ${p.severity}` }, p.message, ' ')),
      d.datagram.preview ? h('code', { class: 'preview' }, d.datagram.preview) : null))));
}
