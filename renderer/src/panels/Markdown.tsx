import type { ReactNode } from 'react';

/**
 * The little markdown node docs use: paragraphs, "- " lists, `code`, **bold**. Rendered as React
 * elements (never as HTML), so a document's text cannot inject markup.
 */
function inline(text: string): ReactNode[] {
  const out: ReactNode[] = [];
  const re = /(`[^`]+`|\*\*[^*]+\*\*)/g;
  let last = 0;
  let m: RegExpExecArray | null;
  let key = 0;
  while ((m = re.exec(text)) !== null) {
    if (m.index > last) out.push(text.slice(last, m.index));
    const token = m[0];
    out.push(token.startsWith('`') ? <code key={key++}>{token.slice(1, -1)}</code> : <strong key={key++}>{token.slice(2, -2)}</strong>);
    last = m.index + token.length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

type Block = { kind: 'p'; text: string } | { kind: 'ul'; items: string[] };

/** Paragraphs and "- " lists (continuation lines indented), in order. */
export function markdownBlocks(text: string): Block[] {
  const blocks: Block[] = [];
  for (const chunk of text.split(/\n\s*\n/)) {
    let para: string[] = [];
    let list: string[] | null = null;
    const flushPara = (): void => {
      if (para.length > 0) blocks.push({ kind: 'p', text: para.join(' ') });
      para = [];
    };
    for (const line of chunk.split('\n')) {
      if (/^\s*- /.test(line)) {
        flushPara();
        if (!list) blocks.push({ kind: 'ul', items: (list = []) });
        list.push(line.replace(/^\s*- /, ''));
      } else if (list && /^\s{2,}\S/.test(line)) {
        list[list.length - 1] += ` ${line.trim()}`;
      } else if (line.trim() !== '') {
        list = null;
        para.push(line.trim());
      }
    }
    flushPara();
  }
  return blocks;
}

export function Markdown({ text }: { readonly text: string }) {
  return (
    <div className="markdown">
      {markdownBlocks(text).map((b, i) =>
        b.kind === 'p' ? (
          <p key={i}>{inline(b.text)}</p>
        ) : (
          <ul key={i}>
            {b.items.map((it, j) => (
              <li key={j}>{inline(it)}</li>
            ))}
          </ul>
        ),
      )}
    </div>
  );
}
