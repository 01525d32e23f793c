// The AT Protocol reference PDS (@atproto/pds) beside a PLC directory (@did-plc/server,
// in memory), on loopback ports, for the pds-marked tests (advocato/sharing/networks/bluesky/
// tests/test_real_pds.py). Everything it keeps lives in PDS_DATA_DIRECTORY, a temporary folder.
//
// Environment: PDS_PORT, PLC_PORT, PDS_DATA_DIRECTORY, PDS_ADMIN_PASSWORD, and optionally
// PDS_BSKY_APP_VIEW_URL / PDS_BSKY_APP_VIEW_DID (where the PDS sends app.bsky.* reads).
// Prints one JSON line {"pds": ..., "plc": ...} once both answer; stops on SIGTERM.
import { randomBytes } from 'node:crypto'
import http from 'node:http'
import path from 'node:path'
import { PDS, envToCfg, envToSecrets, readEnv } from '@atproto/pds'
import plc from '@did-plc/server'

const { PlcServer, Database } = plc

// Both servers listen on a bare port, i.e. on every interface: keep them on loopback.
const listen = http.Server.prototype.listen
http.Server.prototype.listen = function (...args) {
  if (typeof args[0] === 'number' && typeof args[1] !== 'string') {
    args.splice(1, 0, '127.0.0.1')
  }
  return listen.apply(this, args)
}
const env = process.env
const data = env.PDS_DATA_DIRECTORY
const plcPort = Number(env.PLC_PORT)

const plcServer = PlcServer.create({ db: Database.mock(), port: plcPort })
await plcServer.start()
const plcUrl = `http://localhost:${plcPort}`

Object.assign(env, {
  PDS_HOSTNAME: 'localhost',
  PDS_DEV_MODE: 'true',
  PDS_INVITE_REQUIRED: 'false',
  PDS_SERVICE_HANDLE_DOMAINS: '.test',
  PDS_DID_PLC_URL: plcUrl,
  PDS_BLOBSTORE_DISK_LOCATION: path.join(data, 'blobs'),
  PDS_JWT_SECRET: randomBytes(16).toString('hex'),
  PDS_DPOP_SECRET: randomBytes(32).toString('hex'),
  PDS_PLC_ROTATION_KEY_K256_PRIVATE_KEY_HEX: randomBytes(32).toString('hex'),
  PDS_CRAWLERS: '',
})
if (!env.PDS_BSKY_APP_VIEW_URL) {
  delete env.PDS_BSKY_APP_VIEW_DID
}
const pds = await PDS.create(envToCfg(readEnv()), envToSecrets(readEnv()))
await pds.start()

console.log(JSON.stringify({ pds: `http://localhost:${env.PDS_PORT}`, plc: plcUrl }))

const stop = async () => {
  await pds.destroy()
  await plcServer.destroy()
  process.exit(0)
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
