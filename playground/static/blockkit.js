// Block Kit in the browser: reads the data-* attributes playground/blockkit.py writes and builds
// Slack's block_actions and view.state.values payloads. The payload builders take plain objects
// (tested with node --test); only describe(), collectState() and bind() touch the DOM.

// Where each element type reports its value, and how the list of chosen values becomes it.
const first = (values) => (values.length ? values[0] : null);
const all = (values) => values;
const unixSeconds = (values) => (values.length ? Math.floor(new Date(values[0]).getTime() / 1000) : null);

export const FIELDS = {
  plain_text_input: ['value', first],
  url_text_input: ['value', first],
  email_text_input: ['value', first],
  number_input: ['value', first],
  static_select: ['selected_option', first],
  external_select: ['selected_option', first],
  radio_buttons: ['selected_option', first],
  overflow: ['selected_option', first],
  multi_static_select: ['selected_options', all],
  multi_external_select: ['selected_options', all],
  checkboxes: ['selected_options', all],
  users_select: ['selected_user', first],
  multi_users_select: ['selected_users', all],
  conversations_select: ['selected_conversation', first],
  channels_select: ['selected_channel', first],
  datepicker: ['selected_date', first],
  timepicker: ['selected_time', first],
  datetimepicker: ['selected_date_time', unixSeconds],
};

// Buttons and overflow menus act but keep no state (Slack leaves them out of view.state).
const STATELESS = new Set(['button', 'overflow']);
// Typing in these fires nothing until Enter (Slack's default on_enter_pressed trigger).
const TYPED = new Set(['plain_text_input', 'url_text_input', 'email_text_input', 'number_input']);

/** One element's entry in view.state.values, e.g. {type: 'datepicker', selected_date: '2026-11-26'}. */
export function stateEntry(type, values) {
  const [field, shape] = FIELDS[type];
  return { type, [field]: shape(values) };
}

/** view.state.values from element descriptions ({type, action_id, block_id, values}). */
export function buildState(descriptions) {
  const state = {};
  for (const d of descriptions) {
    if (STATELESS.has(d.type) || !(d.type in FIELDS)) continue;
    state[d.block_id] ??= {};
    state[d.block_id][d.action_id] = stateEntry(d.type, d.values);
  }
  return state;
}

/** One entry of a block_actions payload's `actions`, in Slack's shape. */
export function blockAction(d, now = Date.now()) {
  const action = { type: d.type, action_id: d.action_id, block_id: d.block_id };
  if (d.type === 'button') {
    action.text = { type: 'plain_text', text: d.text, emoji: true };
    if (d.value != null) action.value = d.value;
    if (d.style) action.style = d.style;
    if (d.url) action.url = d.url;
  } else if (d.type in FIELDS) {
    const { type, ...entry } = stateEntry(d.type, d.values);
    Object.assign(action, entry);
  }
  action.action_ts = (now / 1000).toFixed(6);
  return action;
}

/** Whether an external_select should ask for options yet (Slack's default minimum is 3). */
export function shouldSuggest(query, minQueryLength = 3) {
  return query.length >= minQueryLength;
}

/** The options an onSuggest handler returned: a list, or Slack's {options} / {option_groups}. */
export function suggestedOptions(answer) {
  if (Array.isArray(answer)) return answer;
  if (answer?.options) return answer.options;
  return (answer?.option_groups ?? []).flatMap((group) => group.options ?? []);
}

/** 'YYYY-MM-DDTHH:mm' in the browser's zone, for a datetime-local input. */
export function localDateTime(seconds) {
  const at = new Date(seconds * 1000);
  const pad = (n) => String(n).padStart(2, '0');
  const date = `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
  return `${date}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
}

// -- DOM ---------------------------------------------------------------------------------------

const optionValue = (node) => (node.dataset.option ? JSON.parse(node.dataset.option) : node.value);

function chosenValues(el) {
  if (el.matches('select')) {
    return [...el.selectedOptions].filter((o) => !o.hasAttribute('data-placeholder')).map(optionValue);
  }
  if (el.matches('input, textarea')) return el.value === '' ? [] : [el.value];
  const select = el.querySelector('select');
  if (select) return chosenValues(select);
  return [...el.querySelectorAll('input:checked')].map(optionValue);
}

/** What blockAction and buildState need to know about one rendered element. */
export function describe(el) {
  const { type, actionId, text, value, style, url } = el.dataset;
  const block = el.closest('[data-block-id]');
  const d = { type, action_id: actionId, block_id: block ? block.dataset.blockId : null, values: [] };
  if (type === 'button') return { ...d, text: text ?? el.textContent, value, style, url };
  return { ...d, values: chosenValues(el) };
}

/** Slack's view.state.values for every stateful element inside root. */
export function collectState(root) {
  return buildState([...root.querySelectorAll('[data-action-id]')].map(describe));
}

function confirmDialog(doc, confirm) {
  const dialog = doc.createElement('dialog');
  dialog.className = 'bk-confirm';
  const form = doc.createElement('form');
  form.method = 'dialog';
  const title = doc.createElement('h2');
  title.className = 'bk-confirm-title';
  title.textContent = confirm.title;
  const text = doc.createElement('div');
  text.className = 'bk-confirm-text';
  text.innerHTML = confirm.text; // HTML that blockkit.py rendered and escaped
  const buttons = doc.createElement('div');
  buttons.className = 'bk-confirm-buttons';
  const choices = [
    ['deny', confirm.deny, 'default'],
    ['confirm', confirm.confirm, confirm.style ?? 'primary'],
  ];
  for (const [value, label, style] of choices) {
    const button = doc.createElement('button');
    button.value = value;
    button.className = `bk-button bk-button--${style}`;
    button.textContent = label;
    buttons.append(button);
  }
  form.append(title, text, buttons);
  dialog.append(form);
  return dialog;
}

/** Shows a button's confirm dialog; resolves true only when the confirm label is chosen. */
export function askConfirm(doc, confirm) {
  const dialog = confirmDialog(doc, confirm);
  doc.body.append(dialog);
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(dialog.returnValue === 'confirm');
    });
    dialog.showModal();
  });
}

function fillOptions(select, options) {
  for (const node of [...select.options]) {
    if (!node.selected && !node.hasAttribute('data-placeholder')) node.remove(); // keep what is chosen
  }
  const kept = new Set([...select.options].map((o) => o.value));
  for (const option of options) {
    if (kept.has(option.value)) continue;
    const node = select.ownerDocument.createElement('option');
    node.value = option.value;
    node.textContent = option.text?.text ?? option.value;
    node.dataset.option = JSON.stringify(option);
    select.append(node);
  }
}

/**
 * Wires the elements under root like Slack does: buttons always fire; selects, pickers and choices
 * fire on change when they sit in an actions block, a section accessory or a dispatch_action input
 * (data-dispatch); text inputs with data-dispatch fire on Enter. onAction(action, info) gets
 * Slack's action object and {element, block, view, message}; onSuggest({action_id, block_id, value})
 * returns a Promise of options for external selects.
 */
export function bind(root, { onAction, onSuggest }) {
  const doc = root.ownerDocument;
  for (const input of root.querySelectorAll('[data-type="datetimepicker"][data-initial-date-time]')) {
    input.value = localDateTime(Number(input.dataset.initialDateTime));
  }
  const elementOf = (event) => {
    const el = event.target.closest('[data-action-id]');
    return el && root.contains(el) ? el : null;
  };
  const dispatches = (el) => el.hasAttribute('data-dispatch');

  const fire = async (el) => {
    if (el.dataset.confirm && !(await askConfirm(doc, JSON.parse(el.dataset.confirm)))) return false;
    const info = {
      element: el,
      block: el.closest('[data-block-id]'),
      view: el.closest('.bk-view'),
      message: el.closest('.bk-message'),
    };
    onAction(blockAction(describe(el)), info);
    return true;
  };

  // A single text field would submit the form on Enter; the page owns submitting a view.
  root.addEventListener('submit', (event) => event.preventDefault());

  root.addEventListener('click', async (event) => {
    const el = elementOf(event);
    if (el?.dataset.type !== 'button') return;
    if (!el.dataset.confirm) {
      fire(el); // a url button also follows its link, as in Slack
      return;
    }
    event.preventDefault();
    if ((await fire(el)) && el.dataset.url) window.open(el.dataset.url, '_blank', 'noopener');
  });

  root.addEventListener('change', async (event) => {
    const el = elementOf(event);
    if (!el || !dispatches(el) || TYPED.has(el.dataset.type) || event.target.matches('.bk-external-query')) return;
    const fired = await fire(el);
    if (el.dataset.type !== 'overflow') return;
    const url = el.selectedOptions[0]?.dataset.url;
    if (fired && url) window.open(url, '_blank', 'noopener');
    el.selectedIndex = 0; // an overflow menu is a menu, not a choice
  });

  root.addEventListener('keydown', (event) => {
    const el = elementOf(event);
    if (event.key !== 'Enter' || event.isComposing || !el || !dispatches(el) || !TYPED.has(el.dataset.type)) return;
    if (el.matches('textarea') && !event.ctrlKey && !event.metaKey) return; // Enter is a newline there
    event.preventDefault();
    fire(el);
  });

  root.addEventListener('input', async (event) => {
    const el = elementOf(event);
    if (!el) return;
    if (TYPED.has(el.dataset.type)) {
      if (dispatches(el) && (el.dataset.triggers ?? '').includes('on_character_entered')) fire(el);
      return;
    }
    const query = event.target;
    if (!query.matches('.bk-external-query')) return;
    if (!shouldSuggest(query.value, Number(el.dataset.minQueryLength ?? 3))) return;
    const value = query.value;
    const answer = await onSuggest({ action_id: el.dataset.actionId, block_id: describe(el).block_id, value });
    if (query.value === value) fillOptions(el.querySelector('select'), suggestedOptions(answer)); // drop stale answers
  });
}
