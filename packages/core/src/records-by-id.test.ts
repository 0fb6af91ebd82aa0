/**
 * In-flight requests by id, through the moves between one request (kept in a field) and several (kept
 * in a Map): every record stays findable by its own id, and only by it.
 */
import { describe, expect, it } from 'vitest';
import type { ConnectionInternals } from './internal-types.js';
import { RecordsById } from './records-by-id.js';
import { RequestRecord } from './request-record.js';
import type { JsonRpcId } from './types.js';

const session = {} as ConnectionInternals;

function recordWithId(id: JsonRpcId): RequestRecord {
  return new RequestRecord(session, { jsonrpc: '2.0', id, method: 'ping' }, 'inbound', undefined, undefined);
}

function filled(...ids: JsonRpcId[]): { byId: RecordsById; records: RequestRecord[] } {
  const byId = new RecordsById();
  const records = ids.map(recordWithId);
  for (const record of records) byId.set(record.id, record);
  return { byId, records };
}

describe('one request in flight', () => {
  it('is found by its id and by no other, a string id apart from the same number', () => {
    const { byId, records } = filled(7);
    expect(byId.size).toBe(1);
    expect(byId.get(7)).toBe(records[0]);
    expect(byId.get('7')).toBeUndefined();
    expect(byId.get(8)).toBeUndefined();
    expect(byId.values()).toEqual([records[0]]);
  });

  it('is replaced by a record set under the same id', () => {
    const { byId } = filled(7);
    const replacement = recordWithId(7);
    byId.set(7, replacement);
    expect(byId.size).toBe(1);
    expect(byId.get(7)).toBe(replacement);
  });

  it('stays when another id is deleted, and goes when its own is', () => {
    const { byId, records } = filled(7);
    byId.delete(8);
    expect(byId.get(7)).toBe(records[0]);
    byId.delete(7);
    expect(byId.size).toBe(0);
    expect(byId.get(7)).toBeUndefined();
    expect(byId.values()).toEqual([]);
  });
});

describe('several requests in flight', () => {
  it('keeps each findable by its own id, the first one included', () => {
    const { byId, records } = filled(1, '1', 2);
    expect(byId.size).toBe(3);
    expect(byId.get(1)).toBe(records[0]);
    expect(byId.get('1')).toBe(records[1]);
    expect(byId.get(2)).toBe(records[2]);
    expect(byId.get(3)).toBeUndefined();
    expect(byId.values()).toEqual(records);
  });

  it('drops to one and to none, then keeps one again', () => {
    const { byId, records } = filled(1, 2);
    byId.delete(1);
    expect(byId.size).toBe(1);
    expect(byId.get(2)).toBe(records[1]);
    expect(byId.get(1)).toBeUndefined();
    byId.delete(2);
    expect(byId.size).toBe(0);
    const next = recordWithId(3);
    byId.set(3, next);
    expect(byId.get(3)).toBe(next);
    expect(byId.values()).toEqual([next]);
  });

  it('hands out a copy, so ending records while walking it skips none', () => {
    const { byId, records } = filled(1, 2, 3);
    const walked: RequestRecord[] = [];
    for (const record of byId.values()) {
      walked.push(record);
      byId.delete(record.id);
    }
    expect(walked).toEqual(records);
    expect(byId.size).toBe(0);
  });
});
