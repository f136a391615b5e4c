export { DEMO_FILES, DEMO_MANIFEST, DEMO_VERSION, demoIsCurrent, ensureDemoFiles, generateDemoFiles, type DemoResult } from './demo-files.js';
