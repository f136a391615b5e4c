import { describe, expect, it } from 'vitest';
import { createCloseGuard, type CloseChoice } from '../../../main/electron/close-guard.js';

function setup(choice: CloseChoice) {
  const log: string[] = [];
  const guard = createCloseGuard({
    ask: async (s) => {
      log.push(`ask ${s.name}`);
      return choice;
    },
    requestSaveAndClose: () => log.push('save-and-close'),
    closedCleanly: async (p) => void log.push(`clean ${p}`),
    close: () => {
      log.push('close');
      if (!guard.onClose()) log.push('closed');
    },
  });
  return { guard, log };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('unsaved-changes prompt', () => {
  it('closes a clean document without asking and forgets its autosave', async () => {
    const { guard, log } = setup('cancel');
    guard.setState({ path: '/g.json', name: 'g', dirty: false });
    expect(guard.onClose()).toBe(true);
    await tick();
    expect(log).toEqual(['clean /g.json', 'close', 'closed']);
  });

  it('asks for a dirty document; Cancel keeps the window', async () => {
    const { guard, log } = setup('cancel');
    guard.setState({ path: null, name: 'Untitled', dirty: true });
    expect(guard.onClose()).toBe(true);
    expect(guard.onClose()).toBe(true);
    await tick();
    expect(log).toEqual(['ask Untitled']);
  });

  it("Don't Save closes and forgets the autosave", async () => {
    const { guard, log } = setup('discard');
    guard.setState({ path: '/g.json', name: 'g', dirty: true });
    guard.onClose();
    await tick();
    await tick();
    expect(log).toEqual(['ask g', 'clean /g.json', 'close', 'closed']);
  });

  it('Save asks the renderer to save and close; closeWindow then closes', async () => {
    const { guard, log } = setup('save');
    guard.setState({ path: '/g.json', name: 'g', dirty: true });
    guard.onClose();
    await tick();
    expect(log).toEqual(['ask g', 'save-and-close']);
    guard.setState({ path: '/g.json', name: 'g', dirty: false });
    guard.closeNow();
    await tick();
    expect(log).toEqual(['ask g', 'save-and-close', 'clean /g.json', 'close', 'closed']);
  });
});
