// The sign-in page: root (account id and password) or an IAM user (account id or alias, user
// name, password, and an MFA code when the user has a device).
import { h } from './dom.js';
import { post } from './api.js';
import { errorText } from './ui.js';

export function signInView(session, onSignedIn) {
  let asUser = false;
  const error = h('p', { class: 'form-error', role: 'alert' });
  const account = h('input', { id: 'account', name: 'account', value: session.defaultAccountId ?? '', required: true, autocomplete: 'username', inputmode: 'text' });
  const user = h('input', { id: 'username', name: 'username', autocomplete: 'username' });
  const password = h('input', { id: 'password', name: 'password', type: 'password', required: true, autocomplete: 'current-password' });
  const mfa = h('input', { id: 'mfa', name: 'mfa', inputmode: 'numeric', pattern: '[0-9]{6}', autocomplete: 'one-time-code', placeholder: 'only when your user has an MFA device' });
  const userFields = h('div', { class: 'user-fields', hidden: true }, h('div', { class: 'field' }, h('label', { for: 'username' }, 'IAM user name'), user), h('div', { class: 'field' }, h('label', { for: 'mfa' }, 'MFA code'), mfa));
  const accountLabel = h('label', { for: 'account' }, 'Account ID');
  const tabs = ['Root user', 'IAM user'].map((label, i) =>
    h(
      'button',
      {
        type: 'button',
        role: 'tab',
        class: i === 0 ? 'tab active' : 'tab',
        'aria-selected': String(i === 0),
        onclick: () => {
          asUser = i === 1;
          tabs.forEach((t, j) => (t.classList.toggle('active', i === j), t.setAttribute('aria-selected', String(i === j))));
          userFields.hidden = !asUser;
          user.required = asUser;
          accountLabel.textContent = asUser ? 'Account ID or alias' : 'Account ID';
        },
      },
      label,
    ),
  );
  const submit = h('button', { type: 'submit', class: 'primary wide' }, 'Sign in');
  const form = h(
    'form',
    { class: 'signin-card', novalidate: false },
    h('div', { class: 'brand big' }, h('img', { src: '/console/assets/icon.svg', alt: '', width: 32, height: 32 }), 'opentrail'),
    h('h1', {}, 'Sign in to the console'),
    h('div', { class: 'tabs', role: 'tablist' }, tabs),
    h('div', { class: 'field' }, accountLabel, account),
    userFields,
    h('div', { class: 'field' }, h('label', { for: 'password' }, 'Password'), password),
    error,
    submit,
    h('p', { class: 'muted small' }, 'Every sign-in, good or bad, is recorded in Event history.'),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    submit.disabled = true;
    error.textContent = '';
    try {
      await post('/console/api/sign-in', { accountId: account.value, userName: asUser ? user.value : '', password: password.value, mfaCode: asUser ? mfa.value : '' });
      password.value = '';
      await onSignedIn();
    } catch (err) {
      if (err.code === 'MfaRequired') {
        error.textContent = err.message;
        mfa.focus();
        return;
      }
      error.textContent = err.status === 401 ? 'Your authentication information is incorrect. Please try again.' : errorText(err);
      password.value = '';
      password.focus();
    } finally {
      submit.disabled = false;
    }
  });
  setTimeout(() => (account.value ? password : account).focus());
  return h('div', { class: 'signin' }, form);
}
