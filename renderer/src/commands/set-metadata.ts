import { defineCommand, type Command } from './command.js';

export function setGraphName(name: string): Command {
  return defineCommand('Rename graph', (doc) => {
    const t = name.trim();
    if (t === '') {
      if (doc.metadata) delete doc.metadata.name;
    } else doc.metadata = { ...(doc.metadata ?? {}), name: t };
  });
}
