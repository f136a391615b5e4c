/** Note: text on the canvas. It has no ports, so it is never planned; the kernel exists so every type has one. */
import { note } from '../../../../shared/nodes/catalogue/utility.js';
import { defineKernel } from '../kernel.js';

export const noteKernel = defineKernel(note, async () => ({}));
