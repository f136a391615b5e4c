import { CLIPBOARD_SHORTCUTS, MOUSE_GESTURES, SHORTCUTS, type Shortcut } from '../shortcuts/shortcut-table.js';
import { displayCombo } from '../shortcuts/key-combo.js';
import { isMacPlatform } from '../shortcuts/platform.js';
import { useAppStore } from '../store/store-context.js';
import { Dialog } from './Dialog.js';

const GROUPS: readonly Shortcut['group'][] = ['File', 'Edit', 'Canvas', 'Run', 'Help'];

export function ShortcutsDialog() {
  const open = useAppStore((s) => s.dialog.kind === 'shortcuts');
  const setDialog = useAppStore((s) => s.setDialog);
  if (!open) return null;
  const mac = isMacPlatform();
  const keys = (combos: readonly string[]) => combos.map((c) => <kbd key={c}>{displayCombo(c, mac)}</kbd>);
  return (
    <Dialog title="Keyboard shortcuts" onClose={() => setDialog({ kind: 'none' })}>
      <div className="shortcut-groups">
        {GROUPS.map((g) => (
          <section key={g}>
            <h3>{g}</h3>
            <table className="shortcut-table">
              <tbody>
                {SHORTCUTS.filter((s) => s.group === g).map((s) => (
                  <tr key={s.action}>
                    <td>{keys(s.combos)}</td>
                    <td>{s.description}</td>
                  </tr>
                ))}
                {g === 'Edit' &&
                  CLIPBOARD_SHORTCUTS.map((c) => (
                    <tr key={c.combo}>
                      <td>{keys([c.combo])}</td>
                      <td>{c.description}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </section>
        ))}
        <section>
          <h3>Mouse</h3>
          <table className="shortcut-table">
            <tbody>
              {MOUSE_GESTURES.map((m) => (
                <tr key={m.gesture}>
                  <td>{m.gesture}</td>
                  <td>{m.description}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      </div>
    </Dialog>
  );
}
