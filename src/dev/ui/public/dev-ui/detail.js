// The selected id, as each backend has it: Honeycomb's event fields on one side, the X-Ray (sub)segment with its
// problems and blocks on the other, and the trace headers of the hop it belongs to.
import { badge, h, table } from './dom.js';
import { clock, duration, text } from './format.js';
import { flattenNodes } from './xray-view.js';

export function renderDetail(view, id) {
  if (!id) return h('section', { class: 'detail' });
  const span = view.spans.find((s) => s.spanId === id);
  const node = flattenNodes(view.xray.roots).find((n) => n.id === id);
  const hops = view.hops.filter((hop) => hop.spanId === id);
  return h('section', { class: 'detail', 'aria-labelledby': 'detail-title' },
    h('h2', { id: 'detail-title' }, 'Selected: ', h('code', null, id)),
    h('div', { class: 'detail-cols' },
      h('div', { class: 'detail-col' }, h('h3', null, 'Honeycomb event'), span ? honeycombDetail(span) : h('p', { class: 'muted' }, 'No span with this id reached the OTLP receiver.')),
      h('div', { class: 'detail-col' }, h('h3', null, 'X-Ray ', node ? node.kind : '(sub)segment'), node ? xrayDetail(node) : h('p', { class: 'muted' }, 'No X-Ray document with this id arrived over UDP.'))),
    hops.length ? hopsDetail(hops) : null);
}

function honeycombDetail(span) {
  const [event, ...others] = span.honeycomb.events;
  return [
    h('p', { class: 'muted' }, `Dataset ${span.honeycomb.dataset}`, span.honeycomb.sampleRate !== 1 ? ` · sample rate ${span.honeycomb.sampleRate}` : ''),
    fields(event.fields, 'Fields Honeycomb stores for this span (one event)'),
    ...others.map((e) => fields(e.fields, e.kind === 'span_event' ? `Span event “${nameOf(e)}” (its own Honeycomb event) · ${clock(e.timestamp)}` : 'Link (its own Honeycomb event)')),
  ];
}

function nameOf(e) {
  return e.fields.find((f) => f.key === 'name')?.value.value ?? '';
}

function fields(list, caption) {
  return h('table', { class: 'fields' },
    h('caption', null, caption),
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'field'), h('th', { scope: 'col' }, 'value'), h('th', { scope: 'col' }, 'from'))),
    h('tbody', null, list.map((f) => h('tr', { class: f.key === 'error' ? 'is-error' : undefined },
      h('th', { scope: 'row' }, f.key),
      h('td', null, h('span', { class: `v ${f.value.type}` }, text(f.value.value)), f.value.type === 'json' ? badge('JSON string', 'kind') : null),
      h('td', { class: 'from' }, f.from)))));
}

function xrayDetail(node) {
  const d = node.document;
  const times = d.start_time !== undefined && d.end_time !== undefined ? duration((d.end_time - d.start_time) * 1000) : d.in_progress ? 'in progress' : '—';
  return [
    node.problems.length ? h('ul', { class: 'problems', 'aria-label': 'Problems with this document' }, node.problems.map((p) =>
      h('li', { class: `problem ${p.severity}` }, badge(p.severity, `problem-${p.severity}`), ' ', p.path ? h('code', null, p.path) : null, p.path ? ' ' : null, p.message))) : h('p', { class: 'notice ok' }, 'Follows the X-Ray segment document rules.'),
    table([
      ['name', d.name ?? '—'],
      ['id', h('code', null, text(d.id))],
      d.trace_id !== undefined ? ['trace_id', h('code', null, text(d.trace_id))] : null,
      d.parent_id !== undefined ? ['parent_id', h('code', null, text(d.parent_id))] : null,
      ['arrived', node.arrival === 'nested' ? 'nested in its parent\'s document' : `its own datagram (${node.datagram.bytes} bytes)`],
      d.type !== undefined ? ['type', text(d.type)] : null,
      d.namespace !== undefined ? ['namespace', text(d.namespace)] : null,
      ['duration', times],
      d.origin !== undefined ? ['origin', text(d.origin)] : null,
      d.user !== undefined ? ['user', text(d.user)] : null,
      ['flags', [d.fault ? badge('fault', 'x-fault') : null, d.error ? badge('error', 'x-error') : null, d.throttle ? badge('throttle', 'x-throttle') : null, !d.fault && !d.error && !d.throttle ? 'none' : null]],
    ].filter(Boolean), 'Segment fields'),
    d.http ? block('http', [
      ...Object.entries(d.http.request ?? {}).map(([k, v]) => [`request.${k}`, text(v)]),
      ...Object.entries(d.http.response ?? {}).map(([k, v]) => [`response.${k}`, text(v)]),
    ]) : null,
    d.sql ? block('sql', Object.entries(d.sql).map(([k, v]) => [k, text(v)])) : null,
    d.aws ? block('aws', Object.entries(d.aws).map(([k, v]) => [k, text(v)])) : null,
    d.annotations ? block('annotations (indexed: usable in filter expressions)', Object.entries(d.annotations).map(([k, v]) => [k, text(v), typeof v])) : h('p', { class: 'muted' }, 'No annotations (nothing indexed for filter expressions).'),
    d.metadata ? h('div', { class: 'block' }, h('h4', null, 'metadata (not indexed)'), Object.entries(d.metadata).map(([ns, values]) =>
      table(Object.entries(values ?? {}).map(([k, v]) => [k, h('span', { class: 'v json' }, text(v))]), `namespace ${ns}`))) : null,
    d.cause ? cause(d.cause) : null,
    d.links ? block('links', d.links.map((l) => [text(l.trace_id), text(l.id)])) : null,
    h('details', { class: 'raw' }, h('summary', null, 'Document as received (without nested subsegments)'), h('pre', null, JSON.stringify(d, null, 2))),
  ];
}

function block(title, rows) {
  return h('div', { class: 'block' }, h('h4', null, title), table(rows));
}

function cause(c) {
  if (typeof c === 'string') return block('cause', [['exception id', c]]);
  return h('div', { class: 'block' }, h('h4', null, 'cause'),
    c.working_directory ? h('p', { class: 'muted' }, `working directory ${c.working_directory}`) : null,
    (c.exceptions ?? []).map((e) => h('div', { class: 'exception' },
      h('p', null, h('strong', null, e.type ?? 'Error'), ': ', e.message ?? '', e.remote ? badge('remote', 'kind') : null, e.cause ? h('span', { class: 'muted' }, ` caused by ${e.cause}`) : null),
      e.stack?.length ? h('ol', { class: 'stack' }, e.stack.map((f) => h('li', null, h('code', null, `${f.label ?? '?'} (${f.path ?? '?'}:${f.line ?? '?'})`)))) : null,
      e.truncated ? h('p', { class: 'muted' }, `${e.truncated} more frame(s) left out`) : null)));
}

function hopsDetail(hops) {
  return h('div', { class: 'hops' }, hops.map((hop) => h('section', { 'aria-label': 'Trace headers' },
    h('h3', null, hop.direction === 'in' ? 'Headers this request arrived with' : 'Headers this call sent', hop.peer ? h('span', { class: 'muted sub' }, hop.direction === 'in' ? ` from ${hop.peer}` : ` to ${hop.peer}`) : null),
    h('table', { class: 'fields' },
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'header'), h('th', { scope: 'col' }, 'value'), h('th', { scope: 'col' }, 'known how'))),
      h('tbody', null, hop.headers.map((hd) => h('tr', null,
        h('th', { scope: 'row' }, hd.name),
        h('td', null, hd.value !== undefined ? h('code', null, hd.value) : h('span', { class: 'muted' }, '—')),
        h('td', null, badge(hd.source, `src-${hd.source}`), hd.note ? h('span', { class: 'muted note' }, ` ${hd.note}`) : null))))))));
}
