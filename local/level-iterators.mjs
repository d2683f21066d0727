// dynalite 4 reads a Query or Scan through a stream over an abstract-level iterator and, when the stream ends or
// is cut short by a Limit, closes it by calling `iterator.return()`, which abstract-level 3 iterators do not
// have (they have `close()`). Left open, every iterator stays attached to the database and pins LevelDB's
// memtables and table files until the database closes: under sustained load the storage worker's memory and
// the data dir grow with every query. Giving the iterators the `return()` dynalite calls closes them.
import { createRequire } from 'node:module';

/** Makes every abstract-level iterator that dynalite opens closable the way dynalite closes it. */
export function closeIteratorsOnReturn() {
  // dynalite's own abstract-level, whichever copy npm resolved for it.
  const require = createRequire(import.meta.resolve('dynalite'));
  const level = require('abstract-level');
  for (const Iterator of [level.AbstractIterator, level.AbstractKeyIterator, level.AbstractValueIterator]) {
    if (Object.hasOwn(Iterator.prototype, 'return')) continue;
    Object.defineProperty(Iterator.prototype, 'return', {
      configurable: true,
      writable: true,
      async value() {
        await this.close();
        return { done: true, value: undefined };
      },
    });
  }
}
