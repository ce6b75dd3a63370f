// The chat page: the official Feathers client (@feathersjs/client) over Socket.IO, served by
// whichever feathers4j instance served this page.
(function () {
  'use strict';

  var HUES = [215, 150, 18, 280, 340, 95, 190, 45];
  var NAME_KEY = 'feathers4j-chat-name';

  var socket = io();
  var client = feathers();
  client.configure(feathers.socketio(socket));
  var messages = client.service('messages');
  var instanceService = client.service('instance');

  var el = {
    me: document.getElementById('me'),
    status: document.getElementById('status'),
    statusText: document.getElementById('status-text'),
    broker: document.getElementById('broker'),
    peers: document.getElementById('peers'),
    list: document.getElementById('messages'),
    empty: document.getElementById('empty'),
    form: document.getElementById('send'),
    name: document.getElementById('name'),
    text: document.getElementById('text'),
    button: document.getElementById('send-button'),
    error: document.getElementById('error')
  };

  var me = null;          // this instance's name
  var order = [];         // instance names, for stable colours
  var shown = new Map();  // "instance:id" -> element

  function hueOf(instance) {
    var i = order.indexOf(instance);
    if (i >= 0) return HUES[i % HUES.length];
    var h = 0;
    for (var k = 0; k < instance.length; k++) h = (h * 31 + instance.charCodeAt(k)) >>> 0;
    return HUES[h % HUES.length];
  }

  function chip(text, instance) {
    var span = document.createElement('span');
    span.className = 'chip';
    span.textContent = text;
    span.style.setProperty('--hue', hueOf(instance));
    return span;
  }

  function setStatus(state, text) {
    el.status.className = 'status ' + state;
    el.statusText.textContent = text;
    document.body.dataset.state = state;
  }

  function showError(message) {
    el.error.textContent = message;
    el.error.hidden = !message;
  }

  function time(ms) {
    var d = new Date(ms);
    return isNaN(d) ? '' : d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  }

  function render(info) {
    me = info.name;
    order = (info.peers || []).map(function (p) { return p.name; });
    document.title = 'feathers4j chat · ' + me;
    document.body.dataset.instance = me;
    el.me.textContent = me;
    el.me.style.setProperty('--hue', hueOf(me));
    var sync = info.sync || {};
    el.broker.textContent = (sync.type ? sync.type + ' ' : '') + '(' + (sync.broker || 'broker') + ')'
      + (sync.state && sync.state !== 'CONNECTED' ? ', ' + String(sync.state).toLowerCase() + ' when this page loaded' : '');
    el.peers.textContent = '';
    (info.peers || []).forEach(function (p) {
      var a = document.createElement('a');
      a.href = p.url;
      a.target = '_blank';
      a.rel = 'noopener';
      a.title = p.name === me ? 'this page' : 'open ' + p.name + ' in a new tab';
      var c = chip(p.name + ' · ' + p.url.replace(/^https?:\/\//, '').replace(/\/$/, ''), p.name);
      a.appendChild(c);
      if (p.name === me) a.className = 'current';
      el.peers.appendChild(a);
    });
    // recolour what is already shown, now that the order is known
    shown.forEach(function (node) {
      var inst = node.dataset.instance;
      node.style.setProperty('--hue', hueOf(inst));
      node.querySelector('.chip').style.setProperty('--hue', hueOf(inst));
    });
  }

  function add(message) {
    if (!message || typeof message.text !== 'string') return;
    var instance = String(message.instance || 'unknown instance');
    var key = instance + ':' + message.id;
    if (shown.has(key)) return;
    var atBottom = el.list.scrollHeight - el.list.scrollTop - el.list.clientHeight < 40;

    var node = document.createElement('article');
    node.className = 'msg' + (instance === me ? ' mine' : '');
    node.dataset.instance = instance;
    node.dataset.createdAt = String(message.createdAt || 0);
    node.style.setProperty('--hue', hueOf(instance));

    var meta = document.createElement('div');
    meta.className = 'meta';
    var who = document.createElement('span');
    who.className = 'who';
    who.textContent = message.name || 'anonymous';
    meta.appendChild(who);
    meta.appendChild(chip('via ' + instance + (instance === me ? ' (here)' : ''), instance));
    var t = document.createElement('time');
    t.textContent = time(message.createdAt);
    meta.appendChild(t);

    var text = document.createElement('div');
    text.className = 'text';
    text.textContent = message.text;

    node.appendChild(meta);
    node.appendChild(text);

    // keep the list in creation order (history may arrive after live messages)
    var before = null;
    var children = el.list.querySelectorAll('.msg');
    for (var i = children.length - 1; i >= 0; i--) {
      if (Number(children[i].dataset.createdAt) <= Number(node.dataset.createdAt)) break;
      before = children[i];
    }
    el.list.insertBefore(node, before);
    shown.set(key, node);
    el.empty.hidden = true;
    if (atBottom || instance === me) el.list.scrollTop = el.list.scrollHeight;
  }

  function loadHistory() {
    return messages.find({ query: { $sort: { createdAt: -1 }, $limit: 50 } }).then(function (page) {
      var list = Array.isArray(page) ? page : (page && page.data) || [];
      list.slice().reverse().forEach(add);
    });
  }

  messages.on('created', add);

  socket.on('connect', function () {
    setStatus('connecting', 'connected, loading…');
    instanceService.find()
      .then(render)
      .then(loadHistory)
      .then(function () {
        setStatus('connected', 'live');
        el.button.disabled = false;
      })
      .catch(function (e) {
        setStatus('disconnected', 'error');
        showError('Could not load the chat: ' + (e && e.message ? e.message : e));
      });
  });
  socket.on('disconnect', function () {
    setStatus('disconnected', 'disconnected, reconnecting…');
    el.button.disabled = true;
  });
  socket.io.on('reconnect_attempt', function () {
    setStatus('disconnected', 'reconnecting…');
  });

  // the name is remembered where storage is allowed (not in third-party frames, nor in some private modes)
  function remembered() {
    try { return window.localStorage.getItem(NAME_KEY) || ''; } catch (e) { return ''; }
  }
  function remember(name) {
    try { window.localStorage.setItem(NAME_KEY, name); } catch (e) { /* not allowed here */ }
  }
  el.name.value = remembered();
  el.name.addEventListener('change', function () { remember(el.name.value.trim()); });
  el.button.disabled = true;

  el.form.addEventListener('submit', function (event) {
    event.preventDefault();
    var text = el.text.value.trim();
    if (!text) return;
    el.button.disabled = true;
    showError('');
    messages.create({ text: text, name: el.name.value.trim() || undefined })
      .then(function (message) {
        el.text.value = '';
        add(message);
      })
      .catch(function (e) {
        showError('Not sent: ' + (e && e.message ? e.message : e));
      })
      .then(function () {
        el.button.disabled = !socket.connected;
        el.text.focus();
      });
  });
})();
