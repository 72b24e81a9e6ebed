import { ErrorCode, SwitchboardError } from '@switchboard/protocol';
import type Redis from 'ioredis';
import type { RestartPolicy } from './options.ts';
import type { LogScripts } from './scripts.ts';

/**
 * The handshake of every connection: finds which Redis server process it reached (its run
 * id) and, the first time this node meets that process, decides whether the log there can
 * be trusted to hold everything this node delivered (see `restartPolicy`). A Redis that
 * restarted with `appendfsync everysec`, from an RDB snapshot, or a replica promoted after a
 * failover may have lost the newest entries; continuing the epoch would give their offsets
 * to new entries and a client that had the lost ones would recover into a silent gap. So
 * such a log gets a new epoch, and clients resync instead.
 *
 * Every script call carries the run id the node checked; a script run under another one
 * refuses (`SBSTALE`), so no command reaches a server the node has not checked.
 */
export class RunCheck {
  readonly #scripts: LogScripts;
  readonly #policy: RestartPolicy;
  readonly #onError: (error: unknown) => void;
  readonly #known: () => { epoch: string; offset: number } | undefined;
  #run = '';
  #configWarned = false;

  constructor(
    scripts: LogScripts,
    policy: RestartPolicy,
    onError: (error: unknown) => void,
    known: () => { epoch: string; offset: number } | undefined,
  ) {
    this.#scripts = scripts;
    this.#policy = policy;
    this.#onError = onError;
    this.#known = known;
  }

  /** The run id of the server process the log was last checked under by this node. */
  get run(): string {
    return this.#run;
  }

  /**
   * A script refused the run id: the log's meta names another server process than the one
   * this node checked (restored keys, a failover it has not noticed). Check again from
   * scratch on `client`.
   */
  async recheck(client: Redis): Promise<void> {
    this.#run = '';
    await this.check(client);
  }

  async check(client: Redis): Promise<void> {
    const info = await client.info('server');
    const run = /run_id:([0-9a-f]+)/.exec(info)?.[1];
    if (run === undefined) throw new Error('INFO server has no run_id');
    if (run === this.#run) return;
    const trusted = await this.#trusts(client);
    await this.#scripts.adopt(client, run, trusted, this.#known());
    this.#run = run;
  }

  async #trusts(client: Redis): Promise<boolean> {
    if (this.#policy !== 'verify') return this.#policy === 'trust';
    try {
      const aof = (await client.config('GET', 'appendonly')) as string[];
      const fsync = (await client.config('GET', 'appendfsync')) as string[];
      return aof[1] === 'yes' && fsync[1] === 'always';
    } catch (error) {
      if (!this.#configWarned) {
        this.#configWarned = true;
        this.#onError(
          new SwitchboardError(
            ErrorCode.INTERNAL_ERROR,
            `RedisEngine: CONFIG GET is not allowed (${String(error)}), so persistence cannot be verified: a Redis restart or failover starts a new epoch. Set restartPolicy: 'trust' if the server keeps every write.`,
            { cause: error },
          ),
        );
      }
      return false;
    }
  }
}
