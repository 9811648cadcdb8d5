import { describe, expect, it } from 'vitest';
import { createMdnsDiscovery, parseDnsSdAnswer, ptrQuery } from '../../kernel/agents/index.js';
import { hasErrorCode } from '../../kernel/errors/index.js';
import { createLogger } from '../../kernel/log/index.js';

const TYPE = '_omega-agent._tcp.local';

function name(n: string): Buffer {
  return Buffer.concat([
    ...n.split('.').map((p) => Buffer.concat([Buffer.from([p.length]), Buffer.from(p)])),
    Buffer.from([0]),
  ]);
}
function record(owner: string, type: number, data: Buffer): Buffer {
  const head = Buffer.alloc(10);
  head.writeUInt16BE(type, 0);
  head.writeUInt16BE(1, 2);
  head.writeUInt32BE(120, 4);
  head.writeUInt16BE(data.length, 8);
  return Buffer.concat([name(owner), head, data]);
}
function answer(records: Buffer[]): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(0x8400, 2);
  header.writeUInt16BE(records.length, 6);
  return Buffer.concat([header, ...records]);
}
const instance = `n1.${TYPE}`;
const srv = () => {
  const fixed = Buffer.alloc(6);
  fixed.writeUInt16BE(7701, 4);
  return Buffer.concat([fixed, name('n1.local')]);
};
const txt = (...pairs: string[]) =>
  Buffer.concat(pairs.map((p) => Buffer.concat([Buffer.from([p.length]), Buffer.from(p)])));

describe('DNS-SD answers', () => {
  it('reads an instance with its SRV port, TXT claims and A records', () => {
    const msg = answer([
      record(TYPE, 12, name(instance)),
      record(instance, 33, srv()),
      record(instance, 16, txt('name=n1', 'fp=abc', 'cpus=4')),
      record('n1.local', 1, Buffer.from([10, 0, 0, 7])),
    ]);
    expect(parseDnsSdAnswer(msg, TYPE)).toEqual([
      {
        instance,
        host: 'n1.local',
        port: 7701,
        txt: { name: 'n1', fp: 'abc', cpus: '4' },
        addresses: ['10.0.0.7'],
      },
    ]);
  });

  it('leaves out an instance without SRV or TXT, and other services', () => {
    const msg = answer([
      record(TYPE, 12, name(instance)),
      record('_http._tcp.local', 12, name('x._http._tcp.local')),
    ]);
    expect(parseDnsSdAnswer(msg, TYPE)).toEqual([]);
  });

  it('throws on hostile messages: truncated, a record past the end, a compression loop', () => {
    expect(() => parseDnsSdAnswer(Buffer.alloc(5), TYPE)).toThrow();
    const full = answer([record(TYPE, 12, name(instance))]);
    expect(() => parseDnsSdAnswer(full.subarray(0, full.length - 4), TYPE)).toThrow();
    const loop = Buffer.concat([answer([]), Buffer.from([0xc0, 12])]);
    loop.writeUInt16BE(1, 6);
    expect(() => parseDnsSdAnswer(loop, TYPE)).toThrow();
  });

  it('asks one PTR question for the service', () => {
    const q = ptrQuery(TYPE, 7);
    expect(q.readUInt16BE(0)).toBe(7);
    expect(q.readUInt16BE(4)).toBe(1);
    expect(q.subarray(12).includes(Buffer.from('_omega-agent'))).toBe(true);
  });
});

describe("the kernel's discovery", () => {
  it('invites only an address and port it discovered, so a plugin cannot aim the join token elsewhere', async () => {
    const d = createMdnsDiscovery({ interfaces: ['127.0.0.1'], logger: createLogger({ level: 'silent' }) });
    try {
      expect(await d.discovered()).toEqual([]);
      const err = await d
        .invite('127.0.0.1', 9, { server: 'http://127.0.0.1:7700', token: 'omg-join.a.b' })
        .catch((e: unknown) => e);
      expect(hasErrorCode(err, 'OMEGA_ERR_NOT_FOUND')).toBe(true);
    } finally {
      d.close();
    }
  });
});
