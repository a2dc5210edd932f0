import { type ReactNode, useEffect, useRef, useState } from 'react';

interface Props {
  open: boolean;
  title: string;
  onClose: () => void;
  children: ReactNode;
}

/** A modal on the browser's own <dialog>: focus kept inside, Escape closes it. */
export function Dialog({ open, title, onClose, children }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={ref} onClose={onClose} aria-label={title}>
      {open && (
        <>
          <h2 className="dialog-title">{title}</h2>
          {children}
        </>
      )}
    </dialog>
  );
}

interface ConfirmProps {
  label: string;
  question: string;
  /** The action, run once confirmed; its error is shown in the dialog. */
  onConfirm: () => Promise<unknown>;
  danger?: boolean;
}

/** A button that asks before it acts (kill, retry). */
export function ConfirmButton({ label, question, onConfirm, danger }: ConfirmProps) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await onConfirm();
      setOpen(false);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" className={danger ? 'danger' : undefined} onClick={() => setOpen(true)}>
        {label}
      </button>
      <Dialog open={open} title={label} onClose={() => setOpen(false)}>
        <p>{question}</p>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" onClick={() => setOpen(false)}>
            Cancel
          </button>
          <button type="button" className={danger ? 'danger' : 'primary'} onClick={confirm} disabled={busy}>
            {label}
          </button>
        </div>
      </Dialog>
    </>
  );
}
