/** Product identity, used in metadata the exporters write and in the UI. A unit test keeps it equal to package.json. */
export const APP_NAME = 'LoRA Studio';
export const APP_ID = 'lora-studio';
export const APP_VERSION = '0.1.0';
