// A local webhook receiver for alert tests: records what it is sent, and can be told to fail, to hang or to
// answer with a redirect.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Delivery {
  headers: IncomingMessage['headers'];
  body: string;
}

export interface WebhookReceiver {
  url: string;
  /** Requests answered 2xx, in arrival order. */
  deliveries: Delivery[];
  /** Every request received, whatever the answer. */
  received(): number;
  /** When each request's body had arrived (performance.now()), hung ones included. */
  arrivals: number[];
  /** Answer the next `count` requests with 503. */
  failNext(count: number): void;
  /** Requests answered 503 so far. */
  failed(): number;
  /** While on, requests are read and never answered. */
  hang(on: boolean): void;
  /** While set, requests are answered with this redirect status and Location; null to stop. */
  redirect(location: string | null, status?: number): void;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const deliveries: Delivery[] = [];
  let failing = 0;
  let failed = 0;
  let hanging = false;
  let received = 0;
  const arrivals: number[] = [];
  let redirect: { location: string; status: number } | null = null;
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      received++;
      arrivals.push(performance.now());
      if (hanging) return;
      if (redirect) {
        response.writeHead(redirect.status, { location: redirect.location }).end();
        return;
      }
      if (failing > 0) {
        failing--;
        failed++;
        response.writeHead(503).end();
        return;
      }
      deliveries.push({ headers: request.headers, body });
      response.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    deliveries,
    received: () => received,
    arrivals,
    failNext: (count) => {
      failing = count;
    },
    failed: () => failed,
    hang: (on) => {
      hanging = on;
    },
    redirect: (location, status = 307) => {
      redirect = location === null ? null : { location, status };
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
