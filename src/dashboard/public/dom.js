// DOM building and number formatting. Everything shown is set as text (never parsed as HTML):
// hosts, paths and headers come from the public and are the attacker's to choose.

/**
 * An element with properties and children: `h('td', { className: 'num' }, '12 ms')`. Strings
 * become text nodes; `dataset` sets `data-*`; `on<event>` adds a listener.
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'dataset') {
      for (const [name, v] of Object.entries(value)) if (v !== undefined && v !== null) el.dataset[name] = String(v);
    }
    else if (key.startsWith('on')) el.addEventListener(key.slice(2).toLowerCase(), value);
    else if (key in el) el[key] = value;
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

/** Appends children (nodes or text; null and false are skipped). */
export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
}

/** Replaces an element's children. */
export function replaceChildren(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

/** Sets an element's text by id. */
export function setText(id, text) {
  const el = document.getElementById(id);
  if (el) el.textContent = text;
}

export const DASH = '—';

/** `0.42 ms`, `12.3 ms`, `431 ms`, `2.41 s`. */
export function ms(value) {
  if (value === null || value === undefined || Number.isNaN(value)) return DASH;
  if (value >= 10_000) return `${(value / 1000).toFixed(1)} s`;
  if (value >= 1000) return `${(value / 1000).toFixed(2)} s`;
  if (value >= 100) return `${Math.round(value)} ms`;
  if (value >= 10) return `${value.toFixed(1)} ms`;
  return `${value.toFixed(2)} ms`;
}

/** `512 B`, `40.2 kB`, `9.1 MB` (powers of 1000, as the units say). */
export function bytes(value) {
  if (value === null || value === undefined) return DASH;
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = value;
  let unit = 0;
  while (v >= 1000 && unit < units.length - 1) {
    v /= 1000;
    unit++;
  }
  return unit === 0 ? `${v} B` : `${v.toFixed(v >= 100 ? 0 : 1)} ${units[unit]}`;
}

/** A rate per second: `0`, `0.25`, `12.5`, `1,204`. */
export function rate(value) {
  if (value === null || value === undefined) return DASH;
  if (value === 0) return '0';
  if (value < 10) return value.toFixed(2);
  if (value < 100) return value.toFixed(1);
  return Math.round(value).toLocaleString('en');
}

/** A ratio as a percentage: `87.2 %`. */
export function percent(ratio) {
  if (ratio === null || ratio === undefined) return DASH;
  return `${(ratio * 100).toFixed(1)} %`;
}

/** A count with thousands separators. */
export function count(value) {
  return value === null || value === undefined ? DASH : value.toLocaleString('en');
}

/** `42s`, `5m 06s`, `3h 04m`, `2d 03h`. */
export function uptime(seconds) {
  if (seconds === null || seconds === undefined) return DASH;
  const s = Math.floor(seconds);
  const pad = (n) => String(n).padStart(2, '0');
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${pad(s % 60)}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ${pad(Math.floor(s / 60) % 60)}m`;
  return `${Math.floor(s / 86400)}d ${pad(Math.floor(s / 3600) % 24)}h`;
}

/** `14:02:11.512`, local time. */
export function clock(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return DASH;
  const pad = (n, w = 2) => String(n).padStart(w, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** The CSS class of a status: `s2xx` … `s5xx`, or `s0` when none was sent. */
export function statusClass(status) {
  return status >= 100 && status < 600 ? `s${Math.floor(status / 100)}xx` : 's0';
}
