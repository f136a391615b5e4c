import { useEffect, useRef, useState } from 'react';

/**
 * Text being edited: follows the document until the field has focus, then keeps what the user types
 * until it is committed (one undo entry per edit, not per keystroke).
 */
export function useDraft(value: string) {
  const [draft, setDraft] = useState(value);
  const focused = useRef(false);
  useEffect(() => {
    if (!focused.current) setDraft(value);
  }, [value]);
  return {
    draft,
    setDraft,
    focus: () => {
      focused.current = true;
    },
    blur: () => {
      focused.current = false;
    },
    reset: () => setDraft(value),
  };
}
