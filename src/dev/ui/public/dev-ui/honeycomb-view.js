// The Honeycomb side: a waterfall of the spans as Honeycomb stores them (one event per span).
import { badge, h } from './dom.js';
import { duration, KINDS } from './format.js';
import { placeBars, rowKeys } from './rows.js';

export function honeycombPanel(spans, selectedId, onSelect) {
  const start = Math.min(...spans.map((s) => s.startMs));
  const end = Math.max(...spans.map((s) => s.endMs));
  const total = Math.max(end - start, 0.001);
  const datasets = [...new Set(spans.map((s) => s.honeycomb.dataset))];
  const body = spans.length === 0
    ? h('p', { class: 'muted empty-panel' }, 'No spans arrived over OTLP for this trace: Honeycomb export is off in the app, points elsewhere, or has not sent yet.')
    : h('ol', { class: 'rows', role: 'list', onkeydown: rowKeys },
      spans.map((s) => {
        const left = ((s.startMs - start) / total) * 100;
        const width = Math.max(((s.endMs - s.startMs) / total) * 100, 0.4);
        const error = s.statusCode === 2;
        return h('li', null, h('button', {
          type: 'button', class: `row${s.spanId === selectedId ? ' selected' : ''}${error ? ' is-error' : ''}`,
          dataset: { id: s.spanId }, 'aria-pressed': String(s.spanId === selectedId),
          onclick: () => onSelect(s.spanId),
        },
          h('span', { class: 'label', style: undefined },
            h('span', { class: 'indent', 'aria-hidden': 'true' }, '\u00a0\u00a0'.repeat(s.depth)),
            h('span', { class: 'name' }, s.name),
            h('span', { class: 'svc' }, s.service),
            badge(KINDS[s.kind] ?? '?', 'kind'),
            error ? badge('error', 'hc-error', 'status ERROR: error = true in Honeycomb') : null,
            s.inXRay ? null : badge('not in X-Ray', 'missing', 'No X-Ray document with this id arrived')),
          h('span', { class: 'bar-track', 'aria-hidden': 'true' }, h('span', { class: 'bar', 'data-left': left.toFixed(2), 'data-width': width.toFixed(2) })),
          h('span', { class: 'dur' }, duration(s.endMs - s.startMs))));
      }));
  const panel = h('section', { class: 'panel honeycomb', 'data-panel': 'honeycomb', 'aria-labelledby': 'hc-title' },
    h('h2', { id: 'hc-title' }, 'Honeycomb', h('span', { class: 'muted sub' }, datasets.length ? ` dataset ${datasets.join(', ')}` : '')),
    body);
  placeBars(panel);
  return panel;
}
