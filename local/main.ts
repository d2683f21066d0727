// `npm start`: the local service, configured by PORT, MODELWATCH_DATA_DIR, MODELWATCH_ADMIN_TOKEN and
// MODELWATCH_MONITOR_INTERVAL_MS (how often metrics are folded in the background; default 10 s, 0 turns it off).
import { join, resolve } from 'node:path';
import { startLocalService } from './service.js';

const port = Number(process.env.PORT ?? 8080);
const host = process.env.MODELWATCH_HOST ?? '127.0.0.1';
const dataDir = resolve(process.env.MODELWATCH_DATA_DIR ?? './.modelwatch');

if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number, not '${process.env.PORT}'`);
  process.exit(2);
}
const intervalSetting = process.env.MODELWATCH_MONITOR_INTERVAL_MS;
const monitorIntervalMs =
  intervalSetting === undefined || intervalSetting === '' ? undefined : Number(intervalSetting);
if (monitorIntervalMs !== undefined && !(Number.isInteger(monitorIntervalMs) && monitorIntervalMs >= 0)) {
  console.error(
    `MODELWATCH_MONITOR_INTERVAL_MS must be a whole number of milliseconds (0: off), not '${intervalSetting}'`,
  );
  process.exit(2);
}

const service = await startLocalService({
  port,
  host,
  dataDir,
  adminToken: process.env.MODELWATCH_ADMIN_TOKEN || undefined,
  monitorIntervalMs,
});

console.log(`Modelwatch is listening on ${service.url} (data in ${dataDir})`);
if (service.adminTokenGenerated) {
  console.log(
    `Admin token (generated now, kept in ${join(dataDir, 'admin-token')}):\n  ${service.adminToken}`,
  );
} else if (!process.env.MODELWATCH_ADMIN_TOKEN) {
  console.log(`Admin token: kept in ${join(dataDir, 'admin-token')}`);
}
console.log(`Dashboard: ${service.url}/  ·  API reference: ${service.url}/docs`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: finishing in-flight requests, then stopping`);
    service.close().then(
      () => process.exit(0),
      (error) => {
        console.error('shutdown failed', error);
        process.exit(1);
      },
    );
  });
}
