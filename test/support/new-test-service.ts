/**
 * Unit-test tier: builds a gateway service with every constructor dependency replaced by a jest mock,
 * read from the service's own Nest metadata, so a test file constructs its service in one line:
 *
 *   const { sut, mocks } = newTestService(CameraService, { config: { incidents: { maxDurationHours: 24 } } });
 *   mocks.of(CameraRepository).findById.mockResolvedValue(camera);
 *
 * Modelled on immich's `newTestService` (server/test/utils.ts). Mocked methods are strict: a call the
 * test did not set up throws and names the method, so a test never passes on an accidental `undefined`.
 * The configuration is the real defaults (`loadConfig` with no file and no environment) with the test's
 * overrides merged in; a `DataSource` runs `transaction` callbacks at once with one mock EntityManager;
 * the SchedulerService is a real one whose timers never start.
 */
import 'reflect-metadata';
import type { Principal } from '@borderlens/auth';
import { loadConfig, CONFIG, type BorderlensConfig } from '@borderlens/config';
import { ServiceClient } from '@borderlens/contracts';
import type { Decision, Obligations } from '@borderlens/policy';
import { getRepositoryToken } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { SchedulerService } from '../../apps/gateway/src/common/scheduler.service';
import { ANONYMIZER_CLIENT, MEDIA_CLIENT } from '../../apps/gateway/src/transport/transport.module';

/** A class, whatever its constructor (abstract, private, any arity): what a dependency is named by. */
type Ctor<T = unknown> = { prototype: T; name: string };
type Token = Ctor | symbol | string;

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? (T[K] extends unknown[] ? T[K] : DeepPartial<T[K]>) : T[K] };

/** A mock EntityManager: `create` copies the values, the rest are strict mocks a test sets up. */
export type MockManager = jest.Mocked<Pick<EntityManager, 'create' | 'save' | 'insert' | 'update' | 'delete' | 'query' | 'count' | 'findOne' | 'find' | 'getRepository'>>;

export interface ServiceMocks {
  /** The mock standing in for dependency `type` (the same object the service holds). */
  of<T>(type: Ctor<T>): jest.Mocked<T>;
  config: BorderlensConfig;
  dataSource: jest.Mocked<DataSource>;
  /** The manager every `dataSource.transaction(fn)` passes to `fn`. */
  manager: MockManager;
  media: jest.Mocked<ServiceClient>;
  anonymizer: jest.Mocked<ServiceClient>;
  /** The mock TypeORM repository injected with `@InjectRepository(entity)`. */
  repository<E extends object>(entity: Ctor<E>): jest.Mocked<Repository<E>>;
}

export interface TestServiceOptions {
  /** Merged over the default configuration. */
  config?: DeepPartial<BorderlensConfig>;
  /** Real or hand-written stand-ins for some dependencies, by class or injection token. */
  provide?: [Token, unknown][];
}

function strict(label: string): jest.Mock {
  return jest.fn(() => {
    throw new Error(`Called ${label} without a mock implementation`);
  });
}

/** Every method on the class's prototype chain as a strict jest mock (getters are not called). */
export function automock<T>(type: Ctor<T>): jest.Mocked<T> {
  const mock: Record<string, jest.Mock> = {};
  for (let proto = type.prototype; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      const d = Object.getOwnPropertyDescriptor(proto, name);
      if (name === 'constructor' || name in mock || typeof d?.value !== 'function') continue;
      mock[name] = strict(`${type.name}.${name}`);
    }
  }
  return mock as unknown as jest.Mocked<T>;
}

function mergeDeep(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(source)) {
    const t = target[k];
    if (v && typeof v === 'object' && !Array.isArray(v) && t && typeof t === 'object' && !Array.isArray(t)) mergeDeep(t as Record<string, unknown>, v as Record<string, unknown>);
    else target[k] = v;
  }
}

export function testConfig(overrides: DeepPartial<BorderlensConfig> = {}): BorderlensConfig {
  const cfg = loadConfig({}, undefined);
  // A fixed key, so that no test writes one into the data directory.
  cfg.security.encryptionKey = Buffer.alloc(32, 7).toString('base64');
  mergeDeep(cfg as unknown as Record<string, unknown>, overrides as Record<string, unknown>);
  return cfg;
}

function mockManager(): MockManager {
  const m = automock(EntityManager) as unknown as MockManager;
  m.create.mockImplementation(((_entity: unknown, values: object) => ({ ...values })) as never);
  return m;
}

function mockDataSource(manager: MockManager): jest.Mocked<DataSource> {
  const ds = automock(DataSource);
  // transaction(fn) or transaction(isolationLevel, fn): the callback is always last.
  ds.transaction.mockImplementation(((...args: unknown[]) => (args[args.length - 1] as (m: unknown) => unknown)(manager)) as never);
  return ds;
}

/**
 * The service's constructor dependencies in order: `@Inject(token)` where given (Nest's `self:paramtypes`),
 * else the parameter's emitted type (`design:paramtypes`), with the emitted type beside each.
 */
function dependencies(Service: Ctor): { token: Token; type: unknown }[] {
  const types: unknown[] = Reflect.getMetadata('design:paramtypes', Service) ?? [];
  const deps = types.map((type) => ({ token: type as Token, type }));
  for (const { index, param } of (Reflect.getMetadata('self:paramtypes', Service) ?? []) as { index: number; param: Token }[]) deps[index] = { token: param, type: types[index] };
  return deps;
}

const mockable = (t: unknown): t is Ctor => typeof t === 'function' && t !== Object;

export function newTestService<T>(Service: new (...args: never[]) => T, options: TestServiceOptions = {}): { sut: T; mocks: ServiceMocks } {
  const config = testConfig(options.config);
  const manager = mockManager();
  const byToken = new Map<Token, unknown>([
    [CONFIG, config],
    [DataSource, mockDataSource(manager)],
    [MEDIA_CLIENT, automock(ServiceClient)],
    [ANONYMIZER_CLIENT, automock(ServiceClient)],
    // A real scheduler whose timers never start (no bootstrap): a test runs a job with `run(name)`.
    [SchedulerService, new SchedulerService()],
    ...(options.provide ?? []),
  ]);
  const args = dependencies(Service as Ctor).map(({ token, type }, i) => {
    if (!byToken.has(token)) {
      // A token with a class type (`@InjectRepository(Entity) repo: Repository<Entity>`) is mocked as that class.
      const mocked = mockable(token) ? token : mockable(type) ? type : undefined;
      if (!mocked) throw new Error(`${Service.name}: cannot mock constructor argument ${i} (${String(token)}); pass it in options.provide`);
      byToken.set(token, automock(mocked));
    }
    return byToken.get(token);
  });
  const sut = new Service(...(args as never[]));
  const mocks: ServiceMocks = {
    of: <D>(type: Ctor<D>) => {
      if (!byToken.has(type)) throw new Error(`${Service.name} does not depend on ${type.name}`);
      return byToken.get(type) as jest.Mocked<D>;
    },
    config,
    dataSource: byToken.get(DataSource) as jest.Mocked<DataSource>,
    manager,
    media: byToken.get(MEDIA_CLIENT) as jest.Mocked<ServiceClient>,
    anonymizer: byToken.get(ANONYMIZER_CLIENT) as jest.Mocked<ServiceClient>,
    repository: <E extends object>(entity: Ctor<E>) => {
      const token = getRepositoryToken(entity as never);
      if (!byToken.has(token)) throw new Error(`${Service.name} does not inject the repository of ${entity.name}`);
      return byToken.get(token) as jest.Mocked<Repository<E>>;
    },
  };
  return { sut, mocks };
}

/** A signed-in user of `hzs-olk` (CZ fire service) unless overridden. */
export function testPrincipal(over: Partial<Principal> = {}): Principal {
  return { userId: 'u-operator', username: 'hzs.operator', name: 'Operator', organisation: 'hzs-olk', country: 'CZ', roles: ['operator'], ...over };
}

const NO_OBLIGATIONS: Obligations = { watermark: false, purposeRequired: false, ownerApproval: false, anonymize: false };

/** A permit of one CZ rule, with the given obligations. */
export function permit(obligations: Partial<Obligations> = {}, ids = ['cz-rule']): Decision {
  return {
    decision: 'permit',
    reasons: [],
    policies: [{ jurisdiction: 'CZ', version: 1, role: 'local', decision: 'permit', ids }],
    obligations: { ...NO_OBLIGATIONS, ...obligations },
    errors: [],
  };
}

export function deny(reason = 'no rule permits this', denial: Decision['denial'] = 'no-permit'): Decision {
  return {
    decision: 'deny',
    reasons: [reason],
    denial,
    policies: [{ jurisdiction: 'CZ', version: 1, role: 'local', decision: 'deny', ids: [] }],
    obligations: NO_OBLIGATIONS,
    errors: [],
  };
}
