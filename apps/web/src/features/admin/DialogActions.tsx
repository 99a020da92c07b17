import { useTranslation } from 'react-i18next';
import { ErrorBox } from '../../shared/ErrorBox';

export interface DialogReason {
  label: string;
  value: string;
  onChange: (value: string) => void;
  testId: string;
}

/**
 * The end of every administration dialog: the reason when the change needs one (for the audit
 * trail; the confirming button waits for it), the error of the last try, then Cancel and the
 * confirming button. Without `onConfirm` the button submits the dialog's form.
 */
export function DialogActions(props: {
  reason?: DialogReason;
  error: unknown;
  pending: boolean;
  confirm: { label: string; testId: string; danger?: boolean };
  onCancel: () => void;
  onConfirm?: () => void;
}) {
  const { t } = useTranslation('admin');
  const { reason, error, pending, confirm, onCancel, onConfirm } = props;
  return (
    <>
      {reason && (
        <label className="block">
          {reason.label}
          <textarea value={reason.value} onChange={(e) => reason.onChange(e.target.value)} required maxLength={500} rows={2} data-testid={reason.testId} />
        </label>
      )}
      {error ? <ErrorBox error={error} /> : null}
      <div className="toolbar end">
        <button type="button" className="secondary" onClick={onCancel} data-testid="dialog-cancel">
          {t('form.cancel')}
        </button>
        <button
          type={onConfirm ? 'button' : 'submit'}
          className={confirm.danger ? 'danger' : undefined}
          onClick={onConfirm}
          disabled={pending || (reason !== undefined && !reason.value.trim())}
          data-testid={confirm.testId}
        >
          {confirm.label}
        </button>
      </div>
    </>
  );
}
