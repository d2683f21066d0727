// Webhook egress (contract section 7): which destinations a webhook may reach in AWS and in the local run, and
// that a redirect is a failed delivery, never followed.

import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AddressClass, classifyAddress, vetDestination } from '../../shared/alerts/egress.js';
import type { AlertRecord } from '../../shared/alerts/types.js';
import { postWebhook } from '../../shared/alerts/webhooks.js';
import {
  type Client,
  clientFor,
  seedChurnModel,
  startTestService,
  type TestService,
} from '../support/local-service.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

const record = {
  alert_id: 'al_policy',
  severity: 'critical',
  message: 'CRITICAL: traffic is 9',
} as AlertRecord;

// Expected classes from the IANA special-purpose registries (RFC 6890 and its updates), not from the code.
const ADDRESSES: Array<[string, AddressClass | null]> = [
  ['127.0.0.1', 'loopback'],
  ['127.255.0.9', 'loopback'],
  ['10.1.2.3', 'private'],
  ['172.16.0.1', 'private'],
  ['172.31.255.255', 'private'],
  ['172.32.0.1', null],
  ['192.168.1.1', 'private'],
  ['169.254.169.254', 'metadata'],
  ['169.254.10.1', 'link-local'],
  ['100.64.0.1', 'cgnat'],
  ['100.127.255.255', 'cgnat'],
  ['100.128.0.1', null],
  ['0.0.0.0', 'unspecified'],
  ['224.0.0.1', 'multicast'],
  ['255.255.255.255', 'reserved'],
  ['8.8.8.8', null],
  ['::1', 'loopback'],
  ['::', 'unspecified'],
  ['::ffff:127.0.0.1', 'loopback'],
  ['::ffff:7f00:1', 'loopback'],
  ['::ffff:a9fe:a9fe', 'metadata'],
  ['64:ff9b::a00:1', 'private'],
  ['2002:c0a8:101::1', 'private'],
  ['fd00:ec2::254', 'metadata'],
  ['fd12:3456::1', 'private'],
  ['fc00::1', 'private'],
  ['fe80::1', 'link-local'],
  ['fe80::1%eth0', 'link-local'],
  ['ff02::1', 'multicast'],
  ['2606:4700:4700::1111', null],
];

describe('address classes', () => {
  it.each(ADDRESSES)('classifies %s as %s', (address, expected) => {
    expect(classifyAddress(address)).toBe(expected);
  });
});

/** Counts TCP connections: a refused destination must never be connected to. */
let listener: Server;
let connections = 0;
let port: number;

beforeAll(async () => {
  listener = createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  port = (listener.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => listener.close(resolve));
});

describe('in AWS', () => {
  const loopbackForms = () => [
    `https://127.0.0.1:${port}/hook`,
    `https://[::ffff:127.0.0.1]:${port}/hook`,
    `https://[::1]:${port}/hook`,
    `https://2130706433:${port}/hook`,
    `https://0x7f.0.0.1:${port}/hook`,
    `https://0177.0.0.1:${port}/hook`,
    `https://localhost:${port}/hook`,
  ];

  it('refuses loopback in every spelling, a name that resolves to it included, without connecting', async () => {
    for (const url of loopbackForms()) {
      await expect(postWebhook(url, record, 'secret', { egress: 'aws' }), url).rejects.toThrow(
        /refused: .*loopback/,
      );
    }
    expect(connections).toBe(0);
  });

  it.each([
    ['https://169.254.169.254/latest/meta-data/', /metadata/],
    ['https://[fd00:ec2::254]/latest/meta-data/', /metadata/],
    ['https://2852039166/latest/meta-data/', /metadata/],
    ['https://[::ffff:169.254.169.254]/', /metadata/],
    ['https://169.254.1.1/', /link-local/],
    ['https://[fe80::1]/', /link-local/],
    ['https://10.0.0.8/', /private/],
    ['https://192.168.0.1/', /private/],
    ['https://[fd12::1]/', /private/],
    ['https://100.100.100.200/', /cgnat/],
    ['https://0.0.0.0/', /unspecified/],
    ['https://224.0.0.1/', /multicast/],
  ])('refuses %s', async (url, reason) => {
    await expect(postWebhook(url, record, 'secret', { egress: 'aws' })).rejects.toThrow(reason);
  });

  it('refuses a name when any one of its addresses is private, not only the first', async () => {
    const lookup = async () => [
      { address: '93.184.215.14', family: 4 },
      { address: '10.0.0.5', family: 4 },
    ];
    await expect(vetDestination('https://hooks.example.com/x', 'aws', lookup)).rejects.toThrow(
      /hooks\.example\.com: destination 10\.0\.0\.5 is a private address/,
    );
  });

  it('refuses plain http and credentials in the URL', async () => {
    const lookup = async () => [{ address: '93.184.215.14', family: 4 }];
    await expect(vetDestination('http://hooks.example.com/x', 'aws', lookup)).rejects.toThrow(/https/);
    await expect(vetDestination('https://u:p@hooks.example.com/x', 'aws', lookup)).rejects.toThrow(
      /credentials/,
    );
  });

  it('accepts a public name, and answers the addresses the connection is pinned to', async () => {
    const lookup = async () => [{ address: '93.184.215.14', family: 4 }];
    const destination = await vetDestination('https://hooks.example.com/x', 'aws', lookup);
    expect(destination.addresses).toEqual([{ address: '93.184.215.14', family: 4 }]);
  });
});

describe('in the local run', () => {
  let receiver: WebhookReceiver;
  let other: WebhookReceiver;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    other = await startWebhookReceiver();
  });

  afterAll(async () => {
    await receiver.close();
    await other.close();
  });

  it('delivers to loopback over http, by address and by name', async () => {
    const before = receiver.deliveries.length;
    await postWebhook(receiver.url, record, 'secret', { egress: 'local' });
    await postWebhook(receiver.url.replace('127.0.0.1', 'localhost'), record, 'secret', { egress: 'local' });
    expect(receiver.deliveries.length).toBe(before + 2);
  });

  it('connects to the address it vetted, not to a second answer of the resolver', async () => {
    // The resolver knows no such name: only the pinned address can carry the request.
    const lookup = async () => [{ address: '127.0.0.1', family: 4 }];
    const before = receiver.deliveries.length;
    const url = receiver.url.replace('127.0.0.1', 'pinned.modelwatch.invalid');
    await postWebhook(url, record, 'secret', { egress: 'local', lookup });
    expect(receiver.deliveries.length).toBe(before + 1);
  });

  it('still refuses metadata and private destinations', async () => {
    for (const url of ['http://169.254.169.254/latest/', 'http://[fd00:ec2::254]/', 'http://10.0.0.8/']) {
      await expect(postWebhook(url, record, 'secret', { egress: 'local' }), url).rejects.toThrow(/refused/);
    }
  });

  it.each([302, 307])(
    'does not follow a %i redirect: it is a failed delivery, not retried',
    async (status) => {
      receiver.redirect(other.url, status);
      const received = receiver.received();
      try {
        await expect(
          postWebhook(receiver.url, record, 'secret', { egress: 'local', backoffMs: 1 }),
        ).rejects.toThrow(`HTTP ${status}: redirects are not followed`);
      } finally {
        receiver.redirect(null);
      }
      expect(receiver.received()).toBe(received + 1);
      expect(other.received()).toBe(0);
    },
  );
});

describe('webhook URLs of a rule', () => {
  let service: TestService;
  let admin: Client;
  const rules = '/v1/projects/bank/models/churn/alert-rules';
  const rule = (webhooks: string[]) => ({
    name: 'traffic',
    metric: 'traffic',
    bin_size: 'hour',
    condition: 'greater',
    critical_threshold: 10,
    priority: 'low',
    notifications: { webhooks },
  });

  beforeAll(async () => {
    service = await startTestService();
    admin = clientFor(service.url, service.adminToken);
    await seedChurnModel(admin);
  });

  afterAll(async () => {
    await service.destroy();
  });

  it.each([
    ['http://169.254.169.254/latest/meta-data/', /metadata/],
    ['http://2852039166/', /metadata/],
    ['http://[fd00:ec2::254]/', /metadata/],
    ['https://user:secret@hooks.example.com/x', /credentials/],
  ])('answers 400 naming the webhook for %s', async (url, reason) => {
    const answer = await admin.post(rules, rule(['https://hooks.example.com/ok', url]));
    expect(answer.status).toBe(400);
    expect(answer.text).toContain('notifications.webhooks[1]');
    expect(answer.text).toMatch(reason);
  });

  it('refuses the same on an edit', async () => {
    const created = await admin.post(rules, rule(['https://hooks.example.com/ok']));
    const answer = await admin.request('PATCH', `${rules}/${created.body.rule_id}`, {
      notifications: { webhooks: ['http://169.254.169.254/'] },
    });
    expect(answer.status).toBe(400);
    expect(answer.text).toContain('notifications.webhooks[0]');
  });

  it('accepts loopback at creation: the deployment decides at delivery', async () => {
    const answer = await admin.post(rules, rule(['http://127.0.0.1:9/hook']));
    expect(answer.status).toBe(201);
  });
});
