import { lookup } from 'node:dns/promises';
import { Injectable } from '@nestjs/common';

/** DNS lookups (wrapped so tests can replace them). */
@Injectable()
export class HostResolver {
  async resolve(host: string): Promise<string[]> {
    const found = await lookup(host, { all: true, verbatim: true });
    return found.map((a) => a.address);
  }
}
