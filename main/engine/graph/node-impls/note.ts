/** Note: text on the canvas. It has no ports, so it is never planned; the node impl exists so every type has one. */
import { note } from '../../../../shared/nodes/catalogue/utility.js';
import { defineNodeImpl } from '../node-impl.js';

export const noteImpl = defineNodeImpl(note, async () => ({}));
