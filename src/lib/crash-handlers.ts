import type { Logger } from 'pino';

/**
 * After an unhandled rejection or uncaught exception the process state is unknown, so it is logged
 * and the process exits non-zero; a supervisor (systemd, Kubernetes, Docker) starts a fresh one.
 */
export function installCrashHandlers(log: Pick<Logger, 'fatal'>): void {
  process.on('unhandledRejection', (reason) => {
    log.fatal({ err: reason }, 'unhandled rejection; exiting so a supervisor restarts the process');
    process.exit(1);
  });
  process.on('uncaughtException', (error) => {
    log.fatal({ err: error }, 'uncaught exception; exiting so a supervisor restarts the process');
    process.exit(1);
  });
}
