import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { OPTIONS } from '@borderlens/config';

const DIR = __dirname;
const KNOWN_ENV = new Set([...OPTIONS.map((o) => o.env), 'BORDERLENS_CONFIG']);

/** The manifests parse, and every variable they set is an option BorderLens knows. */
describe('Kubernetes manifests', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml'));

  it.each(files)('%s is valid YAML with kind and metadata', (file) => {
    for (const doc of parseAllDocuments(readFileSync(join(DIR, file), 'utf8'))) {
      expect(doc.errors).toEqual([]);
      const o = doc.toJS();
      expect(o).toMatchObject({ apiVersion: expect.any(String), kind: expect.any(String), metadata: { name: expect.any(String) } });
    }
  });

  it('sets only configuration variables that exist', () => {
    const config = parseAllDocuments(readFileSync(join(DIR, 'config.yaml'), 'utf8'))[0].toJS();
    const unknown = Object.keys(config.data).filter((k) => !KNOWN_ENV.has(k));
    expect(unknown).toEqual([]);
  });
});
