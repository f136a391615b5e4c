/**
 * Text from files (metadata values, tensor and module names, messages that quote them) must not reach a
 * terminal raw: ESC starts control sequences (colours, cursor moves, OSC 52 clipboard writes, OSC 8 links,
 * window titles), BEL rings, CR overwrites the line, and C1 codes (U+0080–U+009F; U+009B is CSI) act as
 * ESC + a letter on terminals that honour them. Control characters are shown as `\xNN` escapes instead.
 */

// eslint-disable-next-line no-control-regex -- matching control characters is the point.
const CONTROL_IN_FIELD = /[\u0000-\u001f\u007f-\u009f]/g;
// eslint-disable-next-line no-control-regex -- as above, but a message keeps its own line breaks.
const CONTROL_IN_MESSAGE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g;

const escapeChar = (c: string): string => {
  if (c === '\n') return '\\n';
  if (c === '\t') return '\\t';
  if (c === '\r') return '\\r';
  return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
};

/** One value on one line (a metadata value, a tensor name): every control character escaped, newlines too. */
export function terminalField(text: string): string {
  return text.replace(CONTROL_IN_FIELD, escapeChar);
}

/** A message of one or more lines: control characters escaped, line feeds kept. */
export function terminalMessage(text: string): string {
  return text.replace(CONTROL_IN_MESSAGE, escapeChar);
}

/**
 * JSON for stdout: JSON.stringify escapes U+0000–U+001F but leaves DEL and the C1 range raw; `\u00XX`
 * escapes are the same JSON value, so a program reading the output sees no difference.
 */
export function terminalJson(value: unknown, indent = 2): string {
  return JSON.stringify(value, null, indent).replace(/[\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
