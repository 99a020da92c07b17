import { useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import type { Camera, Schemas } from '../../api/types';
import { DialogActions } from './DialogActions';

type Cap = Schemas['RetentionCapDto'];
type Created = Schemas['CameraCreatedDto'];
type Ingest = Schemas['IngestDto'];
const KINDS = ['fixed', 'mobile', 'drone'] as const;
const SHARING = ['private', 'analytics', 'on-request', 'live-anonymized'] as const;

/** Adds a camera, or edits one (its sharing changes only with a reason, in its own dialog). */
export function CameraForm(props: {
  camera?: Camera;
  country: string;
  cap: (jurisdiction: string) => Cap | undefined;
  onCancel: () => void;
  onSaved: (c: Camera, key?: { pushKey: string; rtmpUrl: string | null; srtUrl: string | null }) => void;
}) {
  const { t } = useTranslation('admin');
  const c = props.camera;
  const [name, setName] = useState(c?.name ?? '');
  const [kind, setKind] = useState<(typeof KINDS)[number]>(c?.kind ?? 'fixed');
  const [latitude, setLatitude] = useState(String(c?.latitude ?? ''));
  const [longitude, setLongitude] = useState(String(c?.longitude ?? ''));
  const [ingestType, setIngestType] = useState<'rtsp' | 'push'>(c?.ingest.type ?? 'rtsp');
  // The stored URL comes without credentials: an empty field keeps the URL (and its credentials) as they are.
  const [url, setUrl] = useState('');
  const [transport, setTransport] = useState<'tcp' | 'udp'>(c?.ingest.rtspTransport ?? 'tcp');
  const [protocol, setProtocol] = useState<'rtmp' | 'srt'>(c?.ingest.protocol ?? 'rtmp');
  const [retention, setRetention] = useState(c ? String(c.retentionDays) : '');
  const [recording, setRecording] = useState(c?.recordingEnabled ?? true);
  const [sharing, setSharing] = useState<(typeof SHARING)[number] | ''>('');
  const cap = props.cap(c?.jurisdiction ?? props.country);

  const save = useMutation({
    mutationFn: async () => {
      // rtspTransport is ignored for push cameras (the API's schema has it with a default).
      const ingest: Ingest | undefined =
        ingestType === 'rtsp'
          ? url.trim()
            ? { type: 'rtsp', url: url.trim(), rtspTransport: transport }
            : undefined
          : c
            ? undefined
            : { type: 'push', protocol, rtspTransport: 'tcp' };
      const common = {
        name: name.trim(),
        kind,
        latitude: Number(latitude),
        longitude: Number(longitude),
        recordingEnabled: recording,
        ...(retention.trim() ? { retentionDays: Number(retention) } : {}),
      };
      if (c) {
        const body = { ...common, ...(ingest ? { ingest } : {}) };
        return { camera: await unwrap(api.PATCH('/api/v1/cameras/{id}', { params: { path: { id: c.id } }, body })) };
      }
      const created: Created = await unwrap(
        api.POST('/api/v1/cameras', { body: { ...common, ingest: ingest ?? { type: 'rtsp', url: '', rtspTransport: transport }, ...(sharing ? { sharing } : {}) } }),
      );
      return { camera: created as Camera, key: created.pushKey ? { pushKey: created.pushKey, rtmpUrl: created.rtmpUrl ?? null, srtUrl: created.srtUrl ?? null } : undefined };
    },
    onSuccess: (r) => props.onSaved(r.camera, r.key),
  });

  return (
    <form
      className="camera-form"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <div className="grid-form">
        <label>
          {t('form.name')}
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} data-testid="camera-name" />
        </label>
        <label>
          {t('form.kind')}
          <select value={kind} onChange={(e) => setKind(e.target.value as typeof kind)} data-testid="camera-kind">
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`kind.${k}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('form.latitude')}
          <input type="number" step="any" min={-90} max={90} value={latitude} onChange={(e) => setLatitude(e.target.value)} required data-testid="camera-lat" />
        </label>
        <label>
          {t('form.longitude')}
          <input type="number" step="any" min={-180} max={180} value={longitude} onChange={(e) => setLongitude(e.target.value)} required data-testid="camera-lon" />
        </label>
        {!c && (
          <label>
            {t('form.ingest')}
            <select value={ingestType} onChange={(e) => setIngestType(e.target.value as 'rtsp' | 'push')} data-testid="camera-ingest">
              <option value="rtsp">{t('form.ingestRtsp')}</option>
              <option value="push">{t('form.ingestPush')}</option>
            </select>
          </label>
        )}
        {ingestType === 'rtsp' ? (
          <>
            <label className="wide">
              {t('form.url')}
              <input
                value={url}
                onChange={(e) => setUrl(e.target.value)}
                required={!c}
                placeholder={c?.ingest.url ?? 'rtsp://user:password@192.0.2.10:554/stream1'}
                maxLength={2048}
                data-testid="camera-url"
              />
              {c && <span className="small muted">{t('form.urlKeep')}</span>}
            </label>
            <label>
              {t('form.transport')}
              <select value={transport} onChange={(e) => setTransport(e.target.value as 'tcp' | 'udp')}>
                <option value="tcp">TCP</option>
                <option value="udp">UDP</option>
              </select>
            </label>
          </>
        ) : (
          !c && (
            <label>
              {t('form.protocol')}
              <select value={protocol} onChange={(e) => setProtocol(e.target.value as 'rtmp' | 'srt')} data-testid="camera-protocol">
                <option value="rtmp">RTMP</option>
                <option value="srt">SRT</option>
              </select>
            </label>
          )
        )}
        <label>
          {t('form.retention')}
          <input
            type="number"
            min={1}
            max={cap?.maxDays ?? 3650}
            value={retention}
            onChange={(e) => setRetention(e.target.value)}
            placeholder={t('form.retentionDefault')}
            data-testid="camera-retention"
          />
          <span className="small muted" data-testid="retention-cap">
            {cap ? t('form.cap', { days: cap.maxDays, months: cap.maxMonths }) : t('form.noCap')}
          </span>
        </label>
        {!c && (
          <label>
            {t('form.sharing')}
            <select value={sharing} onChange={(e) => setSharing(e.target.value as typeof sharing)} data-testid="camera-sharing">
              <option value="">{t('form.sharingDefault')}</option>
              {SHARING.map((s) => (
                <option key={s} value={s}>
                  {t(`sharing.${s}`)}
                </option>
              ))}
            </select>
          </label>
        )}
        <label className="checkbox">
          <input type="checkbox" checked={recording} onChange={(e) => setRecording(e.target.checked)} />
          {t('form.recording')}
        </label>
      </div>
      <DialogActions error={save.isError ? save.error : null} pending={save.isPending} confirm={{ label: t('form.save'), testId: 'camera-save' }} onCancel={props.onCancel} />
    </form>
  );
}
