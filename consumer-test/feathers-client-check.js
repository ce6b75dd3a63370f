// The consumer build's end-to-end check, with the official Feathers client (run by ConsumerBuildTest):
//   node feathers-client-check.js <urlA> <urlB>
// A message created over Socket.IO on instance A must reach a Socket.IO client of instance B, and one
// created over REST on B must reach the client of A: both only through the broker. Prints `RESULT <json>`.
'use strict';
const { feathers } = require('@feathersjs/feathers');
const socketio = require('@feathersjs/socketio-client');
const rest = require('@feathersjs/rest-client');
const io = require('socket.io-client');

const [urlA, urlB] = process.argv.slice(2);
const TIMEOUT = 20000;
const sockets = [];

function socketClient(url) {
  const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, timeout: TIMEOUT });
  sockets.push(socket);
  const app = feathers();
  app.configure(socketio(socket, { timeout: TIMEOUT }));
  return { app, connected: new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  }) };
}

function nextCreated(app, text) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no created event for "${text}" in ${TIMEOUT} ms`)), TIMEOUT);
    const listener = (m) => {
      if (m && m.text === text) { clearTimeout(timer); app.service('messages').off('created', listener); resolve(m); }
    };
    app.service('messages').on('created', listener);
  });
}

(async () => {
  const a = socketClient(urlA);
  const b = socketClient(urlB);
  await Promise.all([a.connected, b.connected]);
  const stamp = `${process.pid}-${Date.now()}`;

  const overSocket = `socket on A ${stamp}`;
  const seenOnB = nextCreated(b.app, overSocket);
  const createdOnA = await a.app.service('messages').create({ text: overSocket });
  const eventOnB = await seenOnB;

  const overRest = `rest on B ${stamp}`;
  const seenOnA = nextCreated(a.app, overRest);
  const restB = feathers().configure(rest(urlB).fetch(fetch));
  const createdOnB = await restB.service('messages').create({ text: overRest });
  const eventOnA = await seenOnA;

  console.log('RESULT ' + JSON.stringify({ createdOnA, eventOnB, createdOnB, eventOnA }));
})().then(() => {
  sockets.forEach((s) => s.close());
  process.exit(0);
}, (e) => {
  console.error(e && e.stack || e);
  sockets.forEach((s) => s.close());
  process.exit(1);
});
