// The console's entry point: session, sign-in, the shell (navigation, region, theme) and the
// hash router. Pages are modules that render into the main area.
import { h, clear, $ } from './dom.js';
import { get, post, setCsrf } from './api.js';
import { signInView } from './signin.js';
import { eventsPage } from './events.js';
import { trailsPage } from './trails.js';
import { accountsPage, accountPage } from './chime.js';
import { toast, errorText } from './ui.js';

const REGIONS = ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-northeast-1', 'ap-southeast-2'];
const root = document.getElementById('app');
export const state = { session: null, region: localStorage.getItem('ot-region') || 'us-east-1' };

function applyTheme() {
  const theme = localStorage.getItem('ot-theme');
  if (theme) document.documentElement.dataset.theme = theme;
  else delete document.documentElement.dataset.theme;
}

function toggleTheme() {
  const dark = document.documentElement.dataset.theme ? document.documentElement.dataset.theme === 'dark' : matchMedia('(prefers-color-scheme: dark)').matches;
  localStorage.setItem('ot-theme', dark ? 'light' : 'dark');
  applyTheme();
}

async function boot() {
  applyTheme();
  const session = await get('/console/api/session');
  setCsrf(session.csrf);
  if (!session.signedIn) {
    clear(root).append(signInView(session, boot));
    return;
  }
  state.session = session;
  renderShell();
  route();
}

const NAV = [
  { hash: '#/events', label: 'Event history', key: 'e' },
  { hash: '#/trails', label: 'Trails', key: 't' },
  { hash: '#/chime', label: 'Chime accounts', key: 'c' },
];

function renderShell() {
  const s = state.session;
  const regionSelect = h(
    'select',
    {
      'aria-label': 'Region',
      title: 'Region of Event history and trails',
      onchange: (e) => {
        state.region = e.target.value;
        localStorage.setItem('ot-region', state.region);
        route();
      },
    },
    REGIONS.map((r) => h('option', { value: r, selected: r === state.region }, r)),
  );
  clear(root).append(
    h(
      'div',
      { class: 'shell' },
      h(
        'nav',
        { class: 'sidebar', 'aria-label': 'Main' },
        h('a', { class: 'brand', href: '#/events' }, h('img', { src: '/console/assets/icon.svg', alt: '', width: 22, height: 22 }), 'opentrail'),
        h('ul', {}, NAV.map((n) => h('li', {}, h('a', { href: n.hash, dataset: { nav: n.hash } }, n.label, h('kbd', {}, `g ${n.key}`))))),
        h('div', { class: 'sidebar-foot muted' }, 'Press ? for shortcuts'),
      ),
      h(
        'div',
        { class: 'content' },
        h(
          'header',
          { class: 'topbar' },
          h('div', { class: 'crumbs', id: 'crumbs' }),
          h(
            'div',
            { class: 'topbar-actions' },
            regionSelect,
            h('button', { class: 'ghost icon', type: 'button', title: 'Light or dark theme', 'aria-label': 'Toggle theme', onclick: toggleTheme }, '◐'),
            h('span', { class: 'who', title: `Account ${s.accountId}` }, h('strong', {}, s.userName), ' @ ', s.accountId),
            h('button', { class: 'ghost', type: 'button', id: 'sign-out', onclick: signOut }, 'Sign out'),
          ),
        ),
        h('main', { id: 'main', tabindex: -1 }),
      ),
    ),
  );
}

async function signOut() {
  try {
    await post('/console/api/sign-out');
  } catch (err) {
    toast(errorText(err), 'error');
  }
  state.session = null;
  location.hash = '';
  boot();
}

let cleanup = null;
function route() {
  if (!state.session) return;
  const main = $('#main');
  if (!main) return;
  cleanup?.();
  cleanup = null;
  const hash = location.hash || '#/events';
  for (const a of document.querySelectorAll('[data-nav]')) a.classList.toggle('active', hash.startsWith(a.dataset.nav));
  const parts = hash.slice(2).split('/').map(decodeURIComponent);
  clear(main);
  const crumbs = $('#crumbs');
  const setCrumbs = (...items) => clear(crumbs).append(...items.map((c, i) => (c.href && i < items.length - 1 ? h('a', { href: c.href }, c.label) : h('span', {}, c.label))).flatMap((n, i) => (i ? [h('span', { class: 'sep' }, '/'), n] : [n])));
  const ctx = { main, region: state.region, session: state.session, setCrumbs, onCleanup: (fn) => (cleanup = fn) };
  if (parts[0] === 'trails') trailsPage(ctx);
  else if (parts[0] === 'chime' && parts[1] === 'accounts' && parts[2]) accountPage(ctx, parts[2], parts[3] || 'users');
  else if (parts[0] === 'chime') accountsPage(ctx);
  else eventsPage(ctx);
}

function showShortcuts() {
  const rows = [
    ['/', 'Search or filter'],
    ['j / k', 'Next / previous row'],
    ['Enter', 'Open the selected row'],
    ['Esc', 'Close the panel or dialog'],
    ['g e / g t / g c', 'Event history / Trails / Chime accounts'],
    ['?', 'This help'],
  ];
  const dialog = h('dialog', { class: 'dialog' }, h('div', { class: 'form' }, h('h2', {}, 'Keyboard shortcuts'), h('dl', { class: 'shortcuts' }, rows.map(([k, d]) => [h('dt', {}, h('kbd', {}, k)), h('dd', {}, d)])), h('div', { class: 'actions' }, h('button', { class: 'primary', onclick: () => dialog.close() }, 'Close'))));
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
}

let pendingG = 0;
document.addEventListener('keydown', (e) => {
  const typing = e.target.closest?.('input, select, textarea, [contenteditable]') || document.querySelector('dialog[open]');
  if (typing || e.metaKey || e.ctrlKey || e.altKey || !state.session) return;
  if (e.key === '?') return showShortcuts();
  if (e.key === '/') {
    const search = document.querySelector('[data-shortcut=search]');
    if (search) {
      e.preventDefault();
      search.focus();
    }
    return;
  }
  if (e.key === 'g') {
    pendingG = Date.now();
    return;
  }
  if (Date.now() - pendingG < 1000) {
    const nav = NAV.find((n) => n.key === e.key);
    pendingG = 0;
    if (nav) location.hash = nav.hash;
  }
});

window.addEventListener('hashchange', route);
window.addEventListener('signed-out', () => {
  if (state.session) {
    state.session = null;
    toast('Your session ended. Sign in again.', 'error');
    boot();
  }
});
boot().catch((err) => clear(root).append(h('div', { class: 'empty error' }, `The console could not start: ${errorText(err)}`)));
