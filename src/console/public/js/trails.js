// Trails: list with status, create, edit, start and stop logging, delete — all CloudTrail API
// calls made as the signed-in user, in the console's region.
import { h, formatTime } from './dom.js';
import { call } from './api.js';
import { table, formDialog, confirmDialog, pageHeader, button, badge, load, toast, errorText } from './ui.js';

const SELECTORS = [
  ['All', 'All management events'],
  ['WriteOnly', 'Write-only management events'],
  ['ReadOnly', 'Read-only management events'],
  ['None', 'No management events'],
];

export function trailsPage(ctx) {
  ctx.setCrumbs({ label: 'Trails' });
  const ct = (op, input) => call('cloudtrail', op, input, ctx.region);
  const body = h('div');
  const refresh = () =>
    load(body, async () => {
      const { trailList = [] } = await ct('DescribeTrails', {});
      const statuses = await Promise.all(trailList.map((t) => ct('GetTrailStatus', { Name: t.TrailARN ?? t.Name }).catch((err) => ({ error: errorText(err) }))));
      const rows = trailList.map((t, i) => ({ ...t, status: statuses[i] }));
      return table(
        [
          { label: 'Name', cell: (t) => h('strong', {}, t.Name) },
          { label: 'Logging', cell: (t) => (t.status.error ? badge('Unknown', 'warn') : badge(t.status.IsLogging ? 'Logging' : 'Stopped', t.status.IsLogging ? 'ok' : 'warn')) },
          { label: 'Bucket', cell: (t) => [t.S3BucketName, t.S3KeyPrefix ? `/${t.S3KeyPrefix}` : ''].join('') },
          { label: 'Regions', cell: (t) => (t.IsMultiRegionTrail ? 'All regions' : t.HomeRegion) },
          { label: 'Last delivery', cell: (t) => (t.status.LatestDeliveryTime ? formatTime(tsOf(t.status.LatestDeliveryTime)) : '—') },
          { label: 'Last error', cell: (t) => (t.status.LatestDeliveryError ? badge(t.status.LatestDeliveryError, 'error') : t.status.error ? badge(t.status.error, 'error') : '—') },
          { label: 'Digests', cell: (t) => (t.LogFileValidationEnabled ? (t.status.LatestDigestDeliveryTime ? `Last ${formatTime(tsOf(t.status.LatestDigestDeliveryTime))}` : 'Enabled') : 'Off') },
          {
            label: '',
            class: 'row-actions',
            cell: (t) => [
              button(t.status.IsLogging ? 'Stop logging' : 'Start logging', () => run(t.status.IsLogging ? 'StopLogging' : 'StartLogging', { Name: t.TrailARN ?? t.Name }, t.status.IsLogging ? 'Logging stopped' : 'Logging started'), 'ghost small', { dataset: { action: 'toggle-logging' } }),
              button('Edit', () => edit(t), 'ghost small', { dataset: { action: 'edit' } }),
              button('Delete', () => confirmDialog('Delete trail', `Delete ${t.Name}? Delivered log files stay in the bucket.`, 'Delete trail', async () => (await ct('DeleteTrail', { Name: t.TrailARN ?? t.Name }), refresh())), 'ghost small danger-text', { dataset: { action: 'delete' } }),
            ],
          },
        ],
        rows,
        { empty: `No trails in ${ctx.region}. A trail delivers every event to a bucket as signed log files.` },
      );
    });

  async function run(op, input, done) {
    try {
      await ct(op, input);
      toast(done);
    } catch (err) {
      toast(errorText(err), 'error');
    }
    refresh();
  }

  const fields = (t = {}, selector = 'All') => [
    ...(t.Name ? [] : [{ name: 'Name', label: 'Trail name', required: true, help: '3–128 letters, digits, periods, underscores and dashes.' }]),
    { name: 'S3BucketName', label: 'S3 bucket', value: t.S3BucketName, required: true, help: 'The bucket that receives the log files.' },
    { name: 'S3KeyPrefix', label: 'Key prefix (optional)', value: t.S3KeyPrefix },
    { name: 'SnsTopicName', label: 'SNS topic (optional)', value: t.SnsTopicARN ?? t.SnsTopicName },
    { name: 'selector', label: 'Management events', type: 'select', options: SELECTORS.map(([value, label]) => ({ value, label })), value: selector },
    { name: 'IsMultiRegionTrail', label: 'Apply to all regions', type: 'checkbox', value: t.Name ? t.IsMultiRegionTrail : true },
    { name: 'EnableLogFileValidation', label: 'Log file validation (signed digest files)', type: 'checkbox', value: t.Name ? t.LogFileValidationEnabled : true },
  ];
  const settings = (v) => ({
    S3BucketName: v.S3BucketName,
    ...(v.S3KeyPrefix ? { S3KeyPrefix: v.S3KeyPrefix } : {}),
    ...(v.SnsTopicName ? { SnsTopicName: v.SnsTopicName } : {}),
    IsMultiRegionTrail: v.IsMultiRegionTrail,
    IncludeGlobalServiceEvents: true,
    EnableLogFileValidation: v.EnableLogFileValidation,
  });
  const selectors = (name, selector) =>
    ct('PutEventSelectors', {
      TrailName: name,
      EventSelectors: selector === 'None' ? [{ ReadWriteType: 'All', IncludeManagementEvents: false, DataResources: [] }] : [{ ReadWriteType: selector, IncludeManagementEvents: true, DataResources: [] }],
    });

  const create = () =>
    formDialog({
      title: 'Create trail',
      fields: fields(),
      submit: 'Create trail',
      onSubmit: async (v) => {
        const trail = await ct('CreateTrail', { Name: v.Name, ...settings(v) });
        if (v.selector !== 'All') await selectors(trail.TrailARN ?? v.Name, v.selector);
        await ct('StartLogging', { Name: trail.TrailARN ?? v.Name });
        toast(`Trail ${v.Name} created and logging`);
        refresh();
      },
    });
  const edit = async (t) => {
    let selector = 'All';
    try {
      const { EventSelectors = [] } = await ct('GetEventSelectors', { TrailName: t.TrailARN ?? t.Name });
      const management = EventSelectors.find((e) => e.IncludeManagementEvents !== false);
      selector = management ? (management.ReadWriteType ?? 'All') : EventSelectors.length ? 'None' : 'All';
    } catch (err) {
      toast(errorText(err), 'error');
    }
    formDialog({
      title: `Edit ${t.Name}`,
      fields: fields(t, selector),
      onSubmit: async (v) => {
        await ct('UpdateTrail', { Name: t.TrailARN ?? t.Name, ...settings(v) });
        await selectors(t.TrailARN ?? t.Name, v.selector);
        toast('Trail updated');
        refresh();
      },
    });
  };

  ctx.main.append(pageHeader('Trails', `Trails of ${ctx.region}: each delivers events to a bucket as log files, with signed digests.`, button('Refresh', () => refresh()), button('Create trail', create, 'primary', { id: 'create-trail' })), body);
  refresh();
}

/** awsJson timestamps arrive as epoch seconds. */
const tsOf = (v) => (typeof v === 'number' ? new Date(v * 1000).toISOString() : v);
