import { useState } from 'react';
import { useTranslation } from 'react-i18next';

export interface IssuedKey {
  cameraName: string;
  pushKey: string;
  rtmpUrl: string | null;
  srtUrl: string | null;
}

/** A new push key with the URLs to publish to: shown once (only a hash is stored), each copyable. */
export function PushKeyPanel({ issued, onClose }: { issued: IssuedKey; onClose: () => void }) {
  const { t } = useTranslation('admin');
  const rows: [string, string, string | null][] = [
    ['key', t('push.key'), issued.pushKey],
    ['rtmp', t('push.rtmp'), issued.rtmpUrl],
    ['srt', t('push.srt'), issued.srtUrl],
  ];
  return (
    <div className="panel push-key" data-testid="push-key-panel" role="region" aria-label={t('push.heading', { name: issued.cameraName })}>
      <h3>{t('push.heading', { name: issued.cameraName })}</h3>
      <p className="warn-text">{t('push.once')}</p>
      <dl>
        {rows
          .filter((r) => r[2])
          .map(([id, label, value]) => (
            <div key={id} className="secret-row">
              <dt>{label}</dt>
              <dd>
                <code className="secret" data-testid={`push-${id}`}>
                  {value}
                </code>{' '}
                <CopyButton text={value!} label={label} />
              </dd>
            </div>
          ))}
      </dl>
      <button type="button" className="secondary" onClick={onClose} data-testid="push-key-close">
        {t('push.done')}
      </button>
    </div>
  );
}

function CopyButton({ text, label }: { text: string; label: string }) {
  const { t } = useTranslation('admin');
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className="small secondary"
      aria-label={t('push.copyLabel', { what: label })}
      onClick={() => {
        void navigator.clipboard?.writeText(text).then(
          () => setCopied(true),
          () => setCopied(false),
        );
      }}
    >
      {copied ? t('push.copied') : t('push.copy')}
    </button>
  );
}
