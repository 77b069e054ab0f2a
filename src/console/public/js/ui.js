// Shared pieces of the console's pages: toasts, dialogs, forms and tables.
import { h, clear } from './dom.js';

export function toast(message, kind = 'info') {
  let box = document.querySelector('.toasts');
  if (!box) document.body.append((box = h('div', { class: 'toasts', role: 'status' })));
  const t = h('div', { class: `toast ${kind}` }, message);
  box.append(t);
  setTimeout(() => t.remove(), kind === 'error' ? 8000 : 4000);
}

export const errorText = (err) => (err.code && err.code !== err.message ? `${err.code}: ${err.message}` : err.message);

/**
 * A modal form. fields: [{ name, label, type?, value?, options?, required?, help?, pattern? }].
 * onSubmit(values) may throw: its error is shown in the dialog, which stays open.
 */
export function formDialog({ title, fields, submit = 'Save', danger = false, onSubmit, note }) {
  const error = h('p', { class: 'form-error', role: 'alert' });
  const inputs = fields.map((f) => field(f));
  const form = h(
    'form',
    { method: 'dialog', class: 'form' },
    h('h2', {}, title),
    note && h('p', { class: 'muted' }, note),
    inputs.map((i) => i.wrapper),
    error,
    h('div', { class: 'actions' }, h('button', { type: 'button', class: 'ghost', onclick: () => dialog.close() }, 'Cancel'), h('button', { type: 'submit', class: danger ? 'danger' : 'primary' }, submit)),
  );
  const dialog = h('dialog', { class: 'dialog' }, form);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const values = Object.fromEntries(inputs.map((i) => [i.name, i.read()]));
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    error.textContent = '';
    try {
      await onSubmit(values);
      dialog.close();
    } catch (err) {
      error.textContent = errorText(err);
    } finally {
      button.disabled = false;
    }
  });
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  return dialog;
}

function field(f) {
  const id = `f-${f.name}-${Math.random().toString(36).slice(2, 8)}`;
  let input;
  if (f.type === 'select') {
    input = h('select', { id, name: f.name }, f.options.map((o) => h('option', { value: o.value ?? o, selected: (o.value ?? o) === f.value }, o.label ?? o)));
  } else if (f.type === 'checkbox') {
    input = h('input', { id, name: f.name, type: 'checkbox', checked: f.value });
  } else {
    input = h('input', { id, name: f.name, type: f.type ?? 'text', value: f.value ?? '', required: f.required, pattern: f.pattern, placeholder: f.placeholder, autocomplete: 'off' });
  }
  const wrapper =
    f.type === 'checkbox'
      ? h('label', { class: 'check', for: id }, input, f.label)
      : h('div', { class: 'field' }, h('label', { for: id }, f.label), input, f.help && h('small', { class: 'muted' }, f.help));
  return { name: f.name, wrapper, read: () => (f.type === 'checkbox' ? input.checked : input.value.trim()) };
}

export function confirmDialog(title, message, action, onConfirm) {
  return formDialog({ title, fields: [], note: message, submit: action, danger: true, onSubmit: onConfirm });
}

/** A message shown once (a new PIN, a token), with a copy button. */
export function revealDialog(title, label, secret) {
  const dialog = h(
    'dialog',
    { class: 'dialog' },
    h(
      'div',
      { class: 'form' },
      h('h2', {}, title),
      h('p', { class: 'muted' }, 'Shown only now. Copy it before closing.'),
      h('div', { class: 'reveal' }, h('span', { class: 'muted' }, label), h('code', { class: 'secret' }, secret)),
      h('div', { class: 'actions' }, h('button', { class: 'ghost', onclick: () => navigator.clipboard?.writeText(secret).then(() => toast('Copied')) }, 'Copy'), h('button', { class: 'primary', onclick: () => dialog.close() }, 'Done')),
    ),
  );
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
}

/** A table. columns: [{ label, cell(row) -> node|string, class? }]. */
export function table(columns, rows, { onRowClick, empty = 'Nothing here yet.', rowClass } = {}) {
  if (rows.length === 0) return h('div', { class: 'empty' }, empty);
  return h(
    'table',
    { class: 'grid' },
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { class: c.class }, c.label)))),
    h(
      'tbody',
      {},
      rows.map((row, i) =>
        h(
          'tr',
          { tabindex: onRowClick ? 0 : undefined, class: rowClass?.(row), dataset: { index: String(i) }, onclick: onRowClick && (() => onRowClick(row, i)), onkeydown: onRowClick && ((e) => e.key === 'Enter' && onRowClick(row, i)) },
          columns.map((c) => h('td', { class: c.class }, c.cell(row))),
        ),
      ),
    ),
  );
}

export function pageHeader(title, subtitle, ...actions) {
  return h('header', { class: 'page-header' }, h('div', {}, h('h1', {}, title), subtitle && h('p', { class: 'muted' }, subtitle)), h('div', { class: 'actions' }, actions));
}

export function button(label, onclick, kind = 'ghost', attrs = {}) {
  return h('button', { class: kind, type: 'button', onclick, ...attrs }, label);
}

export function badge(text, kind = '') {
  return h('span', { class: `badge ${kind}` }, text);
}

/** Replaces `el`'s content with the result of an async render, showing errors in place. */
export async function load(el, render) {
  clear(el).append(h('div', { class: 'loading' }, 'Loading…'));
  try {
    clear(el).append(await render());
  } catch (err) {
    clear(el).append(h('div', { class: 'empty error' }, errorText(err)));
  }
}
