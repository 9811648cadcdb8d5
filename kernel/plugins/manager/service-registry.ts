import type { ServiceCaller } from '@omega/protocol';
import { omegaError } from '../../errors/index.js';
import { callPlugin, type PluginInstance } from '../../sandbox/index.js';

interface Provider {
  plugin: string;
  handler: string;
  instance: () => PluginInstance | undefined;
  /** True while the provider's stop waits for its calls in flight (it is still registered). */
  stopping: () => boolean;
  deadlineMs: number;
  /** Runs a call into the provider, counted so a stop lets it finish. */
  run: <T>(call: () => Promise<T>) => Promise<T>;
}

/**
 * Plugins' declared services, by qualified name `<plugin>.<service>`. Calls are
 * host-mediated: the caller's permission was checked by its gate; the provider runs the
 * handler in its own sandbox under its own deadline.
 */
export class ServiceRegistry {
  #providers = new Map<string, Provider>();

  /** Registers a provider; returns its undo. A name has one provider at a time. */
  provide(service: string, provider: Provider): () => void {
    const current = this.#providers.get(service);
    if (current) {
      throw omegaError(
        'OMEGA_ERR_ALREADY_EXISTS',
        `The service "${service}" is already provided by "${current.plugin}".`,
        {
          service,
        },
      );
    }
    this.#providers.set(service, provider);
    return () => {
      if (this.#providers.get(service) === provider) this.#providers.delete(service);
    };
  }

  /** Every registered qualified service name. */
  names(): string[] {
    return [...this.#providers.keys()].sort();
  }

  /**
   * Calls `service` with `args` (plain data) on behalf of `caller` (a plugin's identity from its
   * channel, or the kernel's); resolves the provider's plain-data result.
   */
  async call(service: string, args: unknown, caller: ServiceCaller): Promise<unknown> {
    const provider = this.#providers.get(service);
    const running = provider?.instance();
    if (!provider)
      throw omegaError('OMEGA_ERR_NOT_FOUND', `No plugin provides the service "${service}".`, { service });
    // Draining: the calls it has finish, a new one is told to come back (the provider may start again).
    if (provider.stopping()) {
      throw omegaError(
        'OMEGA_ERR_PLUGIN_UNAVAILABLE',
        `Plugin "${provider.plugin}" (service "${service}") is stopping; retry later.`,
        { plugin: provider.plugin, service, state: 'stopping' },
      );
    }
    if (!running) {
      throw omegaError(
        'OMEGA_ERR_PLUGIN_UNAVAILABLE',
        `Plugin "${provider.plugin}" (service "${service}") is not running.`,
        {
          plugin: provider.plugin,
          service,
        },
      );
    }
    // Counted like route calls: a stop of the provider waits for this call before the dispose.
    return provider.run(() =>
      callPlugin(running, 'service', provider.handler, { caller, args: args ?? null }, provider.deadlineMs),
    );
  }
}
