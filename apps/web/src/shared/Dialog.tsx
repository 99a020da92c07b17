import { useEffect, useRef, type ReactNode } from 'react';

/**
 * A modal dialog (the native <dialog>: focus stays inside, Escape closes it). Rendered open while
 * mounted; `onClose` runs when the user dismisses it.
 */
export function Dialog({ title, onClose, children, testId }: { title: string; onClose: () => void; children: ReactNode; testId?: string }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current!;
    if (!d.open) d.showModal();
    const cancel = (e: Event) => {
      e.preventDefault();
      onClose();
    };
    d.addEventListener('cancel', cancel);
    return () => d.removeEventListener('cancel', cancel);
  }, [onClose]);
  return (
    <dialog ref={ref} className="dialog" aria-labelledby="dialog-title" data-testid={testId}>
      <h2 id="dialog-title">{title}</h2>
      {children}
    </dialog>
  );
}
