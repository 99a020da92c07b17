import { loadConfig } from '@borderlens/config';
import { FakeProcesses, probeJson } from '../testing/fake-processes';
import { IngestService } from './ingest.service';
import type { GatewayPort } from '../transport/ports';
import type { StateReporter } from './state-reporter';

/** "Test connection" of the administration screen: one probe, the answer or a fixed reason. */
describe('IngestService.probeCamera', () => {
  const cfg = loadConfig({ CAMERAS_ALLOW_SPECIAL_NETWORKS: '127.0.0.0/8' }, '');
  const make = (script: ConstructorParameters<typeof FakeProcesses>[0]) => {
    const processes = new FakeProcesses(script);
    return { processes, ingest: new IngestService(cfg, {} as GatewayPort, processes, {} as StateReporter) };
  };

  it('answers codec, picture size and frame rate; the URL with its password goes on stdin only', async () => {
    const { processes, ingest } = make((c) => {
      c.stdout.write(probeJson('h264', 1920, 1080));
      c.exit(0);
    });
    const r = await ingest.probeCamera({ url: 'rtsp://admin:secret@127.0.0.1:8554/cam', rtspTransport: 'tcp' });
    expect(r).toMatchObject({ ok: true, codec: 'h264', width: 1920, height: 1080, fps: 25 });
    expect(processes.of('ffprobe')[0].args.join(' ')).not.toMatch(/secret/);
  });

  it('tells an unsupported codec as it is, and a network failure only as a fixed text', async () => {
    const hevc = make((c) => {
      c.stdout.write(probeJson('hevc'));
      c.exit(0);
    });
    expect(await hevc.ingest.probeCamera({ url: 'rtsp://127.0.0.1:8554/cam' })).toMatchObject({ ok: false, reason: expect.stringMatching(/unsupported video codec 'hevc'/) });
    const refused = make((c) => {
      c.say('[tcp @ 0x5555deadbeef] Connection to tcp://127.0.0.1:8554?timeout=0 failed: Connection refused');
      c.exit(1);
    });
    expect(await refused.ingest.probeCamera({ url: 'rtsp://127.0.0.1:8554/cam' })).toMatchObject({ ok: false, reason: 'camera not reachable' });
  });

  it('refuses addresses outside the allowed networks and non-RTSP URLs without starting ffprobe', async () => {
    const { processes, ingest } = make(() => {
      throw new Error('no process expected');
    });
    expect(await ingest.probeCamera({ url: 'rtsp://169.254.169.254/latest' })).toMatchObject({ ok: false, reason: 'camera address not allowed (outside cameras.allowedNetworks)' });
    expect(await ingest.probeCamera({ url: 'http://127.0.0.1/' })).toMatchObject({ ok: false, reason: 'not an rtsp or rtsps URL' });
    expect(processes.of('ffprobe')).toHaveLength(0);
  });
});
