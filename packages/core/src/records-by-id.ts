/**
 * Requests in flight by JSON-RPC id. Most connections have one request in flight at a time, and V8
 * allocates a new table for a Map each time its last entry is deleted, so a lone request is kept in a
 * field and the Map holds requests only while two or more are in flight.
 */
import type { RequestRecord } from './request-record.js';
import type { JsonRpcId } from './types.js';

export class RecordsById {
  private lone: RequestRecord | undefined = undefined;
  private readonly several = new Map<JsonRpcId, RequestRecord>();

  get size(): number {
    return this.lone === undefined ? this.several.size : 1;
  }

  get(id: JsonRpcId): RequestRecord | undefined {
    const { lone } = this;
    if (lone !== undefined) return lone.id === id ? lone : undefined;
    // Stryker disable next-line ConditionalExpression: looking into an empty Map finds nothing either
    return this.several.size === 0 ? undefined : this.several.get(id);
  }

  set(id: JsonRpcId, record: RequestRecord): void {
    const { lone } = this;
    if (lone === undefined && this.several.size === 0) {
      this.lone = record;
      return;
    }
    if (lone !== undefined) {
      if (lone.id === id) {
        this.lone = record;
        return;
      }
      this.several.set(lone.id, lone);
      this.lone = undefined;
    }
    this.several.set(id, record);
  }

  delete(id: JsonRpcId): void {
    const { lone } = this;
    if (lone !== undefined) {
      if (lone.id === id) this.lone = undefined;
      return;
    }
    this.several.delete(id);
  }

  values(): RequestRecord[] {
    return this.lone === undefined ? [...this.several.values()] : [this.lone];
  }
}
