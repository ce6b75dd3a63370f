'use strict'
// One benchmark instance process (A, B or C) for feathers4j's benchmarks module, driven by the
// coordinator over stdin/stdout with the same line protocol as the Java instance
// (org.feathers4j.benchmarks.instance.JavaInstance); logs go to stderr.
//   node bench-instance.js <sync|raw-redis|raw-amqp|raw-nats> <uri> <key>
//   node bench-instance.js fanout <uri> <key> <port>
// sync: @feathersjs/feathers 5 + feathers-sync 3.1.1 with a `messages` service that stores nothing.
// fanout: the same, serving Socket.IO with @feathersjs/socketio on 127.0.0.1:<port>; every
// connection joins the channel `everybody`, which gets every event (the Java FanoutDriver's twin).
// raw-*: the plain client (redis 4, amqplib, nats 2), publishing a message of feathers-sync's shape.
const readline = require('readline')

const [mode, uri, key, port] = process.argv.slice(2)
if (!mode || !uri || !key) {
  console.error('usage: node bench-instance.js <sync|raw-redis|raw-amqp|raw-nats> <uri> <key>')
  process.exit(2)
}

const TEXT = 'benchmark message: a short chat line, about the size of a typical one'
const now = () => Number(process.hrtime.bigint()) // CLOCK_MONOTONIC ns, like Java's System.nanoTime()
const out = (line) => process.stdout.write(line + '\n')

// ---- recorder (same rules as the Java Recorder) ----
const rec = { phase: '', expected: 0, seen: new Uint8Array(0), lat: new Float64Array(0), received: 0, dup: 0, ooo: 0, maxN: -1, first: 0, last: 0, foreign: 0 }
function reset (phase, expected) {
  Object.assign(rec, { phase, expected, seen: new Uint8Array(expected), lat: new Float64Array(expected), received: 0, dup: 0, ooo: 0, maxN: -1, first: 0, last: 0 })
}
function record (phase, n, sentNs, nowNs) {
  if (phase !== rec.phase || !(n >= 0 && n < rec.expected)) { rec.foreign++; return }
  if (rec.seen[n]) { rec.dup++; return }
  rec.seen[n] = 1
  if (rec.received === 0) rec.first = nowNs
  rec.received++
  rec.last = nowNs
  if (n < rec.maxN) rec.ooo++
  else rec.maxN = n
  rec.lat[n] = nowNs - sentNs
}
function onData (data) {
  if (process.env.BENCH_TRACE) console.error('onData', JSON.stringify(data))
  const t = now()
  if (data && typeof data.phase === 'string') record(data.phase, data.n, data.t, t)
}

function rawMessage (phase, n, sentNs) {
  const input = { text: TEXT, phase, n, t: sentNs }
  const data = { id: n, ...input }
  return JSON.stringify({
    event: 'created',
    path: 'messages',
    data,
    context: { arguments: [input, {}], event: 'created', type: 'around', result: data, data: input, params: {}, path: 'messages', method: 'create' }
  })
}
function rawReceive (buf) {
  try {
    onData(JSON.parse(buf.toString()).data)
  } catch (e) {
    console.error('bench: undecodable message dropped:', e.message)
  }
}

// ---- drivers: start() resolves once subscribed; send() returns a promise or nothing ----
async function syncDriver () {
  const { feathers } = require('@feathersjs/feathers')
  const sync = require('feathers-sync')
  const app = feathers()
  const opts = { uri, key }
  if (uri.startsWith('nats')) opts.natsConnectionOptions = { servers: [uri] }
  app.configure(sync(opts)) // before app.use: feathers-sync wraps services through a mixin
  let ids = 0
  app.use('messages', {
    async create (data) { return { id: ++ids, ...data } }
  })
  app.service('messages').on('created', onData)
  await app.sync.ready
  const messages = app.service('messages')
  return {
    send: (phase, n, t) => messages.create({ text: TEXT, phase, n, t }),
    close: async () => {}
  }
}

async function fanoutDriver () {
  const { feathers } = require('@feathersjs/feathers')
  const socketio = require('@feathersjs/socketio')
  const sync = require('feathers-sync')
  const app = feathers()
  app.configure(socketio())
  app.configure(sync({ uri, key }))
  let ids = 0
  app.use('messages', {
    async create (data) { return { id: ++ids, ...data } }
  })
  app.on('connection', (connection) => app.channel('everybody').join(connection))
  app.publish(() => app.channel('everybody'))
  const server = await app.listen(Number(port), '127.0.0.1')
  await app.sync.ready
  const messages = app.service('messages')
  return {
    send: (phase, n, t) => messages.create({ text: TEXT, phase, n, t }),
    counters: () => `connections=${app.channel('everybody').length}`,
    close: async () => { server.close() }
  }
}

async function rawRedis () {
  const redis = require('redis')
  const pub = redis.createClient({ url: uri })
  const sub = pub.duplicate()
  pub.on('error', (e) => console.error('redis pub error', e.message))
  sub.on('error', (e) => console.error('redis sub error', e.message))
  await pub.connect()
  await sub.connect()
  await sub.subscribe(key, rawReceive, true)
  return {
    send: (phase, n, t) => pub.publish(key, rawMessage(phase, n, t)),
    close: async () => { await sub.quit(); await pub.quit() }
  }
}

async function rawAmqp () {
  const amqp = require('amqplib')
  const conn = await amqp.connect(uri)
  const ch = await conn.createChannel()
  await ch.assertExchange(key, 'fanout', { durable: false, autoDelete: true })
  const { queue } = await ch.assertQueue('', { exclusive: true, autoDelete: true })
  await ch.bindQueue(queue, key, '')
  await ch.consume(queue, (m) => { if (m) rawReceive(m.content) }, { noAck: true })
  return {
    send: (phase, n, t) => { ch.publish(key, '', Buffer.from(rawMessage(phase, n, t))) },
    close: async () => { await conn.close() }
  }
}

async function rawNats () {
  const { connect } = require('nats')
  const nc = await connect({ servers: [uri] })
  nc.subscribe(key, { callback: (err, m) => { if (!err) rawReceive(Buffer.from(m.data)) } })
  await nc.flush()
  const enc = new TextEncoder()
  return {
    send: (phase, n, t) => { nc.publish(key, enc.encode(rawMessage(phase, n, t))) },
    close: async () => { await nc.close() }
  }
}

// at most `inflight` sends pending; paced when perSecond > 0
async function burst (driver, phase, count, inflight, perSecond) {
  let errors = 0
  let pending = 0
  let wake = null
  const start = now()
  const interval = perSecond > 0 ? 1e9 / perSecond : 0
  const settle = () => { pending--; if (wake) { const w = wake; wake = null; w() } }
  for (let i = 0; i < count; i++) {
    if (interval > 0) {
      const wait = (start + i * interval - now()) / 1e6
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
    }
    while (pending >= inflight) await new Promise((resolve) => { wake = resolve })
    const t = now()
    pending++
    try {
      const r = driver.send(phase, i, t)
      if (r && typeof r.then === 'function') r.then(settle, () => { errors++; settle() })
      else settle()
    } catch (e) {
      errors++
      settle()
    }
    // let receive callbacks and socket writes run between synchronous sends
    if (pending === 0 && (i & 255) === 255) await new Promise(setImmediate)
  }
  while (pending > 0) await new Promise((resolve) => { wake = resolve })
  return `DONE ${start} ${now()} ${errors}`
}

async function main () {
  const driver = await ({ sync: syncDriver, fanout: fanoutDriver, 'raw-redis': rawRedis, 'raw-amqp': rawAmqp, 'raw-nats': rawNats }[mode] ||
    (() => { throw new Error('unknown mode ' + mode) }))()
  out('READY')
  const rl = readline.createInterface({ input: process.stdin })
  // commands are handled one at a time, in order
  let chain = Promise.resolve()
  rl.on('line', (line) => {
    chain = chain.then(async () => {
      const c = line.trim().split(' ')
      switch (c[0]) {
        case 'RESET': reset(c[1], Number(c[2])); out('OK'); break
        case 'BURST': out(await burst(driver, c[1], Number(c[2]), Number(c[3]), 0)); break
        case 'PACED': out(await burst(driver, c[1], Number(c[2]), 100, Number(c[3]))); break
        case 'STATS': out(`STATS ${rec.received} ${rec.dup} ${rec.ooo} ${rec.first} ${rec.last} ${rec.foreign}`); break
        case 'LAT': {
          const l = []
          for (let n = 0; n < rec.expected; n++) if (rec.seen[n]) l.push(rec.lat[n])
          out('LAT ' + l.join(','))
          break
        }
        case 'COUNTERS': out('COUNTERS ' + (driver.counters ? driver.counters() : '')); break
        case 'CREATE': { // fan-out: one event, numbered c[1]; replies with its send time
          const t = now()
          driver.send('f', Number(c[1]), t)
          out('DONE ' + t)
          break
        }
        case 'HEAP': {
          if (global.gc) global.gc()
          const m = process.memoryUsage()
          out(`HEAP ${m.heapUsed} ${m.heapTotal}`)
          break
        }
        case 'QUIT':
          out('BYE')
          try { await Promise.race([driver.close(), new Promise((resolve) => setTimeout(resolve, 2000))]) } catch (e) {}
          process.exit(0)
          break
        default: out('ERR unknown command ' + c[0])
      }
    }).catch((e) => { console.error(e); out('ERR ' + e.message) })
  })
  rl.on('close', () => process.exit(0))
}

main().catch((e) => {
  console.error(e)
  out('ERR ' + e.message)
  process.exit(1)
})
