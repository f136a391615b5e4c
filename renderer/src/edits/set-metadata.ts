import { defineEdit, type Edit } from './edit.js';

export function setGraphName(name: string): Edit {
  return defineEdit('Rename graph', (doc) => {
    const t = name.trim();
    if (t === '') {
      if (doc.metadata) delete doc.metadata.name;
    } else doc.metadata = { ...(doc.metadata ?? {}), name: t };
  });
}
