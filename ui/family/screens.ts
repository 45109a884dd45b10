/**
 * The screens a family does not see first, each its own chunk. The phone's cold start is bound by the script it
 * must fetch, parse and run before today's list paints (bench/README.md, "third round"): Week, Goals, Messages,
 * the printable program, Settings, kid mode, pairing and the caregiver picker are not needed for that, so they
 * are loaded after it, and all of them at once as soon as the first screen is up, so that a tap on the menu
 * (offline too: the service worker precaches every chunk) finds its screen already there.
 */
type Loaders = Record<string, () => Promise<{ default: unknown }>>;

/** Memoised loaders: the same promise every time, so a module is fetched once. A failed load is forgotten, so the
 *  next visit tries again (a chunk missed while offline, before the service worker had it). */
export function lazyModules<L extends Loaders>(loaders: L) {
  const asked = new Map<keyof L, Promise<unknown>>();
  function load<K extends keyof L>(name: K): Promise<Awaited<ReturnType<L[K]>>['default']> {
    let promise = asked.get(name) as Promise<Awaited<ReturnType<L[K]>>['default']> | undefined;
    if (!promise) {
      promise = (loaders[name] as L[K])().then((m) => m.default as Awaited<ReturnType<L[K]>>['default']);
      promise.catch(() => asked.delete(name));
      asked.set(name, promise);
    }
    return promise;
  }
  function preload(): void {
    for (const name of Object.keys(loaders)) void load(name).catch(() => {});
  }
  return { load, preload };
}

const lazy = lazyModules({
  week: () => import('./Week.svelte'),
  goals: () => import('./Goals.svelte'),
  messages: () => import('./Messages.svelte'),
  print: () => import('./PrintProgram.svelte'),
  settings: () => import('./Settings.svelte'),
  kid: () => import('./KidMode.svelte'),
  pairing: () => import('./Pairing.svelte'),
  who: () => import('./WhoPicker.svelte'),
});

/** A screen's component, fetched once. */
export const screen = lazy.load;
/** Starts loading every screen (after the first screen has painted). */
export const preloadScreens = lazy.preload;
