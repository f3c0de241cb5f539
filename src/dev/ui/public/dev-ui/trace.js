// One trace: the Honeycomb waterfall and the X-Ray segment tree side by side, linked by id, and the selected
// span/(sub)segment in detail below. The selection is in the URL (?span=<id>), so a reload keeps it.
import { getJson } from './api.js';
import { badge, h, mount } from './dom.js';
import { duration, plural } from './format.js';
import { renderDetail } from './detail.js';
import { honeycombPanel } from './honeycomb-view.js';
import { xrayPanel, flattenNodes } from './xray-view.js';

export function renderTrace(main, traceId, navigate) {
  let view = null;
  const selected = () => new URLSearchParams(location.search).get('span');

  const select = (id, { focusPanel } = {}) => {
    const url = new URL(location.href);
    url.searchParams.set('span', id);
    history.replaceState(null, '', url);
    draw(focusPanel);
  };

  const draw = (focusPanel) => {
    const focused = document.activeElement?.dataset?.id;
    const focusedPanel = document.activeElement?.closest?.('[data-panel]')?.dataset.panel;
    const nodes = flattenNodes(view.xray.roots);
    let id = selected();
    if (!id || (!view.spans.some((s) => s.spanId === id) && !nodes.some((n) => n.id === id))) {
      id = view.spans[0]?.spanId ?? nodes[0]?.id ?? null;
    }
    const s = view.summary;
    mount(main,
      h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, h('a', { href: '/', 'data-nav': true }, '← All traces'), h('span', { class: 'muted keys' }, 'Esc: back · ↑↓: move · Enter: select')),
      h('header', { class: 'trace-head' },
        h('h1', null, s.rootName),
        h('p', { class: 'meta' },
          h('span', null, s.service), h('span', null, duration(s.durationMs)),
          h('span', null, `${plural(s.spans, 'span')} (Honeycomb)`), h('span', null, `${plural(s.segments, '(sub)segment')} (X-Ray)`),
          s.error ? badge('error', 'hc-error') : null, s.xray.fault ? badge('fault', 'x-fault') : null,
          s.xray.error ? badge('X-Ray error', 'x-error') : null, s.xray.throttle ? badge('throttle', 'x-throttle') : null),
        h('p', { class: 'ids' }, h('span', null, 'W3C ', h('code', null, s.traceId)), h('span', null, 'X-Ray ', h('code', null, s.xrayTraceId)))),
      notes(view),
      h('div', { class: 'views' },
        honeycombPanel(view.spans, id, (spanId) => select(spanId)),
        xrayPanel(view.xray, id, (nodeId) => select(nodeId))),
      renderDetail(view, id));
    const again = focusPanel ?? focusedPanel;
    if (focused && again) main.querySelector(`[data-panel="${again}"] [data-id="${focused}"]`)?.focus();
  };

  const refresh = async () => {
    try {
      view = await getJson(`/api/traces/${traceId}`);
    } catch (error) {
      mount(main,
        h('nav', { class: 'crumbs' }, h('a', { href: '/', 'data-nav': true }, '← All traces')),
        h('h1', null, 'Trace not available'),
        h('p', { class: 'notice error', role: 'alert' }, error.message),
        h('p', null, h('code', null, traceId)));
      return;
    }
    draw();
  };
  refresh();
  void navigate;
  return refresh;
}

function notes(view) {
  const items = [
    ...view.gaps.map((g) => h('li', { class: `gap ${g.kind}` }, g.message)),
    ...view.xray.problems.map((p) => h('li', { class: `problem ${p.severity}` }, p.message)),
  ];
  if (items.length === 0) return h('p', { class: 'notice ok' }, 'Both backends received every span, and every X-Ray document follows the rules.');
  return h('section', { class: 'notes', 'aria-label': 'Differences and problems' }, h('ul', null, items));
}
