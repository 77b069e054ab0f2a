// Highlighted, indented JSON built from text nodes and spans (never parsed as HTML).
import { h } from './dom.js';

export function jsonView(value) {
  const pre = h('pre', { class: 'json' });
  write(pre, value, '');
  return pre;
}

function write(out, v, indent) {
  if (v === null) return out.append(h('span', { class: 'z' }, 'null'));
  if (typeof v === 'string') return out.append(h('span', { class: 's' }, JSON.stringify(v)));
  if (typeof v === 'number') return out.append(h('span', { class: 'n' }, String(v)));
  if (typeof v === 'boolean') return out.append(h('span', { class: 'b' }, String(v)));
  const isArray = Array.isArray(v);
  const entries = isArray ? v.map((x, i) => [i, x]) : Object.entries(v);
  if (entries.length === 0) return out.append(isArray ? '[]' : '{}');
  const inner = `${indent}  `;
  out.append(isArray ? '[\n' : '{\n');
  entries.forEach(([k, x], i) => {
    out.append(inner);
    if (!isArray) out.append(h('span', { class: 'k' }, JSON.stringify(k)), ': ');
    write(out, x, inner);
    out.append(i < entries.length - 1 ? ',\n' : '\n');
  });
  out.append(indent, isArray ? ']' : '}');
}
