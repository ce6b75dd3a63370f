// A Node feathers-sync 3.x (nats) instance for feathers4j's interop tests.
// Usage: node nats-sync-peer.js <nats-uri> <subject>
// Prints "READY" once subscribed, then one line "EVENT <json>" per `messages` event it receives
// (with the parts of the context the Java side checks). Reads commands from stdin, one per line:
//   create <json>   calls messages.create(json, { provider: 'rest', fromNode: true })
//   exit            leaves
const feathers = require('@feathersjs/feathers')
const sync = require('feathers-sync')
const readline = require('readline')

const [uri, key] = process.argv.slice(2)
if (!uri || !key) {
  console.error('usage: node nats-sync-peer.js <nats-uri> <subject>')
  process.exit(2)
}

class Messages {
  constructor () { this.nextId = 1000 }
  async create (data, params) { return { id: this.nextId++, ...data } }
}

const app = feathers.feathers()
app.configure(sync({ uri, key, natsConnectionOptions: { servers: [uri] } }))
app.use('messages', new Messages())

for (const ev of ['created', 'patched', 'updated', 'removed']) {
  app.service('messages').on(ev, (data, ctx) => {
    const context = ctx ? { method: ctx.method, path: ctx.path, params: ctx.params, data: ctx.data, result: ctx.result } : null
    console.log('EVENT ' + JSON.stringify({ event: ev, data, context }))
  })
}

app.sync.ready.then(async (connection) => {
  await connection.flush() // the subscription is registered on the server
  console.log('READY')
}, (err) => {
  console.error('sync failed: ' + err.message)
  process.exit(1)
})

readline.createInterface({ input: process.stdin }).on('line', async (line) => {
  const [cmd, ...rest] = line.split(' ')
  try {
    if (cmd === 'create') {
      await app.service('messages').create(JSON.parse(rest.join(' ')), { provider: 'rest', fromNode: true })
    } else if (cmd === 'exit') {
      process.exit(0)
    }
  } catch (e) {
    console.error('command failed: ' + e.message)
  }
}).on('close', () => process.exit(0))
