// Opens N idle Feathers socket clients (websocket) to measure the server's memory per connection.
//   node idle-clients.js <url> <n> <holdSeconds>
'use strict';
const io = require('socket.io-client');
const [url, n, hold] = [process.argv[2], Number(process.argv[3] || 1000), Number(process.argv[4] || 20)];
const sockets = [];
let connected = 0;
function open(i) {
  const s = io(url, { transports: ['websocket'], forceNew: true, reconnection: false });
  s.on('connect', () => { if (++connected === n) console.log('CONNECTED ' + n); });
  s.on('connect_error', (e) => console.error('connect_error', e.message));
  sockets.push(s);
}
// ramp up: 50 new connections every 100 ms
for (let i = 0; i < n; i++) setTimeout(() => open(i), Math.floor(i / 50) * 100);
setTimeout(() => { console.log('connected ' + connected); sockets.forEach((s) => s.close()); process.exit(0); }, hold * 1000);
