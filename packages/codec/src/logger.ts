/**
 * The logging interface components receive (pino's shape: object first,
 * message second, errors under `err`). The node passes pino child loggers;
 * libraries and tests may pass {@link silentLogger}.
 */
export interface Logger {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
  child(bindings: object): Logger;
}

export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return silentLogger;
  },
};
