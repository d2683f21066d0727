// Fault injection for crash tests: a store whose chosen method throws once, at its n-th call, as a process dying
// there would; every other call goes through to the real store.

export function dyingOnce<T extends object>(store: T, method: keyof T, onCall = 1): T {
  let calls = 0;
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      if (property !== method) return value.bind(target);
      return async (...args: unknown[]) => {
        calls++;
        if (calls === onCall) throw new Error(`simulated crash in ${String(method)}`);
        return value.apply(target, args);
      };
    },
  });
}
