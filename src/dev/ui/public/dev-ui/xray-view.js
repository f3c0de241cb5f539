// The X-Ray side: the segment tree as X-Ray assembles it from the datagrams that arrived.
import { badge, h } from './dom.js';
import { duration } from './format.js';
import { placeBars, rowKeys } from './rows.js';

export function flattenNodes(roots, depth = 0, out = []) {
  for (const node of roots) {
    out.push({ ...node, depth });
    flattenNodes(node.children, depth + 1, out);
  }
  return out;
}

export function xrayPanel(xray, selectedId, onSelect) {
  const nodes = flattenNodes(xray.roots);
  const times = nodes.filter((n) => n.start !== undefined);
  const start = Math.min(...times.map((n) => n.start));
  const end = Math.max(...times.map((n) => n.end ?? n.start));
  const total = Math.max(end - start, 0.000001);
  const body = nodes.length === 0
    ? h('p', { class: 'muted empty-panel' }, 'No segment documents arrived over UDP for this trace: X-Ray export is off in the app, the daemon address points elsewhere, or nothing was sent yet.')
    : h('ol', { class: 'rows', role: 'list', onkeydown: rowKeys }, nodes.map((n) => row(n, selectedId, onSelect, start, total)));
  const panel = h('section', { class: 'panel xray', 'data-panel': 'xray', 'aria-labelledby': 'xr-title' },
    h('h2', { id: 'xr-title' }, 'X-Ray', h('span', { class: 'muted sub' }, ' segments as X-Ray builds them')),
    body);
  placeBars(panel);
  return panel;
}

function row(n, selectedId, onSelect, start, total) {
  const d = n.document;
  const errors = n.problems.filter((p) => p.severity === 'error').length;
  const warnings = n.problems.filter((p) => p.severity === 'warning').length;
  const shrunk = n.problems.some((p) => p.path === 'metadata.dualtrace.truncated');
  const status = d.http?.response?.status;
  const left = n.start === undefined ? 0 : ((n.start - start) / total) * 100;
  const width = n.start === undefined ? 0 : Math.max((((n.end ?? n.start) - n.start) / total) * 100, 0.4);
  return h('li', null, h('button', {
    type: 'button', class: `row${n.id === selectedId ? ' selected' : ''}${errors ? ' has-problem' : ''}`,
    dataset: { id: n.id }, 'aria-pressed': String(n.id === selectedId), onclick: () => onSelect(n.id),
  },
    h('span', { class: 'label' },
      h('span', { class: 'indent', 'aria-hidden': 'true' }, '\u00a0\u00a0'.repeat(n.depth)),
      h('span', { class: 'name' }, n.name),
      badge(n.kind, n.kind === 'segment' ? 'segment' : 'kind', n.arrival === 'nested' ? 'nested in its parent\'s document' : 'its own datagram'),
      d.namespace ? badge(d.namespace, 'ns', 'namespace') : null,
      status !== undefined ? badge(String(status), 'http', 'http.response.status') : null,
      d.fault ? badge('fault', 'x-fault') : null,
      d.error ? badge('error', 'x-error') : null,
      d.throttle ? badge('throttle', 'x-throttle') : null,
      d.in_progress ? badge('in progress', 'kind') : null,
      shrunk ? badge('shrunk', 'problem-info', 'dualtrace cut this document to fit the datagram limit') : null,
      errors ? badge(`✖ ${errors}`, 'problem-error', `${errors} rule ${errors === 1 ? 'break' : 'breaks'}`) : null,
      warnings ? badge(`⚠ ${warnings}`, 'problem-warning', `${warnings} warning(s)`) : null),
    h('span', { class: 'bar-track', 'aria-hidden': 'true' }, h('span', { class: 'bar', 'data-left': left.toFixed(2), 'data-width': width.toFixed(2) })),
    h('span', { class: 'dur' }, n.start !== undefined && n.end !== undefined ? duration((n.end - n.start) * 1000) : '—')));
}
