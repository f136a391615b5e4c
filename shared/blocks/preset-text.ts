/**
 * Reads presets written as LBW's lbwpresets.txt: one `NAME:v1,v2,…` per line. Like LBW, a line without ':'
 * or containing '#' is skipped. Values are checked when the preset is used.
 */
export function parsePresetText(text: string): Record<string, string> {
  const presets: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const colon = line.indexOf(':');
    if (colon <= 0 || line.includes('#')) continue;
    presets[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return presets;
}
