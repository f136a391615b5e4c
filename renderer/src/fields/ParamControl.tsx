import type { ControlProps } from './types.js';
import { CheckboxControl } from './CheckboxControl.js';
import { EnumControl } from './EnumControl.js';
import { FileControl } from './FileControl.js';
import { NumberControl } from './NumberControl.js';
import { SeedControl } from './SeedControl.js';
import { SliderControl } from './SliderControl.js';
import { StringListControl } from './StringListControl.js';
import { TextControl } from './TextControl.js';
import { VectorControl } from './VectorControl.js';

/** The control a param's UI hint asks for; node bodies and the inspector both use it. */
export function ParamControl(props: ControlProps) {
  switch (props.field.widget.kind) {
    case 'slider':
      return <SliderControl {...props} />;
    case 'number':
      return <NumberControl {...props} />;
    case 'seed':
      return <SeedControl {...props} />;
    case 'checkbox':
      return <CheckboxControl {...props} />;
    case 'enum':
      return <EnumControl {...props} />;
    case 'text':
      return <TextControl {...props} />;
    case 'file':
      return <FileControl {...props} />;
    case 'vector':
      return <VectorControl {...props} />;
    case 'string-list':
      return <StringListControl {...props} />;
  }
}
