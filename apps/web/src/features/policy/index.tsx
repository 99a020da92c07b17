import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMe } from '../../api/me';
import { ErrorBox } from '../../shared/ErrorBox';
import { Spinner } from '../../shared/Spinner';
import { useCameras, usePolicies, useVersion, useVersions, type DraftChoice } from './api';
import { EditorTab } from './EditorTab';
import { HistoryTab } from './HistoryTab';
import { SimulatorTab } from './SimulatorTab';

const TABS = ['editor', 'simulator', 'history'] as const;
type Tab = (typeof TABS)[number];

/**
 * The policy console: legal officers of a jurisdiction write its Cedar rules, try them in the
 * simulator against the active ones, and activate, co-sign or roll back versions. Everyone else
 * reads the active rules.
 */
export default function PolicyPage() {
  const { t } = useTranslation('policy');
  const me = useMe();
  const policies = usePolicies();
  const [chosen, setChosen] = useState<string | undefined>();
  const jurisdiction = chosen ?? (policies.data?.some((p) => p.jurisdiction === me.data?.country) ? me.data?.country : policies.data?.[0]?.jurisdiction);
  return (
    <div className="page policy">
      <h1>{t('title')}</h1>
      {policies.isError && <ErrorBox error={policies.error} />}
      {policies.isPending || !jurisdiction ? (
        <Spinner />
      ) : (
        <>
          <div className="toolbar">
            <label>
              {t('jurisdiction')}
              <select value={jurisdiction} onChange={(e) => setChosen(e.target.value)} data-testid="jurisdiction">
                {policies.data!.map((p) => (
                  <option key={p.jurisdiction} value={p.jurisdiction}>
                    {t(`common:country.${p.jurisdiction}`, { defaultValue: p.jurisdiction })}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <Console key={jurisdiction} jurisdiction={jurisdiction} canEdit={!!policies.data!.find((p) => p.jurisdiction === jurisdiction)?.canEdit} />
        </>
      )}
    </div>
  );
}

function Console({ jurisdiction, canEdit }: { jurisdiction: string; canEdit: boolean }) {
  const { t } = useTranslation('policy');
  const versions = useVersions(jurisdiction);
  const cameras = useCameras();
  const [tab, setTab] = useState<Tab>('editor');
  const [opened, setOpened] = useState<number | undefined>();
  const active = versions.data?.find((v) => v.state === 'active');
  const baseNumber = opened ?? active?.version;
  const base = useVersion(jurisdiction, baseNumber);
  const activeFull = useVersion(jurisdiction, active?.version);
  const [text, setText] = useState<string | null>(null);
  useEffect(() => {
    // A newly opened version replaces the editor's text.
    setText(null);
  }, [baseNumber]);
  const baseText = base.data?.text;
  const shown = text ?? baseText ?? '';
  const jCameras = useMemo(() => (cameras.data ?? []).filter((c) => c.jurisdiction === jurisdiction), [cameras.data, jurisdiction]);
  const [cameraId, setCameraId] = useState<string | undefined>();
  const camera = cameraId ?? jCameras[0]?.id;

  // The simulator compares the active rules with: the unsaved text, else the opened version when it is not the active one.
  const baseMeta = versions.data?.find((v) => v.version === baseNumber);
  let draft: DraftChoice | undefined;
  let draftLabel = t('sim.againstNone');
  if (text !== null && text !== activeFull.data?.text) {
    draft = { text };
    draftLabel = t('sim.againstText');
  } else if (baseMeta && baseMeta.state !== 'active' && text === null) {
    draft = { draftVersion: baseMeta.version };
    draftLabel = t('sim.againstVersion', { version: baseMeta.version });
  }

  if (versions.isError) return <ErrorBox error={versions.error} />;
  if (versions.isPending) return <Spinner />;
  const tabs = canEdit ? TABS : (['editor', 'history'] as const);
  return (
    <>
      <p className="muted" data-testid="active-version">
        {active ? (
          <>
            {t('activeIs', { version: active.version })} <span translate="no">({active.activatedBy ?? active.createdBy})</span>
          </>
        ) : (
          t('noActive')
        )}
      </p>
      <div role="tablist" aria-label={t('tabs.label')} className="tabs">
        {tabs.map((k) => (
          <button
            key={k}
            type="button"
            role="tab"
            id={`tab-${k}`}
            aria-selected={tab === k}
            tabIndex={tab === k ? 0 : -1}
            className={tab === k ? 'tab active' : 'tab'}
            onClick={() => setTab(k)}
            data-testid={`tab-${k}`}
          >
            {t(`tabs.${k}`)}
          </button>
        ))}
      </div>
      <div role="tabpanel" aria-labelledby={`tab-${tab}`} className="tab-panel">
        {tab === 'editor' && (
          <EditorTab
            jurisdiction={jurisdiction}
            canEdit={canEdit}
            versions={versions.data}
            base={baseMeta}
            baseText={baseText}
            text={shown}
            setText={(s) => setText(s === baseText ? null : s)}
            openVersion={(v) => {
              setOpened(v);
              setText(null);
            }}
          />
        )}
        {tab === 'simulator' && <SimulatorTab jurisdiction={jurisdiction} cameras={jCameras} cameraId={camera} setCameraId={setCameraId} draft={draft} draftLabel={draftLabel} />}
        {tab === 'history' && (
          <HistoryTab
            jurisdiction={jurisdiction}
            canEdit={canEdit}
            versions={versions.data}
            cameras={jCameras}
            cameraId={camera}
            openVersion={(v) => {
              setOpened(v);
              setText(null);
              setTab('editor');
            }}
          />
        )}
      </div>
    </>
  );
}
