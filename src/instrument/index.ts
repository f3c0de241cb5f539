export { enableOutgoingInstrumentation, disableOutgoingInstrumentation } from './enable';
