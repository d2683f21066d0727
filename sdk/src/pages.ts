// Async iteration over the contract's paginated lists: follow next_token until a page has none.
import type { Page } from './types.js';

export async function* paginate<T>(fetchPage: (nextToken?: string) => Promise<Page<T>>): AsyncGenerator<T> {
  let nextToken: string | undefined;
  do {
    const page = await fetchPage(nextToken);
    yield* page.items;
    nextToken = page.next_token;
  } while (nextToken);
}
