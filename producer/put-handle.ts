// What put() returns: a handle that behaves as a Promise of the put's result (then, catch, finally,
// await, Promise.all) but makes a native promise only once someone asks for the outcome. A put
// whose result nobody awaits costs one small object: the records of one wire record settle
// together (see Members), and the result object is built only for a handle that asks for it.
import { Members, VIA_HANDLE, type Observer, type Sink, type Target } from './wire-record.js';

/** Where a handle points until put() has attached it (never read: attach() runs before put() returns). */
const UNATTACHED = new Members<never>();

// Promise executors run synchronously: one module-level executor hands each handle its resolve
// function without a closure per handle (a failure resolves it with a rejected promise).
const unobserved = (): void => {};
let captured: (result: never) => void = unobserved;
function capture(resolve: (result: never) => void): void {
  captured = resolve;
}

/**
 * A put()'s outcome: `Promise`-compatible (a thenable with catch and finally; await,
 * Promise.all/allSettled/race work, and it is assignable to `Promise<Result>`), but not
 * `instanceof Promise`. It settles exactly once, to the same value whenever it is awaited. A failed
 * put nobody awaited surfaces as an unhandled rejection, as a native promise's would: the rejection
 * is made when the record fails.
 */
export class PutHandle<Result> implements Promise<Result>, Target<Result>, Observer<Result> {
  /** The wire record's members that hold this put's record, and its index there (moved along by Members). */
  members: Members<Result> = UNATTACHED;
  index = 0;
  settle: (result: Result | Promise<never>) => void = unobserved;
  private promise: Promise<Result> | undefined = undefined;

  /** Called once its record is added to a wire record (during put()). */
  attach(members: Members<Result>, index: number): Sink {
    this.members = members;
    this.index = index;
    return VIA_HANDLE;
  }

  private native(): Promise<Result> {
    if (this.promise === undefined) {
      this.promise = new Promise<Result>(capture);
      this.settle = captured as (result: Result | Promise<never>) => void;
      this.members.observe(this);
    }
    return this.promise;
  }

  // `reason: any`, as in Promise's own declaration: callers type their handler's parameter (a ProducerError).
  then<Fulfilled = Result, Rejected = never>(
    onfulfilled?: ((value: Result) => Fulfilled | PromiseLike<Fulfilled>) | null,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    onrejected?: ((reason: any) => Rejected | PromiseLike<Rejected>) | null,
  ): Promise<Fulfilled | Rejected> {
    return this.native().then(onfulfilled, onrejected);
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  catch<Rejected = never>(onrejected?: ((reason: any) => Rejected | PromiseLike<Rejected>) | null): Promise<Result | Rejected> {
    return this.native().catch(onrejected);
  }

  finally(onfinally?: (() => void) | null): Promise<Result> {
    return this.native().finally(onfinally);
  }

  get [Symbol.toStringTag](): string {
    return 'PutHandle';
  }
}

/** The handle of a put() refused before it was buffered (the producer is closed): already rejected with `error`. */
export function rejectedHandle<Result>(error: Error): PutHandle<Result> {
  const members = new Members<Result>();
  const handle = new PutHandle<Result>();
  members.add(handle.attach(members, 0), 0, 0, undefined);
  members.failed(error);
  return handle;
}
