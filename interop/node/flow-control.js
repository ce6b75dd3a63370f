// Flow-control peers for feathers4j-server's SlowClientsTest and CallsInFlightTest.
// usage: node flow-control.js receive <url> <count> <timeoutMs>
//          one websocket client that reads every 'messages created' event; prints READY once
//          connected, then RESULT {received, disconnected} when it has <count> or at the timeout
//        node flow-control.js flood <url> <calls>
//          one socket emits <calls> `find('slow')` without waiting; meanwhile a second socket makes
//          20 sequential `find('fast')`; prints RESULT {ok, tooMany, other, messages, bystanderMaxMs, bystanderOk}
'use strict';
const io = require('socket.io-client');

const [mode, url, arg, arg2] = process.argv.slice(2);
const opts = { forceNew: true, reconnection: false, transports: ['websocket'], timeout: 20000 };

function connect() {
  return new Promise((resolve, reject) => {
    const s = io(url, opts);
    s.once('connect', () => resolve(s));
    s.once('connect_error', reject);
  });
}

function done(result) {
  console.log('RESULT ' + JSON.stringify(result));
  process.exit(0);
}

async function receive() {
  const want = Number(arg);
  const s = await connect();
  let received = 0;
  let disconnected = null;
  s.on('messages created', () => {
    received++;
    if (received >= want) done({ received, disconnected });
  });
  s.on('disconnect', (reason) => { disconnected = reason; });
  setTimeout(() => done({ received, disconnected }), Number(arg2));
  console.log('READY');
}

async function flood() {
  const calls = Number(arg);
  const [s, bystander] = await Promise.all([connect(), connect()]);
  const tally = { ok: 0, tooMany: 0, other: 0, messages: {} };
  const acks = Array.from({ length: calls }, () => new Promise((resolve) => {
    s.emit('find', 'slow', {}, (error) => {
      if (!error) tally.ok++;
      else if (error.code === 429) tally.tooMany++;
      else tally.other++;
      if (error) tally.messages[error.message] = (tally.messages[error.message] || 0) + 1;
      resolve();
    });
  }));
  let bystanderMaxMs = 0;
  let bystanderOk = 0;
  for (let i = 0; i < 20; i++) {
    const t0 = Date.now();
    const err = await new Promise((resolve) => bystander.emit('find', 'fast', {}, resolve));
    bystanderMaxMs = Math.max(bystanderMaxMs, Date.now() - t0);
    if (!err) bystanderOk++;
  }
  await Promise.all(acks);
  done({ ...tally, bystanderMaxMs, bystanderOk });
}

const run = { receive, flood }[mode];
if (!run) { console.error('unknown mode ' + mode); process.exit(2); }
setTimeout(() => { console.error('flow-control.js: overall timeout'); process.exit(3); }, 120000).unref();
run().catch((e) => { console.error(e); process.exit(1); });
