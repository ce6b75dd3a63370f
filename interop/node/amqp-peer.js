// A Node feathers-sync 3.1.1 (AMQP) instance for feathers4j's interop test.
// Usage: node amqp-peer.js <amqp uri> <key>
// Prints "READY" once app.sync.ready resolved, "EVENT <json>" for every `messages created` event
// it receives through the broker (its own included), and runs the commands read from stdin:
//   create <json>   creates a message with params {provider: 'rest', query: {from: 'node'}}
//   exit            exits
'use strict'
const { feathers } = require('@feathersjs/feathers')
const sync = require('feathers-sync')
const readline = require('readline')

const [uri, key] = process.argv.slice(2)
if (!uri || !key) {
  console.error('usage: node amqp-peer.js <amqp uri> <key>')
  process.exit(64)
}

class Messages {
  constructor () { this.next = 0 }
  async create (data) { return { id: ++this.next, ...data } }
}

const app = feathers()
app.configure(sync({ uri, key }))
app.use('messages', new Messages())
app.service('messages').on('created', (data, context) => {
  const params = (context && context.params) || {}
  console.log('EVENT ' + JSON.stringify({
    data,
    method: context && context.method,
    path: context && context.path,
    provider: params.provider,
    query: params.query
  }))
})

app.sync.ready
  .then(() => console.log('READY'))
  .catch(e => { console.log('FAILED ' + e.message); process.exit(2) })

readline.createInterface({ input: process.stdin })
  .on('line', async line => {
    const space = line.indexOf(' ')
    const cmd = space < 0 ? line : line.slice(0, space)
    try {
      if (cmd === 'create') {
        const data = JSON.parse(line.slice(space + 1))
        await app.service('messages').create(data, { provider: 'rest', query: { from: 'node' } })
        console.log('CREATED ' + JSON.stringify(data))
      } else if (cmd === 'exit') {
        process.exit(0)
      }
    } catch (e) {
      console.log('ERROR ' + e.message)
    }
  })
  .on('close', () => process.exit(0))
