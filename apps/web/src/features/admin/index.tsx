import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import { useOrganisations } from '../../api/data';
import { useMe } from '../../api/me';
import type { Camera, Schemas } from '../../api/types';
import { Dialog } from '../../shared/Dialog';
import { ErrorBox } from '../../shared/ErrorBox';
import { Spinner } from '../../shared/Spinner';
import { CameraForm } from './CameraForm';
import { DialogActions } from './DialogActions';
import { PushKeyPanel, type IssuedKey } from './PushKeyPanel';

type Probe = Schemas['CameraProbeDto'];
type Cap = Schemas['RetentionCapDto'];
const SHARING = ['private', 'analytics', 'on-request', 'live-anonymized'] as const;

/** The statutory cap on a camera's retention: by its jurisdiction and its owner's kind. */
export function capFor(caps: Cap[] | undefined, jurisdiction: string, ownerKind: string | undefined): Cap | undefined {
  return caps?.find((c) => c.jurisdiction === jurisdiction && !!ownerKind && c.ownerKinds.includes(ownerKind));
}

/**
 * Administration: an organisation's administrators manage its cameras (add, edit, sharing with a
 * reason, recording on or off, disable and enable with a reason, delete), test a camera's connection through a media node, and issue
 * the push keys of drones (shown once, with the URLs to publish to).
 */
export default function AdminPage() {
  const { t } = useTranslation('admin');
  const me = useMe();
  const qc = useQueryClient();
  const isAdmin = !!me.data?.roles.includes('admin');
  const cameras = useQuery({ queryKey: ['cameras'], queryFn: () => unwrap(api.GET('/api/v1/cameras')), refetchInterval: 3000 });
  const caps = useQuery({ queryKey: ['retention-caps'], staleTime: Infinity, queryFn: () => unwrap(api.GET('/api/v1/cameras/retention-caps')) });
  const orgs = useOrganisations();
  const myOrg = me.data ? orgs.data?.get(me.data.organisation) : undefined;
  const mine = (cameras.data ?? []).filter((c) => c.organisationId === me.data?.organisation);
  const [dialog, setDialog] = useState<{ kind: 'add' } | { kind: 'edit' | 'sharing' | 'disable' | 'enable' | 'delete'; camera: Camera } | null>(null);
  const [issued, setIssued] = useState<IssuedKey | null>(null);
  const [probes, setProbes] = useState<Record<string, Probe | 'pending' | Error>>({});
  const refresh = () => qc.invalidateQueries({ queryKey: ['cameras'] });

  const probe = async (c: Camera) => {
    setProbes((p) => ({ ...p, [c.id]: 'pending' }));
    try {
      const r = await unwrap(api.POST('/api/v1/cameras/{id}/probe', { params: { path: { id: c.id } } }));
      setProbes((p) => ({ ...p, [c.id]: r }));
    } catch (e) {
      setProbes((p) => ({ ...p, [c.id]: e as Error }));
    }
  };
  const rotate = useMutation({
    mutationFn: (c: Camera) => unwrap(api.POST('/api/v1/cameras/{id}/push-key', { params: { path: { id: c.id } } })).then((k) => ({ ...k, cameraName: c.name })),
    onSuccess: (k) => setIssued(k),
  });
  const toggleRecording = useMutation({
    mutationFn: (c: Camera) => unwrap(api.PATCH('/api/v1/cameras/{id}', { params: { path: { id: c.id } }, body: { recordingEnabled: !c.recordingEnabled } })),
    onSuccess: refresh,
  });

  return (
    <div className="page admin">
      <h1>{t('title')}</h1>
      {!isAdmin && me.data && <p className="muted">{t('notAdmin')}</p>}
      {myOrg && <p className="muted">{t('organisation', { name: myOrg.name, country: myOrg.country })}</p>}
      <h2>{t('cameras.heading')}</h2>
      {isAdmin && (
        <button type="button" onClick={() => setDialog({ kind: 'add' })} data-testid="add-camera">
          {t('cameras.add')}
        </button>
      )}
      {issued && <PushKeyPanel issued={issued} onClose={() => setIssued(null)} />}
      {rotate.isError && <ErrorBox error={rotate.error} />}
      {toggleRecording.isError && <ErrorBox error={toggleRecording.error} />}
      {cameras.isError && <ErrorBox error={cameras.error} />}
      {cameras.isPending ? (
        <Spinner />
      ) : mine.length === 0 ? (
        <p className="muted">{t('cameras.none')}</p>
      ) : (
        <div className="scroll-x">
          <table className="table compact" data-testid="cameras">
            <thead>
              <tr>
                <th scope="col">{t('cameras.name')}</th>
                <th scope="col">{t('cameras.ingest')}</th>
                <th scope="col">{t('cameras.state')}</th>
                <th scope="col">{t('cameras.sharing')}</th>
                <th scope="col">{t('cameras.retention')}</th>
                <th scope="col">{t('cameras.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {mine.map((c) => {
                const cap = capFor(caps.data, c.jurisdiction, myOrg?.kind);
                const pr = probes[c.id];
                return (
                  <tr key={c.id} data-camera={c.name} data-state={c.state}>
                    <th scope="row">
                      {c.name}
                      <div className="small muted">
                        {t(`kind.${c.kind}`)} · {c.jurisdiction}
                      </div>
                    </th>
                    <td className="small">
                      {c.ingest.type === 'rtsp' ? <code>{c.ingest.url}</code> : t('cameras.push', { protocol: (c.ingest.protocol ?? 'rtmp').toUpperCase() })}
                      {pr && (
                        <div data-testid="probe-result" data-ok={pr !== 'pending' && !(pr instanceof Error) ? String(pr.ok) : undefined} role="status">
                          {pr === 'pending' ? (
                            t('probe.running')
                          ) : pr instanceof Error ? (
                            <span className="danger-text">{pr.message}</span>
                          ) : pr.ok ? (
                            <span className="ok-text">
                              {t('probe.ok', { codec: pr.codec?.toUpperCase(), profile: pr.profile ?? '', width: pr.width, height: pr.height, fps: pr.fps })}
                            </span>
                          ) : (
                            <span className="danger-text">
                              {t('probe.failed')} <span translate="no">{pr.reason}</span>
                            </span>
                          )}
                        </div>
                      )}
                    </td>
                    <td>
                      <span className={`badge camera-${c.state}`}>{t(`state.${c.state}`)}</span>
                      {c.stateReason && (
                        <div className="small" translate="no">
                          {c.stateReason}
                        </div>
                      )}
                    </td>
                    <td>{t(`sharing.${c.sharing}`)}</td>
                    <td className="small">
                      {t('cameras.days', { n: c.retentionDays })}
                      {cap && <div className="muted">{t('cameras.capShort', { n: cap.maxDays })}</div>}
                      {!c.recordingEnabled && <div className="muted">{t('cameras.recordingOff')}</div>}
                    </td>
                    <td className="actions">
                      {isAdmin && (
                        <>
                          {c.ingest.type === 'rtsp' ? (
                            <button type="button" className="small" onClick={() => void probe(c)} disabled={pr === 'pending'} data-testid="probe">
                              {t('probe.run')}
                            </button>
                          ) : (
                            <button type="button" className="small" onClick={() => rotate.mutate(c)} disabled={rotate.isPending} data-testid="rotate-key">
                              {t('push.rotate')}
                            </button>
                          )}
                          <button type="button" className="small secondary" onClick={() => setDialog({ kind: 'edit', camera: c })} data-testid="edit">
                            {t('cameras.edit')}
                          </button>
                          <button type="button" className="small secondary" onClick={() => setDialog({ kind: 'sharing', camera: c })} data-testid="sharing">
                            {t('cameras.sharing')}
                          </button>
                          <button type="button" className="small secondary" onClick={() => toggleRecording.mutate(c)} data-testid="toggle-recording">
                            {c.recordingEnabled ? t('cameras.disableRecording') : t('cameras.enableRecording')}
                          </button>
                          {c.state === 'disabled' ? (
                            <button type="button" className="small secondary" onClick={() => setDialog({ kind: 'enable', camera: c })} data-testid="enable">
                              {t('cameras.enable')}
                            </button>
                          ) : (
                            <button type="button" className="small secondary" onClick={() => setDialog({ kind: 'disable', camera: c })} data-testid="disable">
                              {t('cameras.disable')}
                            </button>
                          )}
                          <button type="button" className="small danger" onClick={() => setDialog({ kind: 'delete', camera: c })} data-testid="delete">
                            {t('cameras.delete')}
                          </button>
                        </>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {caps.data && caps.data.length > 0 && (
        <>
          <h2>{t('caps.heading')}</h2>
          <ul className="small" data-testid="caps">
            {caps.data.map((c) => (
              <li key={`${c.jurisdiction}-${c.maxMonths}`}>
                {t('caps.item', {
                  jurisdiction: c.jurisdiction,
                  kinds: c.ownerKinds.map((k) => t(`ownerKind.${k}`, { defaultValue: k })).join(', '),
                  months: c.maxMonths,
                  days: c.maxDays,
                })}{' '}
                <span className="muted" translate="no">
                  {c.source}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}

      {dialog?.kind === 'add' && (
        <Dialog title={t('cameras.add')} onClose={() => setDialog(null)} testId="camera-dialog">
          <CameraForm
            country={myOrg?.country ?? me.data?.country ?? 'CZ'}
            cap={(j) => capFor(caps.data, j, myOrg?.kind)}
            onCancel={() => setDialog(null)}
            onSaved={(c, key) => {
              setDialog(null);
              void refresh();
              if (key) setIssued({ ...key, cameraName: c.name });
            }}
          />
        </Dialog>
      )}
      {dialog?.kind === 'edit' && (
        <Dialog title={t('cameras.editTitle', { name: dialog.camera.name })} onClose={() => setDialog(null)} testId="camera-dialog">
          <CameraForm
            camera={dialog.camera}
            country={dialog.camera.jurisdiction}
            cap={(j) => capFor(caps.data, j, myOrg?.kind)}
            onCancel={() => setDialog(null)}
            onSaved={() => {
              setDialog(null);
              void refresh();
            }}
          />
        </Dialog>
      )}
      {dialog?.kind === 'sharing' && <SharingDialog camera={dialog.camera} onClose={() => setDialog(null)} onSaved={refresh} />}
      {(dialog?.kind === 'disable' || dialog?.kind === 'enable') && (
        <DisableDialog camera={dialog.camera} disable={dialog.kind === 'disable'} onClose={() => setDialog(null)} onSaved={refresh} />
      )}
      {dialog?.kind === 'delete' && <DeleteDialog camera={dialog.camera} onClose={() => setDialog(null)} onSaved={refresh} />}
    </div>
  );
}

function SharingDialog({ camera, onClose, onSaved }: { camera: Camera; onClose: () => void; onSaved: () => void }) {
  const { t } = useTranslation('admin');
  const [sharing, setSharing] = useState(camera.sharing);
  const [reason, setReason] = useState('');
  const save = useMutation({
    mutationFn: () => unwrap(api.PUT('/api/v1/cameras/{id}/sharing', { params: { path: { id: camera.id } }, body: { sharing, reason: reason.trim() } })),
    onSuccess: () => {
      onSaved();
      onClose();
    },
  });
  return (
    <Dialog title={t('sharingDialog.title', { name: camera.name })} onClose={onClose} testId="sharing-dialog">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <fieldset className="radios">
          <legend>{t('cameras.sharing')}</legend>
          {SHARING.map((s) => (
            <label key={s} className="checkbox">
              <input type="radio" name="sharing" value={s} checked={sharing === s} onChange={() => setSharing(s)} />
              <span>
                <strong>{t(`sharing.${s}`)}</strong> <span className="small muted">{t(`sharingHelp.${s}`)}</span>
              </span>
            </label>
          ))}
        </fieldset>
        <DialogActions
          reason={{ label: t('sharingDialog.reason'), value: reason, onChange: setReason, testId: 'sharing-reason' }}
          error={save.isError ? save.error : null}
          pending={save.isPending}
          confirm={{ label: t('form.save'), testId: 'sharing-save' }}
          onCancel={onClose}
        />
      </form>
    </Dialog>
  );
}

/** Disabling stops the camera's ingest and live sessions (recordings stay); both ways need a reason for the audit trail. */
function DisableDialog({ camera, disable, onClose, onSaved }: { camera: Camera; disable: boolean; onClose: () => void; onSaved: () => void }) {
  const { t } = useTranslation('admin');
  const [reason, setReason] = useState('');
  const save = useMutation({
    mutationFn: () => {
      const req = { params: { path: { id: camera.id } }, body: { reason: reason.trim() } };
      return unwrap(disable ? api.POST('/api/v1/cameras/{id}/disable', req) : api.POST('/api/v1/cameras/{id}/enable', req));
    },
    onSuccess: () => {
      onSaved();
      onClose();
    },
  });
  return (
    <Dialog title={disable ? t('disableDialog.title', { name: camera.name }) : t('enableDialog.title', { name: camera.name })} onClose={onClose} testId="disable-dialog">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <p>{disable ? t('disableDialog.text') : t('enableDialog.text')}</p>
        <DialogActions
          reason={{ label: t('disableDialog.reason'), value: reason, onChange: setReason, testId: 'disable-reason' }}
          error={save.isError ? save.error : null}
          pending={save.isPending}
          confirm={{ label: disable ? t('cameras.disable') : t('cameras.enable'), testId: 'disable-confirm' }}
          onCancel={onClose}
        />
      </form>
    </Dialog>
  );
}

function DeleteDialog({ camera, onClose, onSaved }: { camera: Camera; onClose: () => void; onSaved: () => void }) {
  const { t } = useTranslation('admin');
  const del = useMutation({
    mutationFn: () => unwrap(api.DELETE('/api/v1/cameras/{id}', { params: { path: { id: camera.id } } })),
    onSuccess: () => {
      onSaved();
      onClose();
    },
  });
  return (
    <Dialog title={t('deleteDialog.title', { name: camera.name })} onClose={onClose} testId="delete-dialog">
      <p>{t('deleteDialog.text')}</p>
      <DialogActions
        error={del.isError ? del.error : null}
        pending={del.isPending}
        confirm={{ label: t('cameras.delete'), testId: 'delete-confirm', danger: true }}
        onCancel={onClose}
        onConfirm={() => del.mutate()}
      />
    </Dialog>
  );
}
