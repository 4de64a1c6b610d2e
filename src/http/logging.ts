import { LogController, type FastifyBaseLogger, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import type { Bindings, ChildLoggerOptions } from 'fastify/types/logger.js';

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/** The root logger's level check (pino has it; a logger without it logs at every level). */
const enabled = (logger: FastifyBaseLogger, level: Level) =>
  (logger as FastifyBaseLogger & { isLevelEnabled?(l: string): boolean }).isLevelEnabled?.(level) ?? true;

/**
 * A request's logger that costs nothing until it writes a line. Fastify gives every request a child logger bound to
 * its id; pino builds a child by copying and serialising the bindings, a measurable part of a request that logs
 * nothing (the usual case at `warn`). This one builds the real child on the first line at an enabled level.
 */
class RequestLogger {
  private real: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
  ) {}

  private logger(): FastifyBaseLogger {
    return (this.real ??= this.parent.child(this.bindings));
  }

  get level(): string {
    return this.real?.level ?? this.parent.level;
  }

  set level(level: string) {
    this.logger().level = level;
  }

  isLevelEnabled(level: Level): boolean {
    return enabled(this.real ?? this.parent, level);
  }

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.logger().child(bindings, options);
  }

  silent(): void {}

  fatal(...args: unknown[]) {
    this.write('fatal', args);
  }
  error(...args: unknown[]) {
    this.write('error', args);
  }
  warn(...args: unknown[]) {
    this.write('warn', args);
  }
  info(...args: unknown[]) {
    this.write('info', args);
  }
  debug(...args: unknown[]) {
    this.write('debug', args);
  }
  trace(...args: unknown[]) {
    this.write('trace', args);
  }

  private write(level: Level, args: unknown[]) {
    if (!this.isLevelEnabled(level)) return;
    const logger = this.logger();
    const write: (...a: unknown[]) => void = logger[level].bind(logger);
    write(...args);
  }
}

/** Fastify's request lines ("incoming request", "request completed") skipped whole when `info` is off (their arguments cost too). */
class RequestLines extends LogController {
  override incomingRequest(request: FastifyRequest, reply: FastifyReply) {
    if (enabled(request.log, 'info')) super.incomingRequest(request, reply);
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply) {
    if (error || enabled(reply.log, 'info')) super.requestCompleted(error, request, reply);
  }
}

/**
 * The app's per-request logging: the same lines as Fastify's own, bound to the request id, at no cost for the lines
 * the level leaves out. A route with its own log level or serializers gets pino's child as usual.
 */
export function requestLogging(): Pick<FastifyServerOptions, 'childLoggerFactory' | 'logController'> {
  return {
    childLoggerFactory: (logger, bindings, opts) => (opts.level || opts.serializers ? logger.child(bindings, opts) : new RequestLogger(logger, bindings)),
    logController: new RequestLines(),
  };
}
