import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { CATEGORY_INFO, matchedAlias, NODE_REGISTRY, PORT_TYPE_INFO, type AnyNodeDefinition } from '../../../shared/nodes/index.js';
import { addNodeOfType } from '../actions/add-node-of-type.js';
import { useAppStore, useAppStoreApi } from '../store/store-context.js';

interface Choice {
  readonly definition: AnyNodeDefinition;
  /** The new node's port that connects to the port the drag started from. */
  readonly port?: string;
  readonly portLabel?: string;
}

/** The other tool's name the query found this node by, when it is not the title itself. */
function aliasOf(d: AnyNodeDefinition, query: string): string | undefined {
  const a = matchedAlias(d, query);
  return a !== undefined && a.toLowerCase() !== d.title.toLowerCase() ? a : undefined;
}

/**
 * Quick search that places the chosen node where it was opened (double-click on the canvas, Ctrl+K), or,
 * after dragging a port to empty canvas, offers only the nodes that fit that port and connects the new one.
 */
export function QuickAdd() {
  const store = useAppStoreApi();
  const request = useAppStore((s) => s.quickAdd);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    setQuery('');
    setActive(0);
    if (request) input.current?.focus();
  }, [request]);

  const choices = useMemo((): Choice[] => {
    if (!request) return [];
    const ranked = NODE_REGISTRY.search(query);
    if (!request.from) return ranked.map((definition) => ({ definition }));
    const matches = request.from.side === 'output' ? NODE_REGISTRY.accepting(request.from.type) : NODE_REGISTRY.producing(request.from.type);
    const order = new Map(ranked.map((d, i) => [d.type, i]));
    return matches
      .filter((m) => order.has(m.definition.type))
      .sort((a, b) => (order.get(a.definition.type) ?? 0) - (order.get(b.definition.type) ?? 0))
      .map((m) => {
        const ports = request.from?.side === 'output' ? m.definition.inputs : m.definition.outputs;
        return { definition: m.definition, port: m.port, portLabel: ports.find((p) => p.name === m.port)?.label ?? m.port };
      });
  }, [request, query]);

  if (!request) return null;
  const close = (): void => store.getState().closeQuickAdd();
  const choose = (c: Choice | undefined): void => {
    if (!c) return;
    const from = request.from;
    addNodeOfType(
      store,
      c.definition.type,
      { x: Math.round(request.flow.x), y: Math.round(request.flow.y - 20) },
      from && c.port !== undefined ? { nodeId: from.nodeId, port: from.port, side: from.side, newPort: c.port } : undefined,
    );
    close();
  };
  const onKeyDown = (e: KeyboardEvent): void => {
    if (e.key === 'ArrowDown') {
      setActive((a) => Math.min(choices.length - 1, a + 1));
      e.preventDefault();
    } else if (e.key === 'ArrowUp') {
      setActive((a) => Math.max(0, a - 1));
      e.preventDefault();
    } else if (e.key === 'Enter') {
      choose(choices[active]);
      e.preventDefault();
    } else if (e.key === 'Escape') {
      close();
      e.preventDefault();
      e.stopPropagation();
    }
  };
  const left = Math.min(request.screen.x, window.innerWidth - 320);
  const top = Math.min(request.screen.y, window.innerHeight - 360);
  const fromType = request.from ? PORT_TYPE_INFO[request.from.type].label : null;
  return (
    <div className="quick-add" role="dialog" aria-label="Add a node" style={{ left, top }} onKeyDown={onKeyDown}>
      <input ref={input} aria-label="Search nodes" placeholder="Search nodes…" value={query} onChange={(e) => (setQuery(e.target.value), setActive(0))} onBlur={(e) => !e.currentTarget.parentElement?.contains(e.relatedTarget) && close()} />
      {fromType && <div className="for-port">Nodes that {request.from?.side === 'output' ? 'take' : 'give'} a {fromType}</div>}
      <ul role="listbox" aria-label="Matching nodes">
        {choices.map((c, i) => (
          <li
            key={`${c.definition.type}:${c.port ?? ''}`}
            role="option"
            aria-selected={i === active}
            tabIndex={-1}
            onMouseEnter={() => setActive(i)}
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => choose(c)}
          >
            <span>
              {aliasOf(c.definition, query) !== undefined && <span className="alias">{aliasOf(c.definition, query)} → </span>}
              {c.definition.title}
            </span>
            {c.portLabel && <span className="muted">→ {c.portLabel}</span>}
            <span className="cat" style={{ color: CATEGORY_INFO[c.definition.category].color }}>
              {c.definition.category}
            </span>
          </li>
        ))}
        {choices.length === 0 && <li className="muted">No node matches “{query}”.</li>}
      </ul>
    </div>
  );
}
