// blockkit.js's payload builders, which take plain objects: run by test_blockkit.py via node --test.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  FIELDS,
  blockAction,
  buildState,
  localDateTime,
  shouldSuggest,
  stateEntry,
  suggestedOptions,
} from '../../playground/static/blockkit.js';

const cat = { text: { type: 'plain_text', text: 'ねこ', emoji: true }, value: 'cat' };
const dog = { text: { type: 'plain_text', text: 'いぬ' }, value: 'dog' };

test('state entries use Slack field names per element type', () => {
  const cases = [
    ['plain_text_input', ['本文'], { value: '本文' }],
    ['plain_text_input', [], { value: null }],
    ['url_text_input', ['https://a.jp'], { value: 'https://a.jp' }],
    ['email_text_input', [], { value: null }],
    ['number_input', ['1.5'], { value: '1.5' }],
    ['static_select', [cat], { selected_option: cat }],
    ['static_select', [], { selected_option: null }],
    ['external_select', [dog], { selected_option: dog }],
    ['radio_buttons', [cat], { selected_option: cat }],
    ['multi_static_select', [cat, dog], { selected_options: [cat, dog] }],
    ['checkboxes', [], { selected_options: [] }],
    ['users_select', ['U1'], { selected_user: 'U1' }],
    ['multi_users_select', ['U1', 'U2'], { selected_users: ['U1', 'U2'] }],
    ['conversations_select', ['C1'], { selected_conversation: 'C1' }],
    ['channels_select', [], { selected_channel: null }],
    ['datepicker', ['2026-11-26'], { selected_date: '2026-11-26' }],
    ['datepicker', [], { selected_date: null }],
    ['timepicker', ['09:30'], { selected_time: '09:30' }],
    ['datetimepicker', [], { selected_date_time: null }],
  ];
  for (const [type, values, expected] of cases) {
    assert.deepEqual(stateEntry(type, values), { type, ...expected }, type);
  }
});

test('datetimepicker reads the local wall time as unix seconds', () => {
  const at = new Date(2026, 10, 26, 9, 30); // local time, as a datetime-local input means it
  assert.deepEqual(stateEntry('datetimepicker', ['2026-11-26T09:30']), {
    type: 'datetimepicker',
    selected_date_time: at.getTime() / 1000,
  });
  assert.equal(localDateTime(at.getTime() / 1000), '2026-11-26T09:30');
});

test('view.state.values nests by block then action and leaves out buttons and overflows', () => {
  const state = buildState([
    { type: 'plain_text_input', action_id: 'report.summary', block_id: 'report.summary', values: ['要約'] },
    { type: 'static_select', action_id: 'report.kind', block_id: 'report.kind', values: [cat] },
    { type: 'checkboxes', action_id: 'a', block_id: 'many', values: [] },
    { type: 'datepicker', action_id: 'b', block_id: 'many', values: ['2026-01-02'] },
    { type: 'button', action_id: 'x', block_id: 'actions', values: [] },
    { type: 'overflow', action_id: 'y', block_id: 'actions', values: [cat] },
    { type: 'workflow_button', action_id: 'z', block_id: 'actions', values: [] },
  ]);
  assert.deepEqual(state, {
    'report.summary': { 'report.summary': { type: 'plain_text_input', value: '要約' } },
    'report.kind': { 'report.kind': { type: 'static_select', selected_option: cat } },
    many: {
      a: { type: 'checkboxes', selected_options: [] },
      b: { type: 'datepicker', selected_date: '2026-01-02' },
    },
  });
});

test('a button action has text, value, style and action_ts like Slack', () => {
  const action = blockAction(
    { type: 'button', action_id: 'report.ack', block_id: 'actions', text: '受領', value: '{"v":1}', style: 'primary', values: [] },
    1764117000123,
  );
  assert.deepEqual(action, {
    type: 'button',
    action_id: 'report.ack',
    block_id: 'actions',
    text: { type: 'plain_text', text: '受領', emoji: true },
    value: '{"v":1}',
    style: 'primary',
    action_ts: '1764117000.123000',
  });
});

test('a button without value or style leaves them out', () => {
  const action = blockAction({ type: 'button', action_id: 'a', block_id: 'b', text: 'OK', values: [] }, 0);
  assert.deepEqual(Object.keys(action), ['type', 'action_id', 'block_id', 'text', 'action_ts']);
});

test('select, overflow, checkbox and picker actions carry their selection', () => {
  const base = { action_id: 'a', block_id: 'b' };
  const cases = [
    ['static_select', [cat], { selected_option: cat }],
    ['overflow', [dog], { selected_option: dog }],
    ['checkboxes', [cat, dog], { selected_options: [cat, dog] }],
    ['users_select', ['U1'], { selected_user: 'U1' }],
    ['datepicker', ['2026-11-26'], { selected_date: '2026-11-26' }],
  ];
  for (const [type, values, expected] of cases) {
    assert.deepEqual(blockAction({ ...base, type, values }, 0), { type, ...base, ...expected, action_ts: '0.000000' });
  }
});

test('every element type has a state field', () => {
  assert.equal(Object.keys(FIELDS).length, 18);
  for (const [field] of Object.values(FIELDS)) assert.match(field, /^(value|selected_\w+)$/);
});

test('external selects ask only from min_query_length on', () => {
  assert.equal(shouldSuggest('総務', 3), false);
  assert.equal(shouldSuggest('総務課', 3), true);
  assert.equal(shouldSuggest('', 0), true);
  assert.equal(shouldSuggest('ab'), false);
});

test('suggestions may come as a list, {options} or {option_groups}', () => {
  assert.deepEqual(suggestedOptions([cat]), [cat]);
  assert.deepEqual(suggestedOptions({ options: [dog] }), [dog]);
  assert.deepEqual(suggestedOptions({ option_groups: [{ options: [cat] }, { options: [dog] }] }), [cat, dog]);
  assert.deepEqual(suggestedOptions(undefined), []);
});
