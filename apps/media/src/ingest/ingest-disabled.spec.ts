import { loadConfig } from '@borderlens/config';
import type { CameraIngestInfo } from '@borderlens/contracts';
import { FakeProcesses } from '../testing/fake-processes';
import { IngestService } from './ingest.service';
import type { GatewayPort } from '../transport/ports';
import type { StateReporter } from './state-reporter';

/** A camera its administrators disabled: its source stops for every holder, and the gateway's refusal keeps it stopped. */
describe('IngestService.stopCamera', () => {
  const drone: CameraIngestInfo = { id: 'cam-d', name: 'dron', kind: 'drone', ingest: { type: 'push', protocol: 'rtmp' }, recordingEnabled: true, retentionDays: 7, redaction: {} };

  it('disconnects the publisher of a held push camera and forgets the camera; a second stop finds nothing', async () => {
    const gateway = { cameraIngest: jest.fn().mockResolvedValueOnce(drone).mockRejectedValueOnce(new Error("camera 'dron' is disabled by its administrators")) };
    const ingest = new IngestService(loadConfig({}, ''), gateway as unknown as GatewayPort, new FakeProcesses(() => undefined), { report: jest.fn() } as unknown as StateReporter);
    const { source } = await ingest.acquire('cam-d');
    const disconnect = jest.fn();
    ingest.pushSource(drone).attach({ id: 'p1', protocol: 'rtmp', disconnect });
    expect(ingest.get('cam-d')).toBe(source);
    await expect(ingest.stopCamera('cam-d')).resolves.toBe(true);
    expect(disconnect).toHaveBeenCalledTimes(1);
    expect(ingest.get('cam-d')).toBeUndefined();
    await expect(ingest.stopCamera('cam-d')).resolves.toBe(false);
    await expect(ingest.acquire('cam-d')).rejects.toThrow(/disabled/);
  });
});
