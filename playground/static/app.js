// The playground page: be someone from app.yaml, see what they see, act as them.
// Every act goes to the page's JSON API, which sends the bot the signed request Slack would.
// Text from the bot arrives as HTML already escaped by the renderer; everything else goes in as textContent.
import { bind, collectState } from './blockkit.js';

const $ = (selector) => document.querySelector(selector);
const page = {
  setup: null, user: null, channel: null, home: false, shown: {}, refreshing: null, again: false, dismissed: new Set(),
};
const text = (key) => page.setup.strings[key] ?? key;
const dmOf = (user) => `D${user.slice(1)}`;

async function api(path, body) {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ user: page.user, ...body }),
  });
  const answer = await response.json();
  if (!response.ok) {
    showError(answer.error);
    throw new Error(answer.error);
  }
  if (answer.status !== undefined) showAnswer(answer);
  return answer;
}

function showError(message) {
  const box = $('#error');
  box.textContent = `${text('error')}: ${message}`;
  box.hidden = false;
  setTimeout(() => { box.hidden = true; }, 6000);
}

function showAnswer({ status, body }) {
  $('#answer-body').textContent = `HTTP ${status}\n${body}`;
  if (status !== 200) showError(`HTTP ${status}`);
}

// ----- set-up

async function start() {
  page.setup = await (await fetch('/api/setup')).json();
  document.title = text('title');
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = text(el.dataset.i18n);
  $('#composer-text').placeholder = text('composer');
  fillPeople();
  fillCommands();
  $('#travel-at').value = defaultTravelTime();
  $('#who').addEventListener('change', () => choose($('#who').value));
  $('#composer').addEventListener('submit', send);
  $('#home-button').addEventListener('click', openHome);
  $('#travel').addEventListener('submit', travel);
  $('#travel-close').addEventListener('click', () => { $('#travel-result').hidden = true; });
  $('#metrics').addEventListener('toggle', drawMetrics);
  document.addEventListener('click', (event) => { if (!event.target.closest('.menu, .msg-menu')) $('#menu').hidden = true; });
  choose(localStorage.getItem('playground.user') ?? page.setup.people[0].id);
  new EventSource('/api/events').onmessage = () => refresh();
}

function fillPeople() {
  for (const person of page.setup.people) {
    const option = document.createElement('option');
    option.value = person.id;
    option.textContent = `${person.name}（${person.roles.join('・')}）`;
    $('#who').append(option);
  }
}

function fillCommands() {
  for (const { command, description, usage_hint: hint } of page.setup.commands) {
    const item = document.createElement('li');
    item.textContent = `${command} ${hint}`.trim();
    item.title = description;
    $('#commands').append(item);
    const option = document.createElement('option');
    option.value = `${command} `;
    option.label = description;
    $('#command-list').append(option);
  }
}

function defaultTravelTime() {
  // An hour from now, in the organisation's zone: a typical escalation is due by then.
  const parts = new Intl.DateTimeFormat('sv-SE', {
    timeZone: page.setup.timezone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
  }).format(new Date(Date.now() + 3600 * 1000));
  return parts.replace(' ', 'T');
}

function choose(user) {
  const known = page.setup.people.some((p) => p.id === user);
  page.user = known ? user : page.setup.people[0].id;
  localStorage.setItem('playground.user', page.user);
  $('#who').value = page.user;
  page.channel = dmOf(page.user);
  page.home = false;
  page.shown = {};
  refresh();
}

// ----- refreshing what this person sees

async function refresh() {
  if (page.refreshing) {
    page.again = true; // one more pass after this one: the change may have come mid-request
    return;
  }
  page.refreshing = true;
  try {
    do {
      page.again = false;
      const query = new URLSearchParams({ user: page.user, channel: page.channel });
      const state = await (await fetch(`/api/state?${query}`)).json();
      draw(state);
      drawMetrics();
    } while (page.again);
  } finally {
    page.refreshing = null;
  }
}

function draw(state) {
  drawConversations(state.conversations);
  $('#home').hidden = !page.home;
  $('#messages').hidden = page.home;
  $('#composer').hidden = page.home;
  $('#home-button').setAttribute('aria-current', String(page.home));
  if (page.home) drawHome(state.home);
  else changed('messages', JSON.stringify(state.messages)) && drawMessages(state.messages);
  drawModal(state.modal);
  drawRefusals(state.refusals);
  document.body.dataset.version = state.version;
}

// The bot's /metrics in a few lines, read only while the panel is open.
async function drawMetrics() {
  if (!$('#metrics').open) return;
  const response = await fetch('/api/metrics');
  if (!response.ok) return; // the bot is restarting: the next change redraws it
  const rows = (await response.json()).rows.flatMap(({ label, value }) => {
    const term = document.createElement('dt');
    const detail = document.createElement('dd');
    term.textContent = label;
    detail.textContent = value;
    return [term, detail];
  });
  $('#metrics-rows').replaceChildren(...rows);
}

// A call Slack would refuse: its client shows nothing (the bot only logs it), the page shows why, here.
function drawRefusals(refusals) {
  const shown = refusals.filter((r) => !page.dismissed.has(r.seq));
  if (!changed('refusals', JSON.stringify(shown))) return;
  const box = $('#refusals');
  box.replaceChildren(...shown.map(refusalNotice));
  box.hidden = !shown.length;
}

function refusalNotice(refused) {
  const notice = document.createElement('div');
  notice.className = `refused refused-${refused.where}`;
  notice.dataset.seq = refused.seq;
  const title = document.createElement('strong');
  title.textContent = text('refused').replace('{method}', refused.method).replace('{error}', refused.error);
  const hint = document.createElement('p');
  hint.textContent = text('refused_hint');
  const list = document.createElement('ul');
  list.replaceChildren(...refused.messages.map((message) => {
    const item = document.createElement('li');
    item.textContent = message;
    return item;
  }));
  const close = document.createElement('button');
  close.type = 'button';
  close.textContent = text('close');
  close.addEventListener('click', () => {
    page.dismissed.add(refused.seq);
    notice.remove();
    $('#refusals').hidden = !$('#refusals').children.length;
  });
  notice.append(close, title, hint, list);
  return notice;
}

function changed(region, key) {
  if (page.shown[region] === key) return false;
  page.shown[region] = key;
  return true;
}

function drawConversations(conversations) {
  const current = conversations.find((c) => c.id === page.channel);
  $('#place').textContent = page.home ? text('home') : current ? (current.dm ? current.name : `# ${current.name}`) : '';
  if (!changed('conversations', JSON.stringify([conversations, page.channel, page.home]))) return;
  for (const [list, dm] of [[$('#channels'), false], [$('#dms'), true]]) {
    list.replaceChildren(...conversations.filter((c) => c.dm === dm).map(conversationButton));
  }
}

function conversationButton(conversation) {
  const item = document.createElement('li');
  const button = document.createElement('button');
  button.type = 'button';
  button.dataset.channel = conversation.id;
  button.textContent = conversation.dm ? conversation.name : `# ${conversation.name}`;
  button.setAttribute('aria-current', String(!page.home && conversation.id === page.channel));
  button.addEventListener('click', () => {
    page.channel = conversation.id;
    page.home = false;
    page.shown = {};
    refresh();
  });
  item.append(button);
  return item;
}

function drawMessages(messages) {
  const box = $('#messages');
  if (!messages.length) {
    const empty = document.createElement('p');
    empty.className = 'msg-note';
    empty.textContent = text('empty');
    box.replaceChildren(empty);
    return;
  }
  const top = messages.filter((m) => !m.thread_ts || m.thread_ts === m.ts);
  box.replaceChildren(...top.map((m) => messageWithThread(m, messages.filter((r) => r.thread_ts === m.ts && r.ts !== m.ts))));
  box.scrollTop = box.scrollHeight;
}

function messageWithThread(message, replies) {
  const node = messageNode(message);
  if (replies.length) {
    const thread = document.createElement('div');
    thread.className = 'thread';
    const label = document.createElement('div');
    label.className = 'thread-label';
    label.textContent = `${text('thread')}（${replies.length}）`;
    thread.append(label, ...replies.map(messageNode));
    node.append(thread);
  }
  return node;
}

function messageNode(message) {
  const node = document.createElement('article');
  node.className = `msg${message.ephemeral ? ' ephemeral' : ''}`;
  node.dataset.ts = message.ts;
  const head = document.createElement('div');
  head.className = 'msg-head';
  const author = document.createElement('span');
  author.className = 'msg-author';
  author.textContent = message.author;
  head.append(author);
  if (message.ephemeral) head.append(note(text('only_you')));
  if (message.edited) head.append(note(text('edited')));
  const body = document.createElement('div');
  body.className = 'msg-body';
  body.innerHTML = message.html; // rendered and escaped by playground/blockkit.py
  bind(body, {
    onAction: (action) => api('/api/action', { channel: page.channel, ts: message.ts, actions: [action], state: collectState(body) }),
    onSuggest: () => Promise.resolve({ options: [] }),
  });
  const menu = document.createElement('button');
  menu.type = 'button';
  menu.className = 'msg-menu';
  menu.textContent = '⋯';
  menu.title = text('shortcuts');
  menu.addEventListener('click', (event) => openMenu(event, message));
  node.append(head, body, files(message.files), menu);
  return node;
}

function note(label) {
  const span = document.createElement('span');
  span.className = 'msg-note';
  span.textContent = label;
  return span;
}

function files(list) {
  const box = document.createElement('div');
  box.className = 'files';
  for (const file of list) {
    const link = document.createElement('a');
    link.href = `/api/files/${encodeURIComponent(file.id)}`;
    link.textContent = `${text('file')}: ${file.title || file.name}`;
    box.append(link);
  }
  return box;
}

function openMenu(event, message) {
  const menu = $('#menu');
  const title = document.createElement('h3');
  title.textContent = text('shortcuts');
  const items = page.setup.shortcuts.map((shortcut) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.dataset.callbackId = shortcut.callback_id;
    button.textContent = shortcut.name;
    button.addEventListener('click', () => {
      menu.hidden = true;
      api('/api/shortcut', { channel: page.channel, ts: message.ts, callback_id: shortcut.callback_id });
    });
    return button;
  });
  menu.replaceChildren(title, ...items);
  menu.style.left = `${event.pageX - 200}px`;
  menu.style.top = `${event.pageY}px`;
  menu.hidden = false;
}

// ----- views: the modal stack and the home tab

function drawModal(modal) {
  const overlay = $('#modal');
  overlay.hidden = !modal;
  if (!modal || !changed('modal', `${modal.id}/${modal.hash}/${modal.html}`)) {
    if (!modal) page.shown.modal = null;
    return;
  }
  const box = document.createElement('div');
  box.id = 'modal-box';
  box.className = 'modal-box';
  box.dataset.depth = modal.depth;
  box.innerHTML = modal.html; // rendered and escaped by playground/blockkit.py
  bindView(box, modal.id);
  box.addEventListener('click', (event) => {
    const button = event.target.closest('[data-view-action]');
    if (!button) return;
    if (button.dataset.viewAction === 'submit') api('/api/submit', { view_id: modal.id, state: collectState(box) });
    else api('/api/close', { view_id: modal.id });
  });
  $('#modal-box').replaceWith(box);
}

function drawHome(home) {
  const box = document.createElement('section');
  box.id = 'home';
  box.className = 'home';
  if (!home) {
    box.textContent = text('home_empty');
  } else if (changed('home', `${home.id}/${home.hash}`)) {
    box.innerHTML = home.html; // rendered and escaped by playground/blockkit.py
    bindView(box, home.id);
  } else {
    return;
  }
  $('#home').replaceWith(box);
}

function bindView(root, viewId) {
  bind(root, {
    onAction: (action) => api('/api/action', { view_id: viewId, actions: [action], state: collectState(root) }),
    onSuggest: (query) => api('/api/suggest', { view_id: viewId, ...query, state: collectState(root) }),
  });
}

async function openHome() {
  page.home = true;
  page.shown = {};
  refresh();
  await api('/api/home', {});
}

// ----- typing and time travel

async function send(event) {
  event.preventDefault();
  const input = $('#composer-text');
  const line = input.value.trim();
  if (!line) return;
  input.value = '';
  if (line.startsWith('/')) await api('/api/command', { channel: page.channel, text: line });
  else await api('/api/post', { channel: page.channel, text: line });
}

async function travel(event) {
  event.preventDefault();
  const button = $('#travel-run');
  button.disabled = true;
  try {
    const result = await api('/api/time-travel', { at: $('#travel-at').value });
    $('#travel-summary').textContent = text('travel_sent')
      .replace('{at}', result.at.slice(0, 16).replace('T', ' '))
      .replace('{count}', result.sent.length);
    $('#travel-sent').replaceChildren(...result.sent.map(({ channel_name: where, html }) => {
      const item = document.createElement('li');
      const place = document.createElement('strong');
      place.textContent = where;
      const body = document.createElement('div');
      body.innerHTML = html; // rendered and escaped by playground/blockkit.py
      item.append(place, body);
      return item;
    }));
    $('#travel-output').textContent = result.output;
    $('#travel-result').hidden = false;
  } finally {
    button.disabled = false;
  }
}

start();
