// Events per minute as an SVG bar chart; the part of each bar that failed is drawn in the error
// colour. Built with createElementNS, styled by classes (no inline style under the CSP).
import { h } from './dom.js';

export function eventsChart({ buckets, truncated }) {
  const width = 720;
  const height = 96;
  const max = Math.max(1, ...buckets.map((b) => b.total));
  const bw = width / buckets.length;
  const totalEvents = buckets.reduce((n, b) => n + b.total, 0);
  const totalErrors = buckets.reduce((n, b) => n + b.errors, 0);
  const svg = h('svg:svg', { viewBox: `0 0 ${width} ${height}`, preserveAspectRatio: 'none', class: 'chart-svg', role: 'img', 'aria-label': `${plural(totalEvents, 'event')}, ${plural(totalErrors, 'error')}` });
  buckets.forEach((b, i) => {
    if (b.total === 0) return;
    const x = i * bw + 1;
    const hAll = (b.total / max) * (height - 4);
    const hErr = (b.errors / max) * (height - 4);
    const time = new Date(b.t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    const bar = h('svg:g', {}, h('svg:title', {}, `${time}: ${b.total} events, ${b.errors} errors`));
    bar.append(h('svg:rect', { class: 'bar', x, y: height - hAll, width: Math.max(1, bw - 2), height: hAll - hErr }));
    if (b.errors) bar.append(h('svg:rect', { class: 'bar-error', x, y: height - hErr, width: Math.max(1, bw - 2), height: hErr }));
    svg.append(bar);
  });
  const first = buckets[0] && new Date(buckets[0].t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  const last = buckets.length && new Date(buckets[buckets.length - 1].t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return h(
    'figure',
    { class: 'chart' },
    h('figcaption', {}, h('span', {}, 'Events per minute'), h('span', { class: 'legend' }, h('i', { class: 'dot ok' }), plural(totalEvents, 'event'), h('i', { class: 'dot err' }), plural(totalErrors, 'error'), truncated ? ' (newest 5,000 shown)' : '')),
    svg,
    h('div', { class: 'axis muted' }, h('span', {}, first), h('span', {}, last)),
  );
}

const plural = (n, word) => `${n.toLocaleString()} ${word}${n === 1 ? '' : 's'}`;
