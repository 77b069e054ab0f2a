// The digest worker: closes each chain's period when it is due, then signs and writes the sealed
// digests in order. A digest is written before the chain records it as written, so a crash in
// between rewrites the same digest (same key, same bytes) instead of skipping one.
import type { AppContext } from '../app-context.ts';
import { BucketError, bucketsFor } from '../buckets/index.ts';
import { activeStates, getState } from '../trails/delivery-state.ts';
import { getTrailDoc } from '../trails/model.ts';
import type { TrailDoc } from '../trails/model.ts';
import { busyChains, getChain, liveSession, newChain, reconcile, saveChain } from './chains.ts';
import type { ChainDoc, SealedPeriod } from './chains.ts';
import { digestKey, digestMetadata, signDigest } from './digest.ts';
import { SigningKeys } from './keys.ts';
import { Ticker } from '../ticker.ts';

export interface IntegrityOptions {
  intervalSeconds: number;
  log: (m: string) => void;
}

interface TrailRef {
  accountId: string;
  homeRegion: string;
  name: string;
}

export class DigestWorker {
  readonly keys: SigningKeys;
  private readonly ticker: Ticker;

  constructor(
    private readonly app: AppContext,
    private readonly opts: IntegrityOptions,
  ) {
    this.keys = new SigningKeys(app.store, app.box, app.config.keyValidityDays);
    this.ticker = new Ticker(() => this.tick(), Math.min(1000, (opts.intervalSeconds * 1000) / 4), (err) =>
      opts.log(`digests: ${err instanceof Error ? err.message : String(err)}`),
    );
  }

  start(): void {
    this.ticker.start();
  }

  async stop(): Promise<void> {
    await this.ticker.stop();
  }

  /** One pass: every logging trail's home chain, and every chain with a period open or sealed. */
  async tick(): Promise<void> {
    const { trails, chains } = await this.app.store.read(async (tx) => ({ trails: await activeStates(tx), chains: await busyChains(tx) }));
    const refs = new Map<string, { trail: TrailRef; regions: Set<string> }>();
    const add = (accountId: string, homeRegion: string, name: string, region: string) => {
      const id = `${accountId}/${homeRegion}/${name}`;
      const ref = refs.get(id) ?? { trail: { accountId, homeRegion, name }, regions: new Set<string>() };
      ref.regions.add(region);
      refs.set(id, ref);
    };
    for (const s of trails) {
      const [home, ...rest] = s.trailId.split('/');
      add(s.accountId, home, rest.join('/'), home);
    }
    for (const c of chains) add(c.accountId, c.homeRegion, c.trailName, c.region);
    for (const { trail, regions } of refs.values()) {
      if (this.ticker.stopped) return;
      const toWrite = await this.app.store.write(async (tx) => {
        const t = await getTrailDoc(tx, trail.accountId, trail.homeRegion, trail.name);
        const session = liveSession(t, t && (await getState(tx, t)));
        const out: ChainDoc[] = [];
        for (const region of regions) {
          const existing = await getChain(tx, { AccountId: trail.accountId, HomeRegion: trail.homeRegion, Name: trail.name }, region);
          if (!existing && !t) continue;
          const chain = existing ?? newChain(t!, region);
          // A home chain opens with logging; another region's when its first file arrives.
          reconcile(chain, t, session, Date.now(), this.opts.intervalSeconds * 1000, region === trail.homeRegion);
          if (chain.open || chain.sealed.length || existing) await saveChain(tx, chain);
          if (chain.sealed.length) out.push(chain);
        }
        return out;
      });
      for (const chain of toWrite) await this.writeSealed(chain);
    }
  }

  /** Signs and writes a chain's sealed digests, oldest first; stops at the first failure. */
  private async writeSealed(chain: ChainDoc): Promise<void> {
    const ref = { AccountId: chain.accountId, HomeRegion: chain.homeRegion, Name: chain.trailName };
    // Keys are made only where something is signed (generating one takes a moment).
    await this.keys.ensure(chain.region);
    for (;;) {
      const next = await this.app.store.read(async (tx) => {
        const c = await getChain(tx, ref, chain.region);
        const period = c?.sealed[0];
        if (!c || !period) return undefined;
        const signer = await this.keys.signer(tx, chain.region);
        return signer && { c, period, signer };
      });
      if (!next) return;
      const { c, period, signer } = next;
      const digest = signDigest(
        {
          accountId: c.accountId,
          bucket: period.bucket,
          key: digestKey(period.prefix, c.accountId, c.region, c.trailName, c.homeRegion, new Date(period.end)),
          start: new Date(period.start),
          end: new Date(period.end),
          fingerprint: signer.fingerprint,
          previous: period.startsChain ? undefined : c.last,
          logFiles: period.files,
        },
        signer.sign,
      );
      try {
        const bucket = await bucketsFor(this.app.config).open(period.bucket);
        await bucket.put(digest.key, digest.gzip, { contentType: 'application/json', metadata: digestMetadata(digest.signature) });
      } catch (err) {
        await this.recordFailure(ref, chain.region, period, err);
        return;
      }
      const done = await this.app.store.write(async (tx) => {
        const current = await getChain(tx, ref, chain.region);
        if (!current || !samePeriod(current.sealed[0], period)) return false;
        current.sealed.shift();
        current.last = digest.link;
        current.LatestDigestDeliveryTime = new Date().toISOString();
        delete current.LatestDigestDeliveryError;
        await saveChain(tx, current);
        return true;
      });
      if (!done) return;
    }
  }

  private async recordFailure(ref: Pick<TrailDoc, 'AccountId' | 'HomeRegion' | 'Name'>, region: string, period: SealedPeriod, err: unknown): Promise<void> {
    const code = err instanceof BucketError ? err.code : err instanceof Error ? err.message : String(err);
    if (!(err instanceof BucketError)) this.opts.log(`digests of trail ${ref.Name} (${region}): ${code}`);
    await this.app.store.write(async (tx) => {
      const current = await getChain(tx, ref, region);
      if (!current || !samePeriod(current.sealed[0], period)) return;
      current.LatestDigestDeliveryError = code;
      await saveChain(tx, current);
    });
  }
}

const samePeriod = (a: SealedPeriod | undefined, b: SealedPeriod) => a !== undefined && a.end === b.end && a.start === b.start && a.bucket === b.bucket;
