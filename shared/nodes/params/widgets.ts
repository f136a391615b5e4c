/**
 * UI hints for params: the inspector and the node body generate their controls from these. Hard limits
 * live in the zod schema (and in `ParamField.range` so the UI can clamp); a slider's min/max is the
 * comfortable range, the numeric entry beside it accepts the whole hard range.
 */
export interface FileFilter {
  readonly name: string;
  /** Without the dot; "*" for every file. */
  readonly extensions: readonly string[];
}

export interface EnumOption<V extends string = string> {
  readonly value: V;
  readonly label: string;
  readonly description?: string;
}

export type FilePickMode = 'open' | 'save' | 'directory';

export type ParamWidget =
  | { readonly kind: 'slider'; readonly min: number; readonly max: number; readonly step: number }
  | { readonly kind: 'number'; readonly step: number; readonly integer: boolean; readonly unit?: string }
  | { readonly kind: 'checkbox' }
  | { readonly kind: 'enum'; readonly options: readonly EnumOption[]; readonly display: 'select' | 'segmented' }
  | { readonly kind: 'text'; readonly multiline: boolean; readonly monospace: boolean; readonly placeholder?: string }
  | {
      readonly kind: 'file';
      readonly mode: FilePickMode;
      readonly filters: readonly FileFilter[];
      /** 'open' only: a directory is also accepted (a PEFT adapter directory). */
      readonly allowDirectory: boolean;
    }
  | {
      readonly kind: 'vector';
      readonly step: number;
      /** Allowed lengths; undefined = any. */
      readonly lengths?: readonly number[];
      /** Label of each entry for a vector of that length (block-weight slot names), if known. */
      readonly slotNames?: (length: number) => readonly string[] | undefined;
    }
  /** A non-negative 32-bit integer with a "new random seed" button. */
  | { readonly kind: 'seed' }
  | {
      readonly kind: 'string-list';
      readonly placeholder?: string;
      /** What the items are, for help text and autocompletion: layer-name patterns or block selectors. */
      readonly items: 'pattern' | 'block' | 'text';
    };

export type ParamWidgetKind = ParamWidget['kind'];

/** Hard numeric limits, as enforced by the schema. */
export interface NumericRange {
  readonly min?: number;
  readonly max?: number;
  /** The minimum itself is not allowed (density in (0, 1]). */
  readonly exclusiveMin?: boolean;
  readonly integer?: boolean;
}

/** Show a param only while another param of the same node has one of these values. */
export interface ShowIf {
  readonly param: string;
  readonly oneOf: readonly (string | number | boolean)[];
}
