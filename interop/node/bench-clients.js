'use strict'
// N Socket.IO clients for feathers4j's fan-out benchmark, spread round-robin over the given
// servers (websocket transport), driven over stdin/stdout:
//   node bench-clients.js <N> <url1,url2,...>
//   → READY connected                  once every client is connected (ERR after 180 s)
//   ← WAIT n timeoutMs                 → GOT n clientsThatGotIt lastReceiptNs
//   ← QUIT                             → BYE
// Each client listens to `messages created` (the Feathers socket protocol's event name) and
// records, per event number `n` of the data, how many clients got it and when the last one did.
const readline = require('readline')
const { io } = require('socket.io-client')

const total = Number(process.argv[2])
const urls = (process.argv[3] || '').split(',').filter(Boolean)
if (!(total > 0) || urls.length === 0) {
  console.error('usage: node bench-clients.js <N> <url1,url2,...>')
  process.exit(2)
}
const now = () => Number(process.hrtime.bigint())
const out = (line) => process.stdout.write(line + '\n')

const got = new Map() // n → { count, first, last, polls }
const waiters = new Map() // n → resolve
// how many turns of the event loop delivered an event: each turn's I/O callbacks run before its
// setImmediate callbacks, so one immediate per turn that had a delivery counts the turns (to see
// whether a server whose writes arrive spread out costs this process more turns for the same frames)
let turnSeen = false
function onEvent (data) {
  const t = now()
  if (!data || typeof data.n !== 'number') return
  let g = got.get(data.n)
  if (!g) { g = { count: 0, first: t, last: 0, polls: 0 }; got.set(data.n, g) }
  if (!turnSeen) { turnSeen = true; g.polls++; setImmediate(() => { turnSeen = false }) }
  g.count++
  g.last = t
  if (g.count === total) {
    // diagnostics on stderr (the harness keeps it in the clients' log): spread of arrival and turns
    console.error(`event ${data.n}: ${total} clients, first to last ${((g.last - g.first) / 1e6).toFixed(1)} ms, ${g.polls} loop turns`)
    if (waiters.has(data.n)) { waiters.get(data.n)(); waiters.delete(data.n) }
  }
}

const sockets = []
async function connectAll () {
  let connected = 0
  const batch = 100
  for (let i = 0; i < total; i += batch) {
    const part = []
    for (let j = i; j < Math.min(total, i + batch); j++) {
      const s = io(urls[j % urls.length], { transports: ['websocket'], forceNew: true, reconnection: false, timeout: 60000 })
      s.on('messages created', onEvent)
      sockets.push(s)
      part.push(new Promise((resolve, reject) => {
        s.once('connect', () => { connected++; resolve() })
        s.once('connect_error', (e) => reject(new Error(`client ${j}: ${e.message}`)))
      }))
    }
    await Promise.all(part)
  }
  return connected
}

async function main () {
  const timer = setTimeout(() => { out('ERR not all clients connected within 180 s'); process.exit(1) }, 180000)
  const n = await connectAll()
  clearTimeout(timer)
  out('READY ' + n)
  const rl = readline.createInterface({ input: process.stdin })
  let chain = Promise.resolve()
  rl.on('line', (line) => {
    chain = chain.then(async () => {
      const c = line.trim().split(' ')
      if (c[0] === 'WAIT') {
        const k = Number(c[1])
        const g = got.get(k)
        if (!g || g.count < total) {
          await new Promise((resolve) => {
            const t = setTimeout(() => { waiters.delete(k); resolve() }, Number(c[2]))
            waiters.set(k, () => { clearTimeout(t); resolve() })
          })
        }
        const r = got.get(k) || { count: 0, last: 0 }
        out(`GOT ${k} ${r.count} ${r.last}`)
        got.delete(k)
      } else if (c[0] === 'QUIT') {
        out('BYE')
        for (const s of sockets) s.close()
        process.exit(0)
      } else {
        out('ERR unknown command ' + c[0])
      }
    }).catch((e) => { console.error(e); out('ERR ' + e.message) })
  })
  rl.on('close', () => process.exit(0))
}

main().catch((e) => { console.error(e); out('ERR ' + e.message); process.exit(1) })
