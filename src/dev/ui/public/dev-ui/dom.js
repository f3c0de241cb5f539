// Builds elements from data with textContent only: nothing received is ever parsed as HTML.

/**
 * h('a', { href: '/', class: 'x', onclick: fn, dataset: { id } }, 'text', child, [more])
 * Attributes with undefined/false values are left out; `true` sets an empty attribute.
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else if (child instanceof Node) el.append(child);
    else el.append(document.createTextNode(String(child)));
  }
}

/** Replaces the children of `el`. */
export function mount(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A small coloured label. */
export function badge(text, kind, title) {
  return h('span', { class: `badge ${kind ?? ''}`, title }, text);
}

/** A two-column table of [label, value] rows; values may be nodes. */
export function table(rows, caption) {
  return h('table', { class: 'kv' },
    caption ? h('caption', null, caption) : null,
    h('tbody', null, rows.map(([k, v, extra]) => h('tr', null, h('th', { scope: 'row' }, k), h('td', null, v), extra === undefined ? null : h('td', { class: 'extra' }, extra)))));
}
