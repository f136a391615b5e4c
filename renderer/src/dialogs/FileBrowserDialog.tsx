import { useCallback, useEffect, useRef, useState } from 'react';
import type { DirectoryListing } from '../../../shared/ipc/files.js';
import { usePlatform } from '../api/api-context.js';
import { formatBytes } from '../format/format.js';
import { useAppStore } from '../store/store-context.js';
import type { FileDialogRequest } from '../store/dialog-slice.js';
import { Dialog } from './Dialog.js';
import { joinPath, parentPath } from '../graph/paths.js';

const ALL_FILES = -1;

function Browser({ request }: { readonly request: FileDialogRequest }) {
  const { api } = usePlatform();
  const close = useAppStore((s) => s.closeFileDialog);
  const [listing, setListing] = useState<DirectoryListing | null>(null);
  const [pathText, setPathText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [name, setName] = useState(request.suggestedName ?? '');
  const [filterIndex, setFilterIndex] = useState(request.filters.length > 0 ? 0 : ALL_FILES);
  const [showHidden, setShowHidden] = useState(false);

  // Listings can arrive out of order (a slow first listing after the user already navigated): only the
  // answer to the latest request is shown.
  const latest = useRef(0);
  // While a folder is being listed, choosing waits: the answer would name the folder shown before.
  const [loading, setLoading] = useState(true);
  const list = useCallback(
    async (path: string | undefined): Promise<DirectoryListing | null> => {
      const ticket = ++latest.current;
      setLoading(true);
      const filter = filterIndex === ALL_FILES ? undefined : request.filters[filterIndex];
      try {
        const l = await api.listDirectory({ ...(path !== undefined ? { path } : {}), ...(filter ? { filters: [{ name: filter.name, extensions: [...filter.extensions] }] } : {}), showHidden });
        return ticket === latest.current ? l : null;
      } finally {
        if (ticket === latest.current) setLoading(false);
      }
    },
    [api, filterIndex, request.filters, showHidden],
  );

  const show = (l: DirectoryListing, select: string | null = null): void => {
    setListing(l);
    setPathText(l.path);
    setSelected(select);
    setError(null);
  };

  const go = useCallback(
    async (path: string | undefined) => {
      try {
        const l = await list(path);
        if (l) show(l);
      } catch (e) {
        setError(e instanceof Error ? e.message : String(e));
      }
    },
    [list],
  );

  // First listing: the default path's folder (a folder itself, or the folder of a file, which is then
  // selected), else the server's start folder. Later, re-list the current folder when the filter changes.
  const current = listing?.path;
  useEffect(() => {
    let live = true;
    const first = async (): Promise<void> => {
      if (current !== undefined) return void (await go(current));
      const wanted = request.defaultPath;
      const attempts: { path: string | undefined; select: string | null }[] = wanted === undefined ? [] : [{ path: wanted, select: null }];
      const parent = wanted !== undefined ? parentPath(wanted) : undefined;
      if (parent !== undefined) attempts.push({ path: parent, select: wanted ?? null });
      attempts.push({ path: undefined, select: null });
      for (const a of attempts) {
        try {
          const l = await list(a.path);
          if (live && l) show(l, a.select);
          return;
        } catch {
          // Try the next candidate.
        }
      }
    };
    void first();
    return () => {
      live = false;
    };
    // `current` is read, not watched: navigation calls go() itself.
  }, [list]);

  const entries = listing?.entries ?? [];
  const chosenEntry = entries.find((e) => e.path === selected);
  const canChoose = ((): boolean => {
    if (loading || listing === null) return false;
    if (request.mode === 'save') return name.trim() !== '';
    if (request.mode === 'directory') return true;
    return chosenEntry !== undefined && (chosenEntry.kind === 'file' || request.allowDirectory);
  })();
  const choose = (): void => {
    if (!listing || !canChoose) return;
    if (request.mode === 'save') close(joinPath(listing.path, name.trim()));
    else if (request.mode === 'directory') close(chosenEntry?.kind === 'directory' ? chosenEntry.path : listing.path);
    else if (chosenEntry) close(chosenEntry.path);
  };
  const actionLabel = request.mode === 'save' ? 'Save' : request.mode === 'directory' ? 'Choose folder' : 'Open';
  return (
    <Dialog
      title={request.title}
      onClose={() => close(null)}
      footer={
        <>
          <label className="row" style={{ marginRight: 'auto', gap: 4 }}>
            <input type="checkbox" checked={showHidden} onChange={(e) => setShowHidden(e.target.checked)} /> Hidden files
          </label>
          <button type="button" className="btn" onClick={() => close(null)}>
            Cancel
          </button>
          <button type="button" className="btn primary" disabled={!canChoose} onClick={choose}>
            {actionLabel}
          </button>
        </>
      }
    >
      <div className="file-browser">
        <div className="path-bar">
          <button type="button" className="btn" aria-label="Parent folder" disabled={!listing?.parent} onClick={() => listing?.parent && void go(listing.parent)}>
            ↑
          </button>
          <input
            type="text"
            aria-label="Folder"
            value={pathText}
            onChange={(e) => setPathText(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                void go(pathText);
              }
            }}
          />
          <button type="button" className="btn" onClick={() => void go(pathText)}>
            Go
          </button>
          {request.filters.length > 0 && (
            <select aria-label="File type" value={filterIndex} onChange={(e) => setFilterIndex(Number(e.target.value))}>
              {request.filters.map((f, i) => (
                <option key={f.name} value={i}>
                  {f.name} ({f.extensions.map((x) => `.${x}`).join(', ')})
                </option>
              ))}
              <option value={ALL_FILES}>All files</option>
            </select>
          )}
        </div>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <div className="columns">
          <ul className="places" aria-label="Places">
            {listing?.places.map((p) => (
              <li key={p.path}>
                <button type="button" onClick={() => void go(p.path)} title={p.path}>
                  {p.label}
                </button>
              </li>
            ))}
          </ul>
          <div className="entries" role="listbox" aria-label="Files and folders">
            {entries.map((e) => (
              <div
                key={e.path}
                role="option"
                aria-selected={e.path === selected}
                tabIndex={0}
                onClick={() => {
                  setSelected(e.path);
                  if (request.mode === 'save' && e.kind === 'file') setName(e.name);
                }}
                onDoubleClick={() => {
                  if (e.kind === 'directory') void go(e.path);
                  else if (request.mode === 'open') close(e.path);
                  else if (request.mode === 'save' && listing) close(joinPath(listing.path, e.name));
                }}
                onKeyDown={(ev) => {
                  if (ev.key === 'Enter') {
                    if (e.kind === 'directory') void go(e.path);
                    else if (request.mode === 'open') close(e.path);
                  }
                }}
              >
                <span aria-hidden="true">{e.kind === 'directory' ? '▸' : '▫'}</span>
                <span>{e.name}</span>
                <span className="size">{e.kind === 'file' && e.bytes !== undefined ? formatBytes(e.bytes) : ''}</span>
              </div>
            ))}
            {listing && entries.length === 0 && <p className="muted" style={{ padding: 8 }}>This folder has no matching files.</p>}
          </div>
        </div>
        {request.mode === 'save' && (
          <div className="name-row">
            <label htmlFor="file-name">File name</label>
            <input id="file-name" type="text" value={name} onChange={(e) => setName(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && canChoose && choose()} />
          </div>
        )}
      </div>
    </Dialog>
  );
}

/** Browser mode's file dialog, over listDirectory on the engine's machine. */
export function FileBrowserDialog() {
  const request = useAppStore((s) => s.fileDialog);
  if (!request) return null;
  return <Browser key={request.title + (request.defaultPath ?? '')} request={request} />;
}
