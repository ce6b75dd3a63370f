// Security checks against feathers4j-server with the official clients, driven by JUnit
// (SecurityE2ETest):  node server-security.js <url>
// A browser page of another origin is played by setting the Origin header (extraHeaders), which
// Node allows; prints one line `RESULT <json>` with what the clients observed.
'use strict';
const { feathers } = require('@feathersjs/feathers');
const socketio = require('@feathersjs/socketio-client');
const io = require('socket.io-client');

const [url] = process.argv.slice(2);
const TIMEOUT = 15000;

function connect(transport, origin) {
  const opts = { forceNew: true, reconnection: false, timeout: TIMEOUT, transports: [transport] };
  if (origin) opts.extraHeaders = { Origin: origin };
  const socket = io(url, opts);
  return new Promise((resolve) => {
    socket.once('connect', () => resolve({ socket, connected: true }));
    socket.once('connect_error', (e) => {
      socket.close();
      resolve({ connected: false, error: e.message, status: e.context && e.context.status });
    });
  });
}

function nested(depth) {
  let v = { a: 1 };
  for (let i = 1; i < depth; i++) v = { a: v };
  return v;
}

async function main() {
  const out = {};
  for (const transport of ['websocket', 'polling']) {
    const evil = await connect(transport, 'https://evil.example');
    out[transport + 'Evil'] = { connected: evil.connected };
    if (evil.socket) evil.socket.close();
    const plain = await connect(transport, null);
    out[transport + 'NoOrigin'] = { connected: plain.connected };
    if (!plain.socket) continue;
    const app = feathers().configure(socketio(plain.socket, { timeout: TIMEOUT }));
    try {
      await app.service('messages').create(nested(999));
      out[transport + 'Deep'] = { unexpectedResult: true };
    } catch (e) {
      out[transport + 'Deep'] = { name: e.name, code: e.code, message: e.message };
    }
    const page = await app.service('messages').find({ query: {} });
    out[transport + 'Stored'] = Array.isArray(page) ? page.length : page.total;
    plain.socket.close();
  }
  console.log('RESULT ' + JSON.stringify(out));
}

main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
