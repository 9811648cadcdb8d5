import type { StoredRecordResult } from '@omega/protocol';
import type { CallsOf, EventsOf, PluginTypes, UntypedPlugin } from '../plugin/plugin-types.js';
import type { EventHandler, HostContext, HostMethod } from './host-context.js';

type Params<M extends keyof HostMethods> = Parameters<HostMethods[M]>;
interface HostMethods {
  'storage.get': HostMethod<'storage.get'>;
  'storage.set': HostMethod<'storage.set'>;
  'storage.list': HostMethod<'storage.list'>;
  'events.publish': HostMethod<'events.publish'>;
  'events.emit': HostMethod<'events.emit'>;
  'events.subscribe': HostMethod<'events.subscribe'>;
  'services.call': HostMethod<'services.call'>;
}
type Topic = Params<'events.publish'>[0];
type Pattern = Params<'events.subscribe'>[0];
type Service = Params<'services.call'>[0];
type StorageListed<V> = Omit<Awaited<ReturnType<HostMethods['storage.list']>>, 'items'> & {
  items: StoredRecordResult<V>[];
};

/**
 * The ctx a plugin's hooks, routes and services receive: the protocol-derived
 * {@link HostContext}, with the value type of stored records as a type parameter and events and
 * service calls typed by the plugin's {@link PluginTypes}. Parameters not narrowed here are
 * exactly the host context's.
 */
export type PluginContext<T extends PluginTypes = UntypedPlugin> = Omit<
  HostContext,
  'storage' | 'events' | 'services'
> & {
  readonly storage: Omit<HostContext['storage'], 'get' | 'set' | 'list'> & {
    get<V = unknown>(...args: Params<'storage.get'>): Promise<StoredRecordResult<V> | null>;
    set<V = unknown>(
      collection: Params<'storage.set'>[0],
      id: Params<'storage.set'>[1],
      value: V,
      opts?: Params<'storage.set'>[3],
    ): Promise<StoredRecordResult<V>>;
    list<V = unknown>(...args: Params<'storage.list'>): Promise<StorageListed<V>>;
  };
  readonly events: {
    publish<K extends keyof EventsOf<T> & Topic>(
      topic: K,
      data: EventsOf<T>[K],
    ): ReturnType<HostMethods['events.publish']>;
    /** Publishes without an answer: nothing to await; a failure is logged by the kernel. */
    emit<K extends keyof EventsOf<T> & Topic>(topic: K, data: EventsOf<T>[K]): void;
    subscribe<D = unknown>(
      pattern: Pattern,
      handler: (...args: Parameters<EventHandler<D>>) => unknown,
    ): ReturnType<HostMethods['events.subscribe']>;
  };
  readonly services: {
    call<K extends keyof CallsOf<T> & Service>(
      service: K,
      args: CallsOf<T>[K]['args'],
    ): Promise<CallsOf<T>[K]['result']>;
  };
};
