// A Node feathers-sync 3.x peer for feathers4j's Redis interop test.
// Usage: node redis-peer.js <redis uri> <key>
// Prints one JSON object per line on stdout: {"ready":true} once subscribed, then
// {"event":"created","data":...,"method":...,"provider":...} for every "messages" created event it sees.
// Reads one JSON object per line on stdin and creates it on "messages" (provider "rest").
// Exits when stdin closes.
const readline = require('readline');
const { feathers } = require('@feathersjs/feathers');
const sync = require('feathers-sync');

const [uri, key] = process.argv.slice(2);
if (!uri || !key) {
  console.error('usage: node redis-peer.js <redis uri> <key>');
  process.exit(2);
}

const print = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');

class Messages {
  constructor() {
    this.next = 1;
  }

  async create(data) {
    return { ...data, id: this.next++, from: 'node' };
  }
}

const app = feathers();
// feathers-sync hooks into services through a mixin: it must be configured before app.use
app.configure(sync({ uri, key }));
app.use('messages', new Messages());

app.service('messages').on('created', (data, context) => {
  print({
    event: 'created',
    data,
    method: context && context.method,
    provider: context && context.params && context.params.provider
  });
});

app.sync.ready
  .then(() => print({ ready: true }))
  .catch((err) => {
    print({ error: String(err) });
    process.exit(1);
  });

const rl = readline.createInterface({ input: process.stdin });
rl.on('line', (line) => {
  if (!line.trim()) return;
  app.service('messages')
    .create(JSON.parse(line), { provider: 'rest' })
    .catch((err) => print({ error: String(err) }));
});
rl.on('close', () => process.exit(0));
