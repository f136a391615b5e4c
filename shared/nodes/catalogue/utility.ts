import { defineNode } from '../definition.js';
import { param } from '../params/index.js';

export const note = defineNode({
  type: 'lora-studio/note',
  title: 'Note',
  aliases: ['MarkdownNote'],
  category: 'Utility',
  description: 'A text note on the canvas; it does not compute.',
  keywords: ['comment', 'text', 'annotation', 'sticky'],
  docs: 'Free text for whoever opens the graph next. Notes have no ports and never run.',
  version: 1,
  inputs: [],
  outputs: [],
  params: { text: param.text({ label: 'Text', description: 'The note.', multiline: true, inline: true }) },
});
