// The extension's runs are RunSessions of training/run-session.ts, the run sequence
// the CLI shares: the panel, the status bar and the progress notification subscribe to one, so
// closing the panel does not stop the run. Re-exported here for the client's modules.

export { RunSession, type RunListener } from '../../training/run-session';
