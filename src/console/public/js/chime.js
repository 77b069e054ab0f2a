// Chime administration: accounts, and per account its users, domains, bots, rooms and settings.
// Every action is an audited Chime API call made as the signed-in user.
import { h, clear, formatTime } from './dom.js';
import { call } from './api.js';
import { table, formDialog, confirmDialog, revealDialog, pageHeader, button, badge, load, toast, errorText } from './ui.js';

const chime = (op, input) => call('chime', op, input);

/** Runs an action, then refreshes; errors become toasts. */
async function act(label, fn, refresh) {
  try {
    await fn();
    toast(label);
  } catch (err) {
    toast(errorText(err), 'error');
  }
  refresh?.();
}

export function accountsPage(ctx) {
  ctx.setCrumbs({ label: 'Chime accounts' });
  const body = h('div');
  const refresh = () =>
    load(body, async () => {
      const { Accounts = [] } = await chime('ListAccounts', { MaxResults: 200 });
      return table(
        [
          { label: 'Name', cell: (a) => h('a', { href: `#/chime/accounts/${encodeURIComponent(a.AccountId)}` }, a.Name) },
          { label: 'Account ID', cell: (a) => h('span', { class: 'mono' }, a.AccountId) },
          { label: 'Type', cell: (a) => a.AccountType ?? '' },
          { label: 'Status', cell: (a) => badge(a.AccountStatus ?? 'Active', a.AccountStatus === 'Suspended' ? 'warn' : 'ok') },
          { label: 'Created', cell: (a) => (a.CreatedTimestamp ? formatTime(a.CreatedTimestamp) : '') },
        ],
        Accounts,
        { onRowClick: (a) => (location.hash = `#/chime/accounts/${encodeURIComponent(a.AccountId)}`), empty: 'No Chime accounts yet. Create the first one.' },
      );
    });
  const create = () =>
    formDialog({
      title: 'Create a Chime account',
      fields: [{ name: 'Name', label: 'Account name', required: true }],
      submit: 'Create account',
      onSubmit: async ({ Name }) => {
        const { Account } = await chime('CreateAccount', { Name });
        toast(`Account ${Account.Name} created`);
        location.hash = `#/chime/accounts/${encodeURIComponent(Account.AccountId)}`;
      },
    });
  ctx.main.append(pageHeader('Chime accounts', 'Amazon Chime administration: every change here is recorded in Event history.', button('Create account', create, 'primary', { id: 'create-account' })), body);
  refresh();
}

const TABS = [
  ['users', 'Users'],
  ['domains', 'Domains'],
  ['bots', 'Bots'],
  ['rooms', 'Rooms'],
  ['settings', 'Settings'],
];

export async function accountPage(ctx, accountId, tab) {
  ctx.setCrumbs({ label: 'Chime accounts', href: '#/chime' }, { label: accountId });
  const head = h('div');
  const body = h('div', { class: 'tab-body' });
  const base = `#/chime/accounts/${encodeURIComponent(accountId)}`;
  ctx.main.append(head, h('nav', { class: 'tabs', role: 'tablist' }, TABS.map(([k, label]) => h('a', { href: `${base}/${k}`, role: 'tab', class: k === tab ? 'tab active' : 'tab', 'aria-selected': String(k === tab) }, label))), body);
  let account;
  try {
    account = (await chime('GetAccount', { AccountId: accountId })).Account;
  } catch (err) {
    clear(head).append(pageHeader('Chime account', accountId));
    clear(body).append(h('div', { class: 'empty error' }, errorText(err)));
    return;
  }
  ctx.setCrumbs({ label: 'Chime accounts', href: '#/chime' }, { label: account.Name });
  const rename = () =>
    formDialog({
      title: 'Rename account',
      fields: [{ name: 'Name', label: 'New name', value: account.Name, required: true }],
      onSubmit: async ({ Name }) => {
        await chime('UpdateAccount', { AccountId: accountId, Name });
        toast('Account renamed');
        location.reload();
      },
    });
  const remove = () =>
    confirmDialog('Delete account', `Delete ${account.Name}? Its users lose access.`, 'Delete account', async () => {
      await chime('DeleteAccount', { AccountId: accountId });
      toast('Account deleted');
      location.hash = '#/chime';
    });
  clear(head).append(
    pageHeader(account.Name, `${account.AccountType ?? ''} account ${account.AccountId}`, button('Rename', rename, 'ghost', { id: 'rename-account' }), button('Delete', remove, 'danger', { id: 'delete-account' })),
  );
  ({ users, domains, bots, rooms, settings })[tab]?.(body, accountId);
}

function users(body, AccountId) {
  const refresh = listTab(body, ['Invite users', () => invite(), 'invite-users'], async () => {
    const { Users = [] } = await chime('ListUsers', { AccountId, MaxResults: 200 });
    return table(
      [
        { label: 'Email', cell: (u) => u.PrimaryEmail ?? '' },
        { label: 'Name', cell: (u) => u.DisplayName ?? '' },
        { label: 'Type', cell: (u) => u.UserType ?? '' },
        { label: 'Status', cell: (u) => badge(u.UserRegistrationStatus ?? u.UserInvitationStatus ?? '', u.UserRegistrationStatus === 'Suspended' ? 'warn' : '') },
        { label: 'License', cell: (u) => u.LicenseType ?? '' },
        {
          label: '',
          class: 'row-actions',
          cell: (u) => {
            const UserId = u.UserId;
            const suspended = u.UserRegistrationStatus === 'Suspended';
            return [
              button(suspended ? 'Unsuspend' : 'Suspend', () => act(suspended ? 'User unsuspended' : 'User suspended', () => chime(suspended ? 'BatchUnsuspendUser' : 'BatchSuspendUser', { AccountId, UserIdList: [UserId] }).then(throwUserErrors), refresh), 'ghost small', { dataset: { action: 'suspend' } }),
              button(
                'Reset PIN',
                async () => {
                  try {
                    const { User } = await chime('ResetPersonalPIN', { AccountId, UserId });
                    revealDialog('New personal PIN', u.PrimaryEmail ?? UserId, User.PersonalPIN);
                  } catch (err) {
                    toast(errorText(err), 'error');
                  }
                },
                'ghost small',
                { dataset: { action: 'reset-pin' } },
              ),
              button('Log out', () => act('User logged out', () => chime('LogoutUser', { AccountId, UserId }), refresh), 'ghost small', { dataset: { action: 'logout' } }),
            ];
          },
        },
      ],
      Users,
      { empty: 'No users yet. Invite people by email.' },
    );
  });
  const invite = () =>
    formDialog({
      title: 'Invite users',
      fields: [
        { name: 'emails', label: 'Email addresses', required: true, help: 'Separate several with commas (at most 50).' },
        { name: 'UserType', label: 'User type', type: 'select', options: ['PrivateUser', 'SharedDevice'], value: 'PrivateUser' },
      ],
      submit: 'Send invitations',
      onSubmit: async ({ emails, UserType }) => {
        const { Invites = [] } = await chime('InviteUsers', { AccountId, UserEmailList: emails.split(',').map((e) => e.trim()).filter(Boolean), UserType });
        toast(`${Invites.length} invitation${Invites.length === 1 ? '' : 's'} sent`);
        refresh();
      },
    });
}

/** A tab: its main action above a list that `render` builds; returns the list's refresh. */
function listTab(body, [label, onClick, id], render) {
  const list = h('div');
  const refresh = () => load(list, render);
  clear(body).append(h('div', { class: 'toolbar' }, button(label, onClick, 'primary', { id })), list);
  refresh();
  return refresh;
}

function throwUserErrors(out) {
  const e = out.UserErrors?.[0];
  if (e) throw Object.assign(new Error(e.ErrorMessage), { code: e.ErrorCode });
}

function domains(body, AccountId) {
  const refresh = listTab(body, ['Add domain', () => add(), 'add-domain'], async () => {
    const { Domains = [] } = await chime('ListDomains', { AccountId });
    return table(
      [
        { label: 'Domain', cell: (d) => d.DomainName },
        { label: 'Status', cell: (d) => badge(d.Status, d.Status === 'Verified' ? 'ok' : 'warn') },
        { label: 'Verification TXT record', cell: (d) => (d.VerificationRecord ? h('span', { class: 'mono small' }, `${d.VerificationRecord.Name} TXT "${d.VerificationRecord.Value}"`) : '') },
        {
          label: '',
          class: 'row-actions',
          cell: (d) => [
            d.Status !== 'Verified' && button('Verify', () => act('Domain verified', () => chime('VerifyDomain', { AccountId, DomainName: d.DomainName }), refresh), 'ghost small', { dataset: { action: 'verify' } }),
            button('Delete', () => confirmDialog('Delete domain', `Release ${d.DomainName}?`, 'Delete', async () => (await chime('DeleteDomain', { AccountId, DomainName: d.DomainName }), refresh())), 'ghost small danger-text', { dataset: { action: 'delete' } }),
          ],
        },
      ],
      Domains,
      { empty: 'No domains claimed. Add one to verify it.' },
    );
  });
  const add = () =>
    formDialog({
      title: 'Add a domain',
      fields: [{ name: 'DomainName', label: 'Domain name', required: true, placeholder: 'example.com' }],
      submit: 'Add domain',
      onSubmit: async ({ DomainName }) => {
        await chime('AddDomain', { AccountId, DomainName });
        toast('Domain added: publish its TXT record, then verify');
        refresh();
      },
    });
}

function bots(body, AccountId) {
  const refresh = listTab(body, ['Create bot', () => create(), 'create-bot'], async () => {
    const { Bots = [] } = await chime('ListBots', { AccountId, MaxResults: 99 });
    return table(
      [
        { label: 'Name', cell: (b) => b.DisplayName ?? '' },
        { label: 'Email', cell: (b) => b.BotEmail ?? '' },
        { label: 'Status', cell: (b) => badge(b.Disabled ? 'Disabled' : 'Enabled', b.Disabled ? 'warn' : 'ok') },
        {
          label: '',
          class: 'row-actions',
          cell: (b) => button(b.Disabled ? 'Enable' : 'Disable', () => act(b.Disabled ? 'Bot enabled' : 'Bot disabled', () => chime('UpdateBot', { AccountId, BotId: b.BotId, Disabled: !b.Disabled }), refresh), 'ghost small'),
        },
      ],
      Bots,
      { empty: 'No bots. Bots need a verified domain.' },
    );
  });
  const create = () =>
    formDialog({
      title: 'Create a bot',
      fields: [
        { name: 'DisplayName', label: 'Display name', required: true },
        { name: 'Domain', label: 'Verified domain', required: true },
      ],
      submit: 'Create bot',
      onSubmit: async (v) => {
        await chime('CreateBot', { AccountId, ...v });
        refresh();
      },
    });
}

function rooms(body, AccountId) {
  const refresh = listTab(body, ['Create room', () => create(), 'create-room'], async () => {
    const { Rooms = [] } = await chime('ListRooms', { AccountId, MaxResults: 99 });
    return table(
      [
        { label: 'Name', cell: (r) => r.Name ?? '' },
        { label: 'Room ID', cell: (r) => h('span', { class: 'mono small' }, r.RoomId) },
        { label: 'Created', cell: (r) => (r.CreatedTimestamp ? formatTime(r.CreatedTimestamp) : '') },
        {
          label: '',
          class: 'row-actions',
          cell: (r) => [
            button('Rename', () => formDialog({ title: 'Rename room', fields: [{ name: 'Name', label: 'Name', value: r.Name, required: true }], onSubmit: async ({ Name }) => (await chime('UpdateRoom', { AccountId, RoomId: r.RoomId, Name }), refresh()) }), 'ghost small'),
            button('Delete', () => confirmDialog('Delete room', `Delete ${r.Name}?`, 'Delete', async () => (await chime('DeleteRoom', { AccountId, RoomId: r.RoomId }), refresh())), 'ghost small danger-text'),
          ],
        },
      ],
      Rooms,
      { empty: 'No rooms.' },
    );
  });
  const create = () => formDialog({ title: 'Create a room', fields: [{ name: 'Name', label: 'Room name', required: true }], submit: 'Create room', onSubmit: async ({ Name }) => (await chime('CreateRoom', { AccountId, Name }), refresh()) });
}

function settings(body, AccountId) {
  load(body, async () => {
    const { AccountSettings = {} } = await chime('GetAccountSettings', { AccountId });
    const remote = h('input', { type: 'checkbox', id: 'disable-remote', checked: AccountSettings.DisableRemoteControl });
    const dialOut = h('input', { type: 'checkbox', id: 'enable-dial-out', checked: AccountSettings.EnableDialOut });
    const save = button('Save settings', () => act('Settings saved', () => chime('UpdateAccountSettings', { AccountId, AccountSettings: { DisableRemoteControl: remote.checked, EnableDialOut: dialOut.checked } })), 'primary');
    return h('div', { class: 'card settings' }, h('label', { class: 'check', for: 'disable-remote' }, remote, 'Disable remote control of shared screens'), h('label', { class: 'check', for: 'enable-dial-out' }, dialOut, 'Enable dial-out from meetings'), h('div', { class: 'actions' }, save));
  });
}
