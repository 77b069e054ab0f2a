// Every document of a partition, following the store's pages.
import type { DocStore } from './store.ts';

export async function listAll<T>(docs: DocStore, collection: string, partition: string): Promise<T[]> {
  const out: T[] = [];
  let after: number | undefined;
  do {
    const page = await docs.list<T>(collection, partition, { after, limit: 1000 });
    out.push(...page.items);
    after = page.next;
  } while (after !== undefined);
  return out;
}
