import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTimeInput, parseDateTimeInput } from '../i18n/date-input';

interface Props {
  label: ReactNode;
  /** As of <input type="datetime-local">: YYYY-MM-DDTHH:mm[:ss] in the browser's time zone, '' for none. */
  value: string;
  /** The new value, or '' while the text is empty or no valid date and time. */
  onChange: (value: string) => void;
  onBlur?: () => void;
  /** With seconds (the datetime-local step=1). */
  seconds?: boolean;
  required?: boolean;
  testId?: string;
}

/**
 * A date and time field in the page's language with its format shown below it (see
 * i18n/date-input.ts: Chromium's datetime-local follows the browser's locale, not the page's).
 * The input carries its value also as data-value.
 */
export function DateTimeField({ label, value, onChange, onBlur, seconds = false, required, testId }: Props) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [text, setText] = useState(() => formatDateTimeInput(value, lang, seconds));
  const shownLang = useRef(lang);
  const input = useRef<HTMLInputElement>(null);
  const inputId = useId();
  const hintId = useId();
  const errorId = useId();

  // A value set from outside (the timeline, a reset) or another language rewrites the text; the
  // value the text itself stands for does not, so typing is never reformatted under the cursor.
  useEffect(() => {
    // Read before the update function runs (it runs at the next render, after the ref has moved on).
    const otherLanguage = shownLang.current !== lang;
    shownLang.current = lang;
    setText((cur) => (otherLanguage || (parseDateTimeInput(cur, seconds) ?? '') !== value ? formatDateTimeInput(value, lang, seconds) : cur));
  }, [value, lang, seconds]);

  const invalid = text.trim() !== '' && parseDateTimeInput(text, seconds) === null;
  const hint = seconds ? t('dateTime.hintSeconds') : t('dateTime.hint');
  const message = invalid ? t('dateTime.invalid', { hint, example: formatDateTimeInput('2026-12-24T18:30:00', lang, seconds) }) : '';
  useEffect(() => input.current?.setCustomValidity(message), [message]);

  // The hint and the error sit outside the label: they describe the field, they do not name it.
  return (
    <div className="date-time-field">
      <label htmlFor={inputId}>{label}</label>
      <input
        id={inputId}
        ref={input}
        type="text"
        inputMode="numeric"
        autoComplete="off"
        spellCheck={false}
        size={seconds ? 19 : 16}
        required={required}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          onChange(parseDateTimeInput(e.target.value, seconds) ?? '');
        }}
        onBlur={() => {
          const v = parseDateTimeInput(text, seconds);
          if (v) setText(formatDateTimeInput(v, lang, seconds));
          onBlur?.();
        }}
        aria-invalid={invalid || undefined}
        aria-describedby={invalid ? `${hintId} ${errorId}` : hintId}
        data-testid={testId}
        data-value={value}
      />
      {/* The format mask is literal text to type (dd.mm.rrrr): no machine translation, and no i18n key. */}
      <span id={hintId} className="field-hint" translate="no">
        {hint}
      </span>
      {invalid && (
        <span id={errorId} className="field-error">
          {message}
        </span>
      )}
    </div>
  );
}
