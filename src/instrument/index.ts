export { enableOutgoingInstrumentation, disableOutgoingInstrumentation } from './enable';
export type { OutgoingInstrumentationOptions } from './enable';
