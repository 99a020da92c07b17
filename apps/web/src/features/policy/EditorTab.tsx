import { lazy, Suspense, useEffect, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../api/client';
import { ErrorBox } from '../../shared/ErrorBox';
import { Spinner } from '../../shared/Spinner';
import type { PolicyVersion } from './api';

// CodeMirror is its own chunk: only the policy console loads it.
const CedarEditor = lazy(() => import('./CedarEditor'));

/** Waits until the value has stopped changing for `ms`. */
function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const id = setTimeout(() => setV(value), ms);
    return () => clearTimeout(id);
  }, [value, ms]);
  return v;
}

export interface EditorProps {
  jurisdiction: string;
  canEdit: boolean;
  versions: PolicyVersion[];
  base?: PolicyVersion;
  baseText?: string;
  text: string;
  setText: (t: string) => void;
  openVersion: (v: number) => void;
}

/** The Cedar text of a version in the editor; validated by the gateway as the officer types; saved as a draft. */
export function EditorTab({ jurisdiction, canEdit, versions, base, baseText, text, setText, openVersion }: EditorProps) {
  const { t } = useTranslation('policy');
  const qc = useQueryClient();
  const checked = useDebounced(text, 400);
  const validation = useQuery({
    queryKey: ['policies', jurisdiction, 'validate', checked],
    enabled: canEdit && checked !== '',
    placeholderData: (prev) => prev,
    queryFn: () => unwrap(api.POST('/api/v1/policies/{jurisdiction}/validate', { params: { path: { jurisdiction } }, body: { text: checked } })),
  });
  const [reason, setReason] = useState('');
  const [jumpTo, setJumpTo] = useState<{ line: number; column: number } | undefined>();
  const save = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/policies/{jurisdiction}/drafts', { params: { path: { jurisdiction } }, body: { text, reason: reason.trim() || undefined } })),
    onSuccess: async (v) => {
      setReason('');
      await qc.invalidateQueries({ queryKey: ['policies', jurisdiction, 'versions'] });
      qc.setQueryData(['policies', jurisdiction, 'version', v.version], { ...v, text });
      openVersion(v.version);
    },
  });
  const report = validation.data;
  const current = checked === text && !validation.isFetching;
  const errors = report?.problems.filter((p) => p.severity === 'error') ?? [];
  const changed = baseText !== undefined && text !== baseText;

  return (
    <section aria-labelledby="editor-heading">
      <h2 id="editor-heading">{t('editor.heading')}</h2>
      <div className="toolbar">
        <label>
          {t('editor.version')}
          <select value={base?.version ?? ''} onChange={(e) => openVersion(Number(e.target.value))} data-testid="open-version">
            {versions.map((v) => (
              <option key={v.version} value={v.version}>
                {t('versionLabel', { version: v.version, state: t(`state.${v.state}`) })}
              </option>
            ))}
          </select>
        </label>
        {changed && (
          <span className="badge neutral" data-testid="unsaved">
            {t('editor.unsaved')}
          </span>
        )}
        {!canEdit && <span className="muted">{t('editor.readOnly')}</span>}
      </div>
      {baseText === undefined ? (
        <Spinner />
      ) : (
        <Suspense fallback={<Spinner />}>
          <CedarEditor
            value={text}
            onChange={setText}
            readOnly={!canEdit}
            problems={current ? report?.problems : undefined}
            label={t('editor.label', { jurisdiction })}
            jumpTo={jumpTo}
          />
        </Suspense>
      )}
      {canEdit && (
        <div className="validation" aria-live="polite" data-testid="validation" data-state={!report || !current ? 'checking' : report.valid ? 'valid' : 'invalid'}>
          {!report || !current ? (
            <p className="muted">{t('editor.checking')}</p>
          ) : report.valid ? (
            <p className="ok-text">{t('editor.valid', { n: report.policies.length })}</p>
          ) : (
            <p className="danger-text">{t('editor.invalid', { n: errors.length })}</p>
          )}
          {report && report.problems.length > 0 && (
            <ul className="problems" data-testid="problems">
              {report.problems.map((p, i) => (
                <li key={i} data-line={p.line} data-column={p.column} className={p.severity}>
                  {p.line ? (
                    <button type="button" className="link" onClick={() => setJumpTo({ line: p.line!, column: p.column ?? 1 })}>
                      {t('editor.at', { line: p.line, column: p.column ?? 1 })}
                    </button>
                  ) : (
                    <strong>{t(`severity.${p.severity}`)}</strong>
                  )}{' '}
                  <span translate="no">{p.message}</span>
                  {p.policyId ? <span className="muted"> ({p.policyId})</span> : null}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {canEdit && (
        <form
          className="toolbar"
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate();
          }}
        >
          <label className="grow">
            {t('editor.reason')}
            <input value={reason} onChange={(e) => setReason(e.target.value)} maxLength={2000} data-testid="draft-reason" />
          </label>
          <button type="submit" disabled={!changed || !report?.valid || !current || save.isPending} data-testid="save-draft">
            {t('editor.save')}
          </button>
        </form>
      )}
      {save.isError && <ErrorBox error={save.error} />}
      {save.isSuccess && (
        <p role="status" data-testid="saved">
          {t('editor.saved', { version: save.data.version })}
        </p>
      )}
    </section>
  );
}
