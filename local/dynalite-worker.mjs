// dynalite on its own thread, so the embedded database and the API each get a core. It listens on the port
// it is given (0: any), so a restarted worker keeps the endpoint the service's clients already use.
import { parentPort, workerData } from 'node:worker_threads';
import dynalite from 'dynalite';
import { closeIteratorsOnReturn } from './level-iterators.mjs';

closeIteratorsOnReturn();

const server = dynalite({
  ...(workerData.path ? { path: workerData.path } : {}),
  createTableMs: 0,
  deleteTableMs: 0,
  updateTableMs: 0,
});
server.on('error', (error) => parentPort.postMessage({ error: String(error) }));
server.listen(workerData.port ?? 0, '127.0.0.1', () =>
  parentPort.postMessage({ port: server.address().port }),
);
parentPort.on('message', (message) => {
  if (message !== 'close') return;
  // The service has stopped sending: cut kept-alive client sockets so the close (and LevelDB's) can finish.
  server.close(() => parentPort.postMessage({ closed: true }));
  server.closeAllConnections();
});
